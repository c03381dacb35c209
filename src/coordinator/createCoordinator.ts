import { lastValueFrom, map, mergeMap, type Observable, tap } from 'rxjs';
import type { UnitInfo } from '../protocol';
import type { Received } from '../protocol/inbound';
import { resolveTarget, type Target } from '../transport';
import type { Sequence } from '../sequence/registers';
import {
  checkCommandOptions,
  checkRunSequenceOptions,
  checkShellCommand,
  checkUnitInfoOptions,
  hostOf,
} from './callOptions';
import { UNIT_INFO_TIMEOUT_MS } from './errors';
import { checkCoordinatorOptions } from './options';
import { coordinatorParts } from './parts';
import { runCommands } from './runCommands';
import { shooter } from './shoot';
import { refreshStrategy } from './unitInfoRefresh';
import type { RunSequenceOptions, SequenceProgress } from './runSequence';
import type {
  CommandOptions,
  CommandRequest,
  CommandResult,
  Coordinator,
  CoordinatorOptions,
  Presence,
  UnitInfoOptions,
} from './types';
import type { Unit } from './units';
import { eventsOf, infoOf, sequenceOn } from './unitStreams';
import { connection } from './connection';

export { COORDINATOR_DEFAULTS } from './options';

/**
 * Creates a {@link Coordinator}: the composed client of pycom, wired from the public parts.
 *
 * - One listener (`listen()`, default `0.0.0.0:5000`), bound by the first subscriber of any stream
 *   that needs it, shared, released after the last one or by `close()`.
 * - Commands go through `queueByUnit` (one in flight per unit, in order; units in parallel) and
 *   are matched by `awaitOutput` (tagged by default: by nonce and source address, so a late,
 *   duplicate or spoofed output never answers another command).
 * - A unit is its address: an event belongs to the unit whose address is the connection's source
 *   address (then, when units share an address, the one with its `id`); the `ip` field is only
 *   trusted with `trustIpField`.
 * - A unit is heartbeated while anything waits for it (`connect`, `unitInfo`, a command, a
 *   sequence) and, by default (`heartbeat: 'while-addressed'`), from then on until `close()` or
 *   `release(unit)`, so pycom never forgets this coordinator between commands either.
 *
 * Options are checked at once: a bad value throws an `OptionError` naming the option.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ listen: { port: 5000 } });
 * coordinator.connect('192.168.0.23').subscribe((p) => console.log('presence', p.state));
 * coordinator.command('192.168.0.23', 'uptime').subscribe((r) => console.log(r.exitCode, r.output));
 * // ...
 * await coordinator.close();
 * ```
 * @param options Identity, listener, timers, matching, scheduler and transport.
 * @category Coordinator
 */
export function createCoordinator(options: CoordinatorOptions = {}): Coordinator {
  const settings = checkCoordinatorOptions(options);
  const parts = coordinatorParts(options, settings);
  const { closing, listener, queue, resolver, exec, streams } = parts;
  const address = (unit: Unit) => parts.heartbeats.address(unit);

  const unitOf = (target: Target) => {
    const { host, port } = resolveTarget(target, 'unit');
    return resolver.resolve(host, port);
  };
  /** Resolves the target at call time, then does `work` on its unit; fails when the coordinator closes. */
  const on = <T>(target: Target, what: string, work: (unit: Unit) => Observable<T>): Observable<T> =>
    unitOf(target).pipe(
      mergeMap(work),
      closing.untilClosed<T>(() => `${what} to ${hostOf(target)}`),
    );

  const command = (target: Target, shellCommand: string, commandOptions?: CommandOptions) => {
    const checked = checkCommandOptions(commandOptions);
    const tagged = checked.tagged ?? settings.tagged;
    checkShellCommand(shellCommand, tagged);
    return on(target, `command ${JSON.stringify(shellCommand)}`, (unit) =>
      queue.run(unit.key, () => exec(unit, shellCommand, { ...checked, tagged })),
    );
  };
  const run = <R extends CommandRequest>(commands$: Observable<R>): Observable<CommandResult<R>> =>
    listener.holding(commands$.pipe(runCommands<R>(command), closing.whileOpen()));
  const eventsFrom = (target: Target): Observable<Received> =>
    listener.holding(unitOf(target).pipe(tap(address), mergeMap(eventsOf)));
  const unitInfo = (target: Target, infoOptions?: UnitInfoOptions): Observable<UnitInfo> => {
    const timeoutMs = checkUnitInfoOptions(infoOptions).timeoutMs ?? UNIT_INFO_TIMEOUT_MS;
    const refresh = refreshStrategy(infoOptions?.refresh);
    return on(target, 'unitInfo', (unit) => infoOf(streams, unit, timeoutMs, refresh));
  };
  /** Releases at once when the target is an address (no lookup), so it also acts in virtual time. */
  const release = (target?: Target): Promise<void> =>
    target === undefined
      ? Promise.resolve(parts.heartbeats.release())
      : lastValueFrom(unitOf(target).pipe(map((unit) => parts.heartbeats.release(unit))));
  /** An address is resolved now, and each subscription is one object (see `connection`); a name is looked up on subscription. */
  const connect = (target: Target): Observable<Presence> => {
    const { host, port } = resolveTarget(target, 'unit');
    const unit = resolver.resolveNow(host, port);
    if (unit !== undefined) return connection(streams, unit);
    return resolver.resolve(host, port).pipe(
      mergeMap((resolved) => connection(streams, resolved)),
      closing.whileOpen(),
    );
  };
  const runSequence = (target: Target, sequence: Sequence, sequenceOptions: RunSequenceOptions = {}) => {
    checkRunSequenceOptions(sequenceOptions);
    return on<SequenceProgress>(target, 'sequence', (unit) =>
      queue.run(unit.key, () =>
        listener.holding(sequenceOn(streams, unit, target, sequence, sequenceOptions)),
      ),
    );
  };

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      closing.close(); // calls first (pending commands fail with CoordinatorClosedError), then the listener
      queue.close();
      parts.matcher.close();
      parts.heartbeats.stopAll();
      parts.late$.complete();
      parts.unmatched$.complete();
      // let the listener's handle finish closing, so the port is free when this resolves
      await new Promise<void>((resolve) => setImmediate(resolve));
    })());

  return {
    id: parts.id,
    inbound$: listener.inbound$,
    events$: listener.events$,
    rejected$: listener.rejected$,
    unmatched$: listener.holding(parts.unmatched$),
    late$: listener.holding(parts.late$),
    listening$: listener.listening$,
    stats$: parts.stats$,
    identity: parts.identity,
    eventsFrom,
    connect,
    unitInfo,
    command,
    run,
    runSequence,
    shoot: shooter({ parts, connect, load: runSequence, on }),
    close,
    release,
  };
}
