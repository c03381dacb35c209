import { catchError, concat, map, Observable, of, ReplaySubject, takeWhile, timer } from 'rxjs';
import { UnitLanes } from '../coordinator/lanes';
import type { Coordinator } from '../coordinator/types';
import { toBoardioResult, type BoardioResult } from '../operators/boardio';
import { ListenError, SendError } from '../transport/errors';
import type { Target } from '../transport/send';
import type { Sequence } from './registers';
import { uploadCommand } from './shell';

/**
 * One step of {@link runSequence} on one unit:
 * - `uploaded`: the upload command ran; `output` is what it printed (boardiocli's lines);
 * - `loaded`: boardio answered `BOARDIO_READY`;
 * - `completed`: boardio sent `Sequence complete`;
 * - `failed`: a step failed (`stage` says which) with the reason: a `BOARDIO_ERROR` text, a
 *   timeout, an unreachable unit, or an upload whose output does not show boardiocli's lines.
 */
export type SequenceProgress =
  | {
      /** The unit's host. */ readonly unit: string;
      /** The upload command ran. */ readonly step: 'uploaded';
      /** What it printed. */ readonly output: string;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** boardio loaded the sequence. */ readonly step: 'loaded';
      /** What followed `BOARDIO_READY`, if anything. */ readonly detail: string;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** The sequence finished playing. */ readonly step: 'completed';
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** A step failed; nothing follows. */ readonly step: 'failed';
      /** Which step failed. */ readonly stage: 'upload' | 'load' | 'run';
      /** What kind of failure, for programs; see {@link SequenceFailureCause}. */
      readonly cause: SequenceFailureCause;
      /** Why, in one line. */ readonly reason: string;
    };

/**
 * Why a sequence step failed:
 * - `unreachable`: the upload could not be sent (a `SendError`);
 * - `listen`: the coordinator's listener could not bind (a `ListenError`);
 * - `timeout`: an answer (output, BOARDIO_READY, Sequence complete) did not come in time;
 * - `boardio`: boardio answered `BOARDIO_ERROR` (the reason is its text);
 * - `output`: the upload's output does not show boardiocli's lines (e.g. `boardiocli: not found`).
 */
export type SequenceFailureCause = 'unreachable' | 'listen' | 'timeout' | 'boardio' | 'output';

/**
 * Options of {@link runSequence}.
 *
 * ## Example
 * ```ts
 * runSequence(coordinator, '127.0.0.2', seq, { stepTimeoutMs: 5000, runTimeoutMs: 120_000 });
 * ```
 */
export interface RunSequenceOptions {
  /** Time allowed for the upload's output, and then for boardio's answer to the load. Default 10 000 ms. */
  readonly stepTimeoutMs?: number;
  /** Time allowed from `loaded` to `Sequence complete`. Default 60 000 ms. */
  readonly runTimeoutMs?: number;
  /** Upload as the standalone sequence (`uSeqStandalone`), run by boardio at every boot. Default `false`. */
  readonly standalone?: boolean;
  /** Start the sequence (`runSeq`) after loading it. Default `true`. */
  readonly run?: boolean;
}

/** What {@link runSequence} needs of a coordinator. */
export type SequenceRunner = Pick<Coordinator, 'command' | 'eventsFrom'>;

/** One lane per unit and coordinator: sequences on one unit never overlap. */
const sequenceLanes = new WeakMap<SequenceRunner, UnitLanes>();
const lanesOf = (coordinator: SequenceRunner): UnitLanes => {
  let lanes = sequenceLanes.get(coordinator);
  if (lanes === undefined) {
    lanes = new UnitLanes();
    sequenceLanes.set(coordinator, lanes);
  }
  return lanes;
};

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' | ');

