import {
  catchError,
  concat,
  defaultIfEmpty,
  defer,
  map,
  merge,
  type Observable,
  of,
  scan,
  takeLast,
} from 'rxjs';
import type { CommandOutput, RunSequenceOptions, SequenceProgress } from '../coordinator';
import type { Sequence } from '../sequence';
import type { ConsoleUnit } from './address';
import type { ConsoleCoordinator } from './coordinator';
import type { CommandUnitResult, Job, SequenceUnitProgress } from './types';

/** What every job of {@link runSequenceJob} and {@link runCommandJob} starts with. */
export interface JobHeader {
  /** A number, unique in this console. */
  readonly id: number;
  /** What the page shows as the job's name. */
  readonly title: string;
  /** When it started (ms since the epoch). */
  readonly startedAt: number;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The progress of one unit after one more item of `runSequence`, `ms` after the job started. */
const sequenceStep = (
  progress: SequenceUnitProgress,
  p: SequenceProgress,
  ms: number,
): SequenceUnitProgress => {
  switch (p.step) {
    case 'failed':
      return { ...progress, ms, failed: { failedStep: p.failedStep, reason: p.reason, message: p.message } };
    case 'message':
      return { ...progress, message: p.message };
    case 'completed':
      return { ...progress, ms, steps: [...progress.steps, p.step] };
    default:
      return { ...progress, steps: [...progress.steps, p.step] };
  }
};

/**
 * Runs a sequence on several units at once with `coordinator.runSequence` (each in its unit's
 * queue) and emits the whole job after every step of every unit; completes, `done`, when each
 * unit completed or failed.
 *
 * ## Example
 * ```ts
 * runSequenceJob(coordinator, units, preset({ mode: 'ALL', camera: 'nikon' }), {}, header).subscribe(render);
 * ```
 * @param coordinator The coordinator.
 * @param units The units.
 * @param sequence The rows, already checked.
 * @param options Timeouts.
 * @param header The job's id, title and start.
 * @param now The clock (ms since the epoch) that times each unit, the one of `header.startedAt`.
 */
export function runSequenceJob(
  coordinator: ConsoleCoordinator,
  units: ReadonlyArray<ConsoleUnit>,
  sequence: Sequence,
  options: RunSequenceOptions,
  header: JobHeader,
  now: () => number = Date.now,
): Observable<Job> {
  const start: Extract<Job, { kind: 'sequence' }> = {
    ...header,
    kind: 'sequence',
    done: false,
    units: Object.fromEntries(units.map((u) => [u.address, { steps: [] }])),
  };
  const progress$ = merge(
    ...units.map((u) =>
      defer(() => coordinator.runSequence({ host: u.host, port: u.port }, sequence, options)).pipe(
        catchError((e: unknown) =>
          of<SequenceProgress>({
            unit: u.host,
            step: 'failed',
            failedStep: 'upload',
            reason: 'unreachable',
            message: messageOf(e),
          }),
        ),
        map((p) => [u.address, p] as const),
      ),
    ),
  );
  return withDone(
    progress$.pipe(
      scan(
        (job, [address, p]) => ({
          ...job,
          units: {
            ...job.units,
            [address]: sequenceStep(job.units[address] ?? { steps: [] }, p, now() - header.startedAt),
          },
        }),
        start,
      ),
    ),
    start,
  );
}

const NO_OUTPUT: CommandUnitResult = { status: 'failed', error: 'the command ended without an output' };

const resultOf = (output: CommandOutput): CommandUnitResult => ({
  status: 'done',
  output: output.output,
  ...(output.exitCode === undefined ? {} : { exitCode: output.exitCode }),
});

/**
 * Sends a shell command to several units at once with `coordinator.command` (each in its unit's
 * queue) and emits the whole job after every answer; completes, `done`, when each unit answered
 * or failed.
 *
 * ## Example
 * ```ts
 * runCommandJob(coordinator, units, 'uptime', header).subscribe(render);
 * ```
 * @param coordinator The coordinator.
 * @param units The units.
 * @param command The shell command.
 * @param header The job's id, title and start.
 * @param now The clock (ms since the epoch) that times each unit, the one of `header.startedAt`.
 */
export function runCommandJob(
  coordinator: ConsoleCoordinator,
  units: ReadonlyArray<ConsoleUnit>,
  command: string,
  header: JobHeader,
  now: () => number = Date.now,
): Observable<Job> {
  const running: CommandUnitResult = { status: 'running' };
  const start: Extract<Job, { kind: 'command' }> = {
    ...header,
    kind: 'command',
    done: false,
    units: Object.fromEntries(units.map((u) => [u.address, running])),
  };
  const results$ = merge(
    ...units.map((u) =>
      defer(() => coordinator.command({ host: u.host, port: u.port }, command)).pipe(
        map(resultOf),
        catchError((e: unknown) => of<CommandUnitResult>({ status: 'failed', error: messageOf(e) })),
        takeLast(1),
        defaultIfEmpty(NO_OUTPUT),
        map((result) => [u.address, { ...result, ms: now() - header.startedAt }] as const),
      ),
    ),
  );
  return withDone(
    results$.pipe(
      scan((job, [address, result]) => ({ ...job, units: { ...job.units, [address]: result } }), start),
    ),
    start,
  );
}

/** The job as it starts, every change, then once more with `done: true`. */
function withDone<J extends Job>(changes$: Observable<J>, start: J): Observable<J> {
  let last = start;
  return concat(
    of(start),
    changes$.pipe(map((job) => (last = job))),
    defer(() => of({ ...last, done: true })),
  );
}
