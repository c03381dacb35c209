import { asyncScheduler, Observable, type SchedulerLike, Subscription, timer } from 'rxjs';
import { parseBoardioMessage } from '../operators/boardio';
import { OutputTimeoutError } from '../operators/awaitOutput';
import { ofType } from '../operators/ofType';
import type { Output, PycomEvent } from '../protocol';
import type { Sequence } from '../sequence/registers';
import { RUN_COMMAND, uploadCommand } from '../sequence/shell';
import { ListenError, SendError } from '../transport/errors';
import type { Target } from '../transport/send';
import { OutputRejectedError } from './errors';

/**
 * One step of {@link Coordinator.runSequence} on one unit. The steps `uploaded`, `loaded`, `started`,
 * `completed` always come in this order, whatever order the unit's answers arrived in; `message`
 * items may come in between; `failed` ends it.
 * - `uploaded`: the upload command's output arrived (`output` is what it printed, boardiocli's
 *   line; `exitCode` when the runner reports exit statuses);
 * - `loaded`: boardio answered `BOARDIO_READY` to the load;
 * - `started`: the separate `boardiocli runSeq` command's output arrived;
 * - `completed`: boardio sent `Sequence complete`;
 * - `message`: a `message` event from the unit that is not the answer being waited for (text that
 *   is no boardio report, a report about the standalone file during a normal upload, the end of
 *   an earlier run...), reported rather than dropped;
 * - `failed`: a step failed (`stage` says which) with its cause and reason; nothing follows.
 *
 * ## Example
 * ```ts
 * runSequence(coordinator, unit, seq).subscribe((p: SequenceProgress) =>
 *   console.log(p.unit, p.step, p.step === 'failed' ? `${p.stage}: ${p.reason}` : ''),
 * );
 * ```
 * @category Coordinator
 */
