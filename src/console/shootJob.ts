import { catchError, concat, defer, map, type Observable, of, scan } from 'rxjs';
import type { ShootEvent } from '../coordinator/shootTypes';
import type { Sequence } from '../sequence';
import type { ConsoleUnit } from './address';
import type { ConsoleCoordinator } from './coordinator';
import type { JobHeader } from './jobs';
import type { Job, ShootUnitProgress } from './types';

type ShootJob = Extract<Job, { kind: 'shoot' }>;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The job after one event of the shot. */
function step(
  job: ShootJob,
  e: ShootEvent,
  addressOf: (host: string) => string,
  ms: number,
  firstFire: () => number | undefined,
): ShootJob {
  if (e.kind === 'summary') {
    const units = { ...job.units };
    for (const u of e.units) {
      const address = addressOf(u.unit);
      const was = units[address];
      units[address] = {
        ...was,
        state: u.state,
        ...(u.reason === undefined ? {} : { reason: u.reason }),
        ...(u.message === undefined ? {} : { message: u.message }),
      };
    }
    return {
      ...job,
      units,
      outcome: e.outcome,
      ...(e.fireSpreadMs === undefined ? {} : { fireSpreadMs: e.fireSpreadMs }),
    };
  }
  const address = addressOf(e.unit);
  const ended = e.state === 'completed' || e.state === 'failed' || e.state === 'not-fired';
  const first = firstFire();
  const next: ShootUnitProgress = {
    ...job.units[address],
    state: e.state,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    ...(e.message === undefined ? {} : { message: e.message }),
    ...(ended ? { ms } : {}),
    ...(e.state === 'fired' && first !== undefined ? { firedMs: e.at - first } : {}),
  };
  return { ...job, units: { ...job.units, [address]: next } };
}

/**
 * Shoots a sequence on several units with `coordinator.shoot`: loaded on every unit, then fired
 * on all together, or, when one unit fails to load, on none. Emits the whole job after every
 * change of every unit and the summary (outcome, fire spread); completes, `done`, at the end.
 *
 * ## Example
 * ```ts
 * runShootJob(coordinator, units, preset({ mode: 'ALL', camera: 'nikon' }), header).subscribe(render);
 * ```
 * @param coordinator The coordinator.
 * @param units The units.
 * @param sequence The rows, already checked.
 * @param header The job's id, title and start.
 * @param now The clock (ms since the epoch) that times each unit, the one of `header.startedAt`.
 */
export function runShootJob(
  coordinator: ConsoleCoordinator,
  units: ReadonlyArray<ConsoleUnit>,
  sequence: Sequence,
  header: JobHeader,
  now: () => number = Date.now,
): Observable<Job> {
  const start: ShootJob = {
    ...header,
    kind: 'shoot',
    done: false,
    units: Object.fromEntries(units.map((u) => [u.address, { state: 'loading' }])),
  };
  const addressOf = (host: string) =>
    units.find((u) => u.host === host || u.address === host)?.address ?? host;
  let firstFire: number | undefined;
  let last = start;
  const events$ = defer(() =>
    coordinator.shoot(
      units.map((u) => ({ host: u.host, port: u.port })),
      sequence,
    ),
  ).pipe(
    map((e) => {
      if (e.kind === 'unit' && e.state === 'fired') firstFire ??= e.at;
      return e;
    }),
    scan((job, e) => step(job, e, addressOf, now() - header.startedAt, () => firstFire), start),
    catchError((e: unknown) =>
      of<ShootJob>({
        ...last,
        outcome: firstFire === undefined ? 'not-fired' : 'partial',
        units: Object.fromEntries(
          Object.entries(last.units).map(([a, p]) => [
            a,
            p.state === 'loading' || p.state === 'ready'
              ? { state: 'failed', reason: 'unreachable', message: messageOf(e) }
              : p,
          ]),
        ),
      }),
    ),
    map((job) => (last = job)),
  );
  return concat(
    of(start),
    events$,
    defer(() => of({ ...last, done: true })),
  );
}
