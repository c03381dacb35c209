import { firstValueFrom, merge, type Subscription, take, timeout, toArray } from 'rxjs';
import type { Coordinator, Presence } from '../../coordinator';
import type { UnitInfo } from '../../protocol';
import { CliError, interrupted } from '../errors';
import { EXIT } from '../exitCodes';
import { clock, formatUnitInfo, unitColumn } from '../format';
import { type CliIO, interruptible, writeLine } from '../io';

/**
 * Connects to every unit (heartbeats, kept by `keep`), prints each presence change, and
 * resolves with their `unit_info` once all are connected and identified.
 *
 * ## Example
 * ```ts
 * const infos = await connectAll(coordinator, ['127.0.0.2', '127.0.0.3'], keep, io);
 * ```
 * @param coordinator A coordinator whose listener is bound.
 * @param hosts The units.
 * @param keep Holds the heartbeat subscriptions (unsubscribe it to stop them).
 * @param io Output and interrupt signal.
 * @throws `CliError` with {@link EXIT.timeout} when a unit does not identify itself in 10 s.
 */
export async function connectAll(
  coordinator: Coordinator,
  hosts: ReadonlyArray<string>,
  keep: Subscription,
  io: CliIO,
): Promise<UnitInfo[]> {
  const states = new Map<string, Presence>();
  const connected = new Promise<void>((resolve) => {
    for (const host of hosts)
      keep.add(
        coordinator.connect(host).subscribe((p) => {
          const id = p.id === undefined ? '' : `  id ${p.id}`;
          writeLine(io.stdout, `${clock(p.at)}  ${unitColumn(host)}  ${p.state}${id}`);
          states.set(host, p);
          if (hosts.every((h) => states.get(h)?.state === 'connected')) resolve();
        }),
      );
  });
  const infos = firstValueFrom(
    merge(...hosts.map((host) => coordinator.unitInfo(host, { timeoutMs: Infinity }))).pipe(
      take(hosts.length),
      toArray(),
      timeout({
        first: 10_000,
        with: () => Promise.reject(new CliError(EXIT.timeout, 'no unit_info within 10 s')),
      }),
    ),
  );
  const [, all] = await interruptible(io.signal, Promise.all([connected, infos]), interrupted);
  return hosts.flatMap((host) => all.filter((info) => info.ip === host));
}

/**
 * Prints one line per `unit_info`: address, name and every field.
 *
 * @param infos The events, in unit order.
 * @param io Output.
 */
export function printUnitInfos(infos: ReadonlyArray<UnitInfo>, io: CliIO): void {
  for (const info of infos)
    writeLine(io.stdout, `${unitColumn(info.ip)}  ${info.name}  ${formatUnitInfo(info)}`);
}
