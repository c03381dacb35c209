import { asyncScheduler, Observable, Subscription, timer } from 'rxjs';
import { ofType } from '../operators/ofType';
import type { Output } from '../protocol';
import type { Sequence } from '../sequence/registers';
import { RUN_COMMAND, uploadCommand } from '../sequence/shell';
import type { Target } from '../transport/send';
import { checkCompletionRules, completionRules, matchMessage, RUN_SENT } from './completionRules';
import { runTimedOut } from './runDeadline';
import {
  messageOf,
  oneLine,
  reasonOf,
  RUN_SEQUENCE_DEFAULTS,
  type RunSequenceOptions,
  type SequenceFailureReason,
  type SequenceProgress,
  type SequenceRunner,
  type SequenceStep,
} from './sequenceProgress';

export * from './sequenceProgress';
export * from './completionRules';

type CommandOutput = Output & { readonly exitCode?: number };

/**
 * Uploads a sequence to a unit, has boardio load it and, only once boardio confirmed the load,
 * starts it; reports each step (see {@link SequenceProgress}).
 *
 * 1. It subscribes to the unit's events, then sends one command: the upload and
 *    `boardiocli uSeq` (see `uploadCommand`; `uSeqStandalone` with `standalone`).
 * 2. It waits for both that command's output and boardio's answer, in either order (a real
 *    boardio reads its FIFO live, so `BOARDIO_READY` may come first): `BOARDIO_READY` → `loaded`;
 *    `BOARDIO_ERROR` → `failed` at `load`; an output with a non-zero exit status → `failed` at
 *    `upload`; no answer within `loadTimeoutMs` after the output → `failed` (reason `output` when
 *    the output did not show boardiocli's line, else `timeout`).
 * 3. Only then, and only with `run`, it sends `boardiocli runSeq` as a separate command and waits
 *    for its output and `Sequence complete` (`runTimeoutMs`), in either order → `started`,
 *    `completed`. A `BOARDIO_ERROR` meanwhile → `failed` at `run`; started but no
 *    `Sequence complete` in time → `failed` at `run` with reason `no-completion-message`.
 *
 * Which messages count for each step and the time allowed are the {@link CompletionRules}
 * (defaults {@link COMPLETION_RULES}, those above), overridden by `options.completion`: e.g.
 * `completedBy: 'quiet'` for a unit that never sends `Sequence complete`. A message that answers
 * no step being waited for is reported as a `message` item (a `BOARDIO_READY` after `runSeq` is
 * never a second load; per-row reports are never the end).
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
 * @param options Timeouts, completion rules, standalone, run, path, scheduler.
 * @throws OptionError for invalid `options.completion`, when called.
 * @return The progress, one item per step.
 * @category Coordinator
 */
export function runSequence(
  runner: SequenceRunner,
  target: Target,
  sequence: Sequence,
  options: RunSequenceOptions = {},
): Observable<SequenceProgress> {
  checkCompletionRules(options.completion, 'options.completion');
  return sequenceSteps(runner, target, sequence, options, 'upload');
}

/**
 * {@link runSequence}'s steps, from the upload, or from `runSeq` (`'run'`: the unit's sequence
 * is loaded already; `coordinator.shoot` fires that way). @internal
 */
