import { filter, firstValueFrom, map, race, take, timer } from 'rxjs';
import type { Coordinator } from '../coordinator/types';
import { isReceived } from '../protocol/inbound';
import { tagCommand } from '../protocol/tagged';
import { fromNode, ofType } from '../operators';
import { send } from '../transport';
import { checked, type Probe, why } from './probe';
import type { DoctorCheck } from './types';

/**
 * `heartbeat-needed` (`slow`): called after `silenceMs` in which nothing heartbeated the unit
 * (the doctor's first coordinator is closed), with a second coordinator of the same id. Sends one
 * tagged `echo` as a bare `cmd` request, with no heartbeat before it, and waits for its output.
 * Answered: the unit runs commands of a coordinator it has not heard for that long (`pass`); not
 * answered: heartbeats are needed between commands (`warn`: the library's default keeps them
 * going while a unit is addressed).
 * @internal
 * @param probe The unit, on the second coordinator.
 * @param silenceMs How long nothing was sent to the unit.
 */
export async function checkHeartbeatNeeded(probe: Probe, silenceMs: number): Promise<DoctorCheck> {
  const { coordinator } = probe;
  const { text, nonce } = tagCommand('echo pycom-rx doctor');
  const answered$ = coordinator.inbound$.pipe(
    filter(isReceived),
    fromNode(probe.address),
    ofType('output'),
    filter((o) => o.output.includes(nonce.slice(0, 16))),
    take(1),
    map(() => true),
  );
  const gaveUp$ = timer(probe.timeoutMs, probe.scheduler).pipe(map(() => false));
  const waiting = firstValueFrom(race(answered$, gaveUp$));
  const sent = await firstValueFrom(
    send(probe.target, (local) => ({
      ...identityOf(coordinator, local.address),
      type_: 'cmd',
      command: text,
    })),
  ).then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  if (sent !== undefined)
    return checked('heartbeat-needed', 'fail', `the command could not be sent: ${why(sent)}`);
  const seconds = `${(silenceMs / 1000).toFixed(1)} s`;
  return (await waiting)
    ? checked(
        'heartbeat-needed',
        'pass',
        `answered a command sent after ${seconds} of silence with no heartbeat first: heartbeats are not needed between commands`,
        { silenceMs, answered: true },
      )
    : checked(
        'heartbeat-needed',
        'warn',
        `no output within ${probe.timeoutMs} ms of a command sent after ${seconds} of silence with no heartbeat first: ` +
          "heartbeats are needed between commands (keep the coordinator's default heartbeat policy)",
        { silenceMs, answered: false },
      );
}

/** The identity a coordinator sends from `localAddress`. */
function identityOf(coordinator: Coordinator, localAddress: string) {
  return coordinator.identity(localAddress);
}