/**
 * Uploads a sequence to a unit, loads it, optionally runs it, and reports each step: `uploaded`,
 * `loaded` (BOARDIO_READY), `completed` ("Sequence complete"), or `failed` with its stage and
 * reason. Each step has a timeout. It completes after `completed` (or after `loaded` when
 * `run: false`) or after `failed`, and never errors, so several units can run side by side with
 * `merge` and one failure stops nothing else.
 *
 * boardio's messages carry no request id: the first BOARDIO_READY / BOARDIO_ERROR from the unit
 * after the upload was sent is taken as the answer (listening starts before the upload leaves,
 * since a real boardio may answer before pycom sends the command's output). So sequences on the
 * same unit (through the same coordinator) are queued: the next starts after the previous one
 * completed or failed. Different units run in parallel.
 *
 * ## Example
 * ```ts
 * const seq = preset({ mode: 'ALL+PALL', camera: 'canon', power: 80 });
 * merge(...units.map((u) => runSequence(coordinator, u, seq))).subscribe((p) => console.log(p.unit, p.step));
 * ```
 * @param coordinator The coordinator (its `command` and `eventsFrom`).
 * @param target The unit.
 * @param sequence The rows to upload (checked by {@link uploadCommand}; an invalid row throws).
 * @param options Timeouts, standalone, run.
 */
export function runSequence(
  coordinator: SequenceRunner,
  target: Target,
  sequence: Sequence,
  options: RunSequenceOptions = {},
): Observable<SequenceProgress> {
  const unit = typeof target === 'string' ? target : target.host;
  const stepMs = options.stepTimeoutMs ?? 10_000;
  const runMs = options.runTimeoutMs ?? 60_000;
  const run = options.run ?? true;
  const verb = options.standalone === true ? 'uSeqStandalone' : 'uSeq';
  const shellCommand = uploadCommand(sequence, { standalone: options.standalone, run });
  // A unit that has just booted reports on its standalone file (BOARDIO_ERROR: ..._standalone.csv
  // not found): that is no answer to a normal upload. The reverse cannot be told apart.
  const isAboutOtherFile = (reason: string) => options.standalone !== true && /standalone/i.test(reason);
  const failed = (
    stage: 'upload' | 'load' | 'run',
    cause: SequenceFailureCause,
    reason: string,
  ): SequenceProgress => ({
    unit,
    step: 'failed',
    stage,
    cause,
    reason,
  });
  const causeOf = (e: unknown): SequenceFailureCause =>
    e instanceof SendError ? 'unreachable' : e instanceof ListenError ? 'listen' : 'timeout';

  return lanesOf(coordinator).run(
    unit,
    () =>
      new Observable<SequenceProgress>((subscriber) => {
        const boardio$ = new ReplaySubject<BoardioResult>();
        const subscription = coordinator.eventsFrom(target).pipe(toBoardioResult()).subscribe(boardio$);
        const upload$ = coordinator.command(target, shellCommand, { timeoutMs: stepMs }).pipe(
          map((out): SequenceProgress =>
            out.output.includes(`Sent: "${verb}"`)
              ? { unit, step: 'uploaded', output: out.output }
              : failed('upload', 'output', `unexpected output: ${oneLine(out.output) || '(empty)'}`),
          ),
          catchError((e: unknown) =>
            of(failed('upload', causeOf(e), e instanceof Error ? e.message : String(e))),
          ),
        );
        /** boardio's answers after the upload: BOARDIO_READY / BOARDIO_ERROR, then Sequence complete. */
        const answers$ = new Observable<SequenceProgress>((out) => {
          let stage: 'load' | 'run' = 'load';
          const arm = (ms: number) =>
            timer(ms).subscribe(() => {
              out.next(failed(stage, 'timeout', `no answer from boardio within ${ms} ms`));
              out.complete();
            });
          let deadline = arm(stepMs);
          const answers = boardio$.subscribe((r) => {
            if (r.status === 'error' && isAboutOtherFile(r.reason)) return; // e.g. a boot report
            if (stage === 'load') {
              if (r.status === 'complete') return; // the end of an earlier run, not ours
              deadline.unsubscribe();
              if (r.status === 'error') {
                out.next(failed('load', 'boardio', r.reason));
                return out.complete();
              }
              out.next({ unit, step: 'loaded', detail: r.detail });
              if (!run) return out.complete();
              stage = 'run';
              deadline = arm(runMs);
            } else {
              if (r.status === 'ready') return;
              deadline.unsubscribe();
              out.next(
                r.status === 'error' ? failed('run', 'boardio', r.reason) : { unit, step: 'completed' },
              );
              out.complete();
            }
          });
          return () => {
            answers.unsubscribe();
            deadline.unsubscribe();
          };
        });

        subscription.add(
          concat(upload$, answers$)
            .pipe(takeWhile((p) => p.step !== 'failed', true))
            .subscribe(subscriber),
        );
        return subscription;
      }),
  );
}