export type SequenceProgress =
  | {
      /** The unit's host. */ readonly unit: string;
      /** The upload command ran. */ readonly step: 'uploaded';
      /** What it printed. */ readonly output: string;
      /** Its exit status, when the runner knows it (tagged commands). */ readonly exitCode?: number;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** boardio loaded the sequence. */ readonly step: 'loaded';
      /** What followed `BOARDIO_READY`, if anything. */ readonly detail: string;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** `boardiocli runSeq` ran. */ readonly step: 'started';
      /** What it printed. */ readonly output: string;
      /** Its exit status, when the runner knows it (tagged commands). */ readonly exitCode?: number;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** The sequence finished playing. */ readonly step: 'completed';
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** A message that answers nothing being waited for. */ readonly step: 'message';
      /** Its text. */ readonly message: string;
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
 * - `invalid`: the sequence or the path was refused before anything was sent (the reason says
 *   which row or why);
 * - `unreachable`: a command could not be sent (a `SendError`);
 * - `listen`: the coordinator's listener could not bind (a `ListenError`);
 * - `timeout`: an answer (a command's output, BOARDIO_READY, Sequence complete) did not come in time;
 * - `boardio`: boardio answered `BOARDIO_ERROR` (the reason is its text);
 * - `output`: a command's output shows it failed (a non-zero exit status), or, when no answer
 *   came, does not show boardiocli's line (e.g. `boardiocli: not found`).
 *
 * ## Example
 * ```ts
 * if (p.step === 'failed' && p.cause === 'boardio') console.error(`boardio refused: ${p.reason}`);
 * ```
 * @category Coordinator
 */
export type SequenceFailureCause = 'invalid' | 'unreachable' | 'listen' | 'timeout' | 'boardio' | 'output';

/**
 * Options of {@link Coordinator.runSequence}.
 *
 * ## Example
 * ```ts
 * runSequence(coordinator, '127.0.0.2', seq, { stepTimeoutMs: 5000, runTimeoutMs: 120_000 });
 * ```
 * @category Coordinator
 */
export interface RunSequenceOptions {
  /**
   * Time allowed for each command's output (passed to the runner as `timeoutMs`), and for
   * boardio's answer to the load once the upload's output is in. Default 10 000 ms.
   */
  readonly stepTimeoutMs?: number;
  /** Time allowed from sending `boardiocli runSeq` to `Sequence complete`. Default 60 000 ms. */
  readonly runTimeoutMs?: number;
  /**
   * Upload as the standalone sequence (`uSeqStandalone`), run by boardio at every boot. Default
   * `false`.
   */
  readonly standalone?: boolean;
  /**
   * Start the sequence (`runSeq`) once boardio confirmed the load. Default `true`, or `false` with
   * `standalone` (which sequence `runSeq` plays after `uSeqStandalone` is not documented).
   */
  readonly run?: boolean;
  /**
   * Where to write the file. Default `~/la4_sequence.csv`, or
   * `/home/rigsters/la4_sequence_standalone.csv` with `standalone` (the vendor's paths; see
   * `uploadCommand`).
   */
  readonly path?: string;
  /** Where the timeouts' time comes from. Default: RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The defaults of {@link RunSequenceOptions}.
 *
 * ## Example
 * ```ts
 * runSequence(coordinator, unit, seq, { runTimeoutMs: RUN_SEQUENCE_DEFAULTS.runTimeoutMs * 2 });
 * ```
 * @category Coordinator
 */
export const RUN_SEQUENCE_DEFAULTS = {
  /** 10 s per command output, and for BOARDIO_READY after the upload's output. */
  stepTimeoutMs: 10_000,
  /** 60 s from `runSeq` to `Sequence complete`. */
  runTimeoutMs: 60_000,
} as const;

/**
 * What {@link Coordinator.runSequence} needs to reach a unit: a way to run one shell command on it and get
 * its output, and its events. A coordinator has both; the coordinator's own `runSequence` passes
 * an unqueued `command`, since it queues the whole sequence with the unit's commands.
 *
 * ## Example
 * ```ts
 * const runner: SequenceRunner = {
 *   command: (unit, shellCommand, { timeoutMs }) => coordinator.command(unit, shellCommand, { timeoutMs }),
 *   eventsFrom: (unit) => coordinator.eventsFrom(unit),
 * };
 * ```
 * @category Coordinator
 */
export interface SequenceRunner {
  /** Sends one shell command to the unit and emits its output (with the exit status if known), then completes. */
  command(
    target: Target,
    shellCommand: string,
    options: { readonly timeoutMs: number },
  ): Observable<Output & { readonly exitCode?: number }>;
  /** The unit's events (subscribed before anything is sent). */
  eventsFrom(target: Target): Observable<PycomEvent>;
}

type CommandOutput = Output & { readonly exitCode?: number };
type Stage = 'upload' | 'load' | 'run';

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' | ');
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The failure cause of a runner's error, or `undefined` for an error it does not know. */
function causeOf(e: unknown): SequenceFailureCause | undefined {
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
 *    `upload`; no answer within `stepTimeoutMs` after the output → `failed` (cause `output` when
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
 * @param sequence The rows to upload (an invalid row gives `failed` with cause `invalid`).
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
    let phase: 'load' | 'run' = 'load';
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
    const fail = (stage: Stage, cause: SequenceFailureCause, reason: string) =>
      settle({ unit, step: 'failed', stage, cause, reason });
    const arm = (ms: number, onTimeout: () => void) => {
      deadline?.unsubscribe();
      deadline = timer(ms, scheduler).subscribe(onTimeout);
      subscriptions.add(deadline);
    };
    const shows = (out: CommandOutput | undefined, verb: string) =>
      out !== undefined && out.output.includes(`Sent: "${verb}"`);
    const failedOutput = (out: CommandOutput) =>
      `exit status ${out.exitCode ?? '?'}: ${oneLine(out.output) || '(no output)'}`;

    /** Sends one command: its output goes to `onOutput` unless settled; an error fails `stage`. */
    const send = (shellCommand: string, stage: Stage, onOutput: (out: CommandOutput) => void) => {
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
            const cause = causeOf(e);
            if (cause === undefined) return subscriber.error(e);
            fail(stage, cause, messageOf(e));
            finishIfDone();
          },
          complete: () => {
            if (!done()) return;
            fail(stage, 'output', 'the command ended without an output');
            finishIfDone();
          },
        }),
      );
    };

    const startRun = () => {
      phase = 'run';
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
      if (settled || phase !== 'load' || uploaded === undefined || ready === undefined) return;
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
      if (report?.status === 'error' && !aboutOtherFile) return fail(phase, 'boardio', report.reason);
      if (report?.status === 'ready' && phase === 'load' && ready === undefined) {
        ready = report.detail;
        return loadedIfBoth();
      }
      if (report?.status === 'complete' && phase === 'run' && !complete) {
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
            const cause = causeOf(e);
            if (cause === undefined) subscriber.error(e);
            else fail(phase === 'load' ? 'upload' : 'run', cause, messageOf(e));
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