export function sequenceSteps(
  runner: SequenceRunner,
  target: Target,
  sequence: Sequence,
  options: RunSequenceOptions,
  from: 'upload' | 'run',
): Observable<SequenceProgress> {
  const rules = completionRules(
    { loadTimeoutMs: options.stepTimeoutMs, runTimeoutMs: options.runTimeoutMs },
    options.completion,
  );
  return new Observable<SequenceProgress>((subscriber) => {
    const unit = typeof target === 'string' ? target : target.host;
    const stepMs = options.stepTimeoutMs ?? RUN_SEQUENCE_DEFAULTS.stepTimeoutMs;
    const { loadTimeoutMs: loadMs, runTimeoutMs: runMs, quietMs } = rules;
    const byQuiet = rules.completedBy === 'quiet';
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
    /** The runSeq command's output, and whether `started` went out. */
    let runOutput: CommandOutput | undefined;
    let started = false;
    /** A start message came (or none is needed: `startedOn` is empty). */
    let startHeard = rules.startedOn.length === 0;
    let complete = false;
    let deadline: Subscription | undefined;
    let quiet: Subscription | undefined;

    const finishIfDone = () => {
      if (settled && inFlight === 0) subscriber.complete();
    };
    const settle = (last: SequenceProgress) => {
      if (settled) return;
      settled = true;
      deadline?.unsubscribe();
      quiet?.unsubscribe();
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
    /** With `completedBy: 'quiet'`, once started: completed after `quietMs` of silence. */
    const armQuiet = () => {
      if (!byQuiet || !started || settled) return;
      // by the output alone only when it shows boardiocli handed runSeq over
      if (rules.startedOn.length === 0 && !runOutput?.output.includes(RUN_SENT)) return;
      quiet?.unsubscribe();
      quiet = timer(quietMs, scheduler).subscribe(() => settle({ unit, step: 'completed', by: 'quiet' }));
      subscriptions.add(quiet);
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

    /** `started` once the runSeq output and, if the rules need one, a start message are in. */
    const startIfReady = () => {
      if (settled || started || runOutput === undefined || !(startHeard || complete)) return;
      started = true;
      subscriber.next({ unit, step: 'started', output: runOutput.output, ...exitCodeOf(runOutput) });
      if (complete) settle({ unit, step: 'completed' });
      else armQuiet();
    };

    const startRun = () => {
      waitingFor = 'run';
      arm(runMs, () => settle(runTimedOut(rules, unit, runOutput, started, startHeard)));
      send(RUN_COMMAND, 'run', (out) => {
        if (out.exitCode !== undefined && out.exitCode !== 0) return fail('run', 'output', failedOutput(out));
        runOutput = out;
        startIfReady();
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

    /** Takes a message as the answer awaited; `false` when it answers nothing awaited. */
    const answers = (text: string): boolean => {
      if (waitingFor === 'load') {
        const loaded = ready === undefined ? matchMessage(text, rules.loadedOn) : undefined;
        if (loaded === undefined) return false;
        ready = loaded.detail;
        loadedIfBoth();
        return true;
      }
      if (!startHeard && matchMessage(text, rules.startedOn) !== undefined) {
        startHeard = true;
        startIfReady();
        return true;
      }
      if (complete || matchMessage(text, rules.completedOn) === undefined) return false;
      complete = true;
      if (started) settle({ unit, step: 'completed' });
      else startIfReady();
      return true;
    };

    const onMessage = (text: string) => {
      if (settled) return;
      const failure = matchMessage(text, rules.failedOn);
      // A unit that has just booted reports on its standalone file: no answer to a normal upload.
      const aboutOtherFile = failure !== undefined && !standalone && /standalone/i.test(text);
      if (failure !== undefined && !aboutOtherFile)
        return fail(waitingFor, 'boardio', failure.detail || oneLine(text));
      if (failure === undefined && answers(text)) return;
      subscriber.next({ unit, step: 'message', message: text });
      armQuiet();
    };

    let upload = '';
    if (from === 'upload')
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
    if (from === 'run') return (startRun(), subscriptions);
    send(upload, 'upload', (out) => {
      if (out.exitCode !== undefined && out.exitCode !== 0)
        return fail('upload', 'output', failedOutput(out));
      uploaded = out;
      subscriber.next({ unit, step: 'uploaded', output: out.output, ...exitCodeOf(out) });
      if (ready !== undefined) return loadedIfBoth();
      arm(loadMs, () =>
        shows(uploaded, loadVerb)
          ? fail('load', 'timeout', `no answer from boardio within ${loadMs} ms`)
          : fail('upload', 'output', `unexpected output: ${oneLine(out.output) || '(empty)'}`),
      );
    });
    return subscriptions;
  });
}

function exitCodeOf(out: CommandOutput): { exitCode?: number } {
  return out.exitCode === undefined ? {} : { exitCode: out.exitCode };
}
