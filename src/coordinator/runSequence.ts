import { asyncScheduler, Observable, Subscription, timer } from 'rxjs';
import { parseBoardioMessage } from '../operators/boardio';
import { OutputTimeoutError } from '../operators/awaitOutput';
import { ofType } from '../operators/ofType';
import type { Output } from '../protocol';
import type { Sequence } from '../sequence/registers';
import { RUN_COMMAND, uploadCommand } from '../sequence/shell';
import { ListenError, SendError } from '../transport/errors';
import type { Target } from '../transport/send';
import { OutputRejectedError } from './errors';
import {
  RUN_SEQUENCE_DEFAULTS,
  type RunSequenceOptions,
  type SequenceFailureReason,
  type SequenceProgress,
  type SequenceRunner,
  type SequenceStep,
} from './sequenceProgress';

export * from './sequenceProgress';

type CommandOutput = Output & { readonly exitCode?: number };

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' | ');
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The failure reason of a runner's error, or `undefined` for an error it does not know. */
function reasonOf(e: unknown): SequenceFailureReason | undefined {
  if (e instanceof SendError) return 'unreachable';
  if (e instanceof ListenError) return 'listen';
  if (e instanceof OutputTimeoutError || (e instanceof Error && e.name === 'TimeoutError')) return 'timeout';
  if (e instanceof OutputRejectedError) return 'output';
  return undefined;
}

/**
 * Uploads a sequence to a unit, has boardio load it and, only once boardio confirmed the load,
 * starts it; reports each step (see {@link SequenceProgress}).
 *
 * 1. It subscribes to the unit's events, then sends one command: the upload and
 *    `boardiocli uSeq` (see `uploadCommand`; `uSeqStandalone` with `standalone`).
 * 2. It waits for both that command's output and boardio's answer, in either order (a real
 *    boardio reads its FIFO live, so `BOARDIO_READY` may come first): `BOARDIO_READY` → `loaded`;
 *    `BOARDIO_ERROR` → `failed` at `load`; an output with a non-zero exit status → `failed` at
 *    `upload`; no answer within `stepTimeoutMs` after the output → `failed` (reason `output` when
 *    the output did not show boardiocli's line, else `timeout`).
 * 3. Only then, and only with `run`, it sends `boardiocli runSeq` as a separate command and waits
 *    for its output and `Sequence complete` (`runTimeoutMs`), in either order → `started`,
 *    `completed`. A `BOARDIO_ERROR` meanwhile → `failed` at `run`.
 *
 * So a refused file is never followed by a `runSeq` from here, even on a unit that keeps its
 * previous program loaded. What the library cannot know: boardio's messages carry no request id,
 * so the first `BOARDIO_READY` / `BOARDIO_ERROR` from the unit after the upload was sent is taken
 * as the answer (a report about the standalone file during a normal upload excepted); and a
 * `runSeq` whose sending failed half-way may still have reached the unit.
 *
 * It completes after `completed` (or `loaded` without `run`), or after `failed` once every
 * command it sent has answered or timed out, so whoever queues it behind other commands never
 * overlaps them. Failures are values; only an error the runner raises that is not a
 * `SendError`, `ListenError` or `OutputTimeoutError` (e.g. the coordinator was closed) is passed
 * on as an error. Unsubscribing stops it: nothing more is sent. It queues nothing itself:
 * `coordinator.runSequence` puts it in the unit's queue.
 *
 * ## Example
 * ```ts
 * const seq = preset({ mode: 'ALL+PALL', camera: 'canon', power: 80 });
 * merge(...units.map((u) => runSequence(coordinator, u, seq))).subscribe((p) => console.log(p.unit, p.step));
 * ```
 * @param runner How to reach the unit (a coordinator's `command` and `eventsFrom`).
 * @param target The unit.
 * @param sequence The rows to upload (an invalid row gives `failed` with reason `invalid`).
 * @param options Timeouts, standalone, run, path, scheduler.
 * @return The progress, one item per step.
 * @category Coordinator
 */
export function runSequence(
  runner: SequenceRunner,
  target: Target,
  sequence: Sequence,
  options: RunSequenceOptions = {},
): Observable<SequenceProgress> {
  return new Observable<SequenceProgress>((subscriber) => {
    const unit = typeof target === 'string' ? target : target.host;
    const stepMs = options.stepTimeoutMs ?? RUN_SEQUENCE_DEFAULTS.stepTimeoutMs;
    const runMs = options.runTimeoutMs ?? RUN_SEQUENCE_DEFAULTS.runTimeoutMs;
    const standalone = options.standalone ?? false;
    const run = options.run ?? !standalone;
    const scheduler = options.scheduler ?? asyncScheduler;
    const loadVerb = standalone ? 'uSeqStandalone' : 'uSeq';
    const subscriptions = new Subscription();

    /** `true` once the outcome (`failed`, `completed`, or `loaded` without run) is out. */
    let settled = false;
    /** Commands sent whose output (or error) has not come yet. */
    let inFlight = 0;
    /** The step whose answers are awaited: boardio's answer to the load, then the run's. */
    let waitingFor: 'load' | 'run' = 'load';
    let uploaded: CommandOutput | undefined;
    let ready: string | undefined;
    let started: CommandOutput | undefined;
    let complete = false;
    let deadline: Subscription | undefined;

    const finishIfDone = () => {
      if (settled && inFlight === 0) subscriber.complete();
    };
    const settle = (last: SequenceProgress) => {
      if (settled) return;
      settled = true;
      deadline?.unsubscribe();
      subscriber.next(last);
      finishIfDone();
    };
    const fail = (failedStep: SequenceStep, reason: SequenceFailureReason, message: string) =>
      settle({ unit, step: 'failed', failedStep, reason, message });
    const arm = (ms: number, onTimeout: () => void) => {
      deadline?.unsubscribe();
      deadline = timer(ms, scheduler).subscribe(onTimeout);
      subscriptions.add(deadline);
    };
    const shows = (out: CommandOutput | undefined, verb: string) =>
      out !== undefined && out.output.includes(`Sent: "${verb}"`);
    const failedOutput = (out: CommandOutput) =>
      `exit status ${out.exitCode ?? '?'}: ${oneLine(out.output) || '(no output)'}`;

    /** Sends one command: its output goes to `onOutput` unless settled; an error fails `step`. */
    const send = (shellCommand: string, step: SequenceStep, onOutput: (out: CommandOutput) => void) => {
      if (settled) return;
      inFlight += 1;
      let answered = false;
      const done = () => {
        if (answered) return false;
        answered = true;
        inFlight -= 1;
        return true;
      };
      subscriptions.add(
        runner.command(target, shellCommand, { timeoutMs: stepMs }).subscribe({
          next: (out) => {
            if (!done()) return;
            if (!settled) onOutput(out);
            finishIfDone();
          },
          error: (e: unknown) => {
            if (!done()) return;
            const reason = reasonOf(e);
            if (reason === undefined) return subscriber.error(e);
            fail(step, reason, messageOf(e));
            finishIfDone();
          },
          complete: () => {
            if (!done()) return;
            fail(step, 'output', 'the command ended without an output');
            finishIfDone();
          },
        }),
      );
    };

    const startRun = () => {
      waitingFor = 'run';
      arm(runMs, () =>
        started !== undefined && !shows(started, 'runSeq')
          ? fail('run', 'output', `unexpected output: ${oneLine(started.output) || '(empty)'}`)
          : fail('run', 'timeout', `no Sequence complete within ${runMs} ms`),
      );
      send(RUN_COMMAND, 'run', (out) => {
        if (out.exitCode !== undefined && out.exitCode !== 0) return fail('run', 'output', failedOutput(out));
        started = out;
        subscriber.next({ unit, step: 'started', output: out.output, ...exitCodeOf(out) });
        if (complete) settle({ unit, step: 'completed' });
      });
    };

    /** Both halves of the load are in: `loaded`, then the run or the end. */
    const loadedIfBoth = () => {
      if (settled || waitingFor !== 'load' || uploaded === undefined || ready === undefined) return;
      deadline?.unsubscribe();
      if (!run) return settle({ unit, step: 'loaded', detail: ready });
      subscriber.next({ unit, step: 'loaded', detail: ready });
      startRun();
    };

    const onMessage = (text: string) => {
      if (settled) return;
      const report = parseBoardioMessage(text);
      // A unit that has just booted reports on its standalone file: no answer to a normal upload.
      const aboutOtherFile = report?.status === 'error' && !standalone && /standalone/i.test(report.reason);
      if (report?.status === 'error' && !aboutOtherFile) return fail(waitingFor, 'boardio', report.reason);
      if (report?.status === 'ready' && waitingFor === 'load' && ready === undefined) {
        ready = report.detail;
        return loadedIfBoth();
      }
      if (report?.status === 'complete' && waitingFor === 'run' && !complete) {
        complete = true;
        if (started !== undefined) settle({ unit, step: 'completed' });
        return;
      }
      subscriber.next({ unit, step: 'message', message: text });
    };

    let upload: string;
    try {
      upload = uploadCommand(sequence, {
        standalone,
        ...(options.path === undefined ? {} : { path: options.path }),
      });
    } catch (e) {
      fail('upload', 'invalid', messageOf(e));
      return subscriptions;
    }
    subscriptions.add(
      runner
        .eventsFrom(target)
        .pipe(ofType('message'))
        .subscribe({
          next: (m) => onMessage(m.message),
          error: (e: unknown) => {
            const reason = reasonOf(e);
            if (reason === undefined) subscriber.error(e);
            else fail(waitingFor === 'load' ? 'upload' : 'run', reason, messageOf(e));
          },
        }),
    );
    send(upload, 'upload', (out) => {
      if (out.exitCode !== undefined && out.exitCode !== 0)
        return fail('upload', 'output', failedOutput(out));
      uploaded = out;
      subscriber.next({ unit, step: 'uploaded', output: out.output, ...exitCodeOf(out) });
      if (ready !== undefined) return loadedIfBoth();
      arm(stepMs, () =>
        shows(uploaded, loadVerb)
          ? fail('load', 'timeout', `no answer from boardio within ${stepMs} ms`)
          : fail('upload', 'output', `unexpected output: ${oneLine(out.output) || '(empty)'}`),
      );
    });
    return subscriptions;
  });
}

function exitCodeOf(out: CommandOutput): { exitCode?: number } {
  return out.exitCode === undefined ? {} : { exitCode: out.exitCode };
}
