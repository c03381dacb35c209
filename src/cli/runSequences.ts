import { map, merge, type Observable, Subscription } from 'rxjs';
import type { SequenceProgress } from '../coordinator/runSequence';
import type { ShootFailureReason } from '../coordinator/shootTypes';
import { EXIT } from './exitCodes';
import { firstLine, seconds } from './format';
import { type CliIO, stage, writeLine } from './io';
import { showTarget } from './options';
import { ProgressBoard } from './progress';
import { sequenceStage } from './sequenceStage';

/**
 * What happened on one unit: every progress item in order, and how long it took.
 */
export interface UnitOutcome {
  /** The unit as shown (`host` or `host:port`). */
  readonly unit: string;
  /** The progress items, the last being `completed`, `loaded` or `failed` (another after Ctrl-C). */
  readonly steps: ReadonlyArray<SequenceProgress>;
  /** From the start to the last item, in ms. */
  readonly ms: number;
}

/**
 * How to show the progress: a live board (human) or one JSON object per item.
 */
export interface RunDisplayOptions {
  /** One JSON object per progress item on stdout, no board. */
  readonly json: boolean;
  /** Whether the sequence is started after loading (the board's wording, the end step). */
  readonly run: boolean;
}

const STEPS = ['uploaded', 'loaded', 'started', 'completed'] as const;

function bar(done: number, failed: boolean): string {
  return `[${'#'.repeat(done)}${failed ? '!' : ''}${'.'.repeat(Math.max(0, STEPS.length - done - (failed ? 1 : 0)))}]`;
}

/**
 * The status line of a unit after a progress item; `undefined` for a `message` item, which
 * changes no status.
 *
 * ## Example
 * ```ts
 * statusLine({ unit: '127.0.0.2', step: 'loaded', detail: '' }, 400, true); // '[##..] loaded (BOARDIO_READY), starting'
 * ```
 * @param p The last progress item.
 * @param ms The time since the start.
 * @param run Whether the sequence is started after loading.
 */
export function statusLine(p: SequenceProgress, ms: number, run: boolean): string | undefined {
  switch (p.step) {
    case 'uploaded':
      return `${bar(1, false)} uploaded: ${firstLine(p.output, 50)}`;
    case 'loaded':
      return `${bar(2, false)} loaded (BOARDIO_READY${p.detail === '' ? '' : ` ${p.detail}`})${run ? ', starting' : ''}`;
    case 'started':
      return `${bar(3, false)} running: ${firstLine(p.output, 50)}`;
    case 'completed':
      return `${bar(4, false)} completed in ${seconds(ms)}`;
    case 'message':
      return undefined;
    case 'failed': {
      const done = p.failedStep === 'upload' ? 0 : p.failedStep === 'load' ? 1 : 2;
      return `${bar(done, true)} FAILED at ${p.failedStep}: ${firstLine(p.message, 70)}`;
    }
  }
}

/**
 * The exit code for a failed step: unreachable (3) when a command could not be sent, port in use
 * (4) when the listener could not bind, invalid sequence (5) when it was refused before sending,
 * timeout (6) when an answer did not come in time (`no-completion-message` included), unit error (7) for a BOARDIO_ERROR or a
 * command that failed on the unit.
 *
 * ## Example
 * ```ts
 * failureExitCode({ unit: 'u', step: 'failed', failedStep: 'load', reason: 'boardio', message: 'la4_sequence.csv is empty' }); // 7
 * ```
 * @param p A `failed` progress item.
 */
export function failureExitCode(p: Extract<SequenceProgress, { step: 'failed' }>): number {
  return reasonExitCode(p.reason);
}

/**
 * The exit code of a failure reason of a sequence or of a shot: unreachable (3) for `unreachable`
 * and `lost`, port in use (4) for `listen`, invalid sequence (5) for `invalid`, timeout (6) for
 * `timeout`, `deadline` and `no-completion-message`, unit error (7) otherwise.
 *
 * ## Example
 * ```ts
 * reasonExitCode('boardio'); // 7
 * ```
 * @param reason The failure's reason code (`undefined`: unit error).
 */
export function reasonExitCode(reason: ShootFailureReason | undefined): number {
  switch (reason) {
    case 'unreachable':
    case 'lost':
      return EXIT.unreachable;
    case 'timeout':
    case 'deadline':
    case 'no-completion-message': // as before the completion rules: Sequence complete did not come in time
      return EXIT.timeout;
    case 'listen':
      return EXIT.portInUse;
    case 'invalid':
      return EXIT.invalidSequence;
    default:
      return EXIT.unitError;
  }
}

/**
 * The exit code of a set of outcomes: 0 when every unit completed (or loaded, when `run` is
 * false), else the code of the first unit (in the given order) that failed;
 * {@link EXIT.interrupted} if one never finished.
 *
 * @param outcomes The outcomes, in the order the units were given.
 * @param run Whether the sequence was to be started (then `completed` is the end, else `loaded`).
 */
export function outcomesExitCode(outcomes: ReadonlyArray<UnitOutcome>, run = true): number {
  for (const outcome of outcomes) {
    const last = outcome.steps.filter((p) => p.step !== 'message').at(-1);
    if (last?.step === 'failed') return failureExitCode(last);
    if (last?.step !== (run ? 'completed' : 'loaded')) return EXIT.interrupted;
  }
  return EXIT.ok;
}

/**
 * Runs a sequence on several units in parallel (`start` runs it on one unit, e.g. with
 * `runSequence`) and shows the progress: a live board per unit on stdout (redrawn on a terminal,
 * one line per change otherwise), or one JSON object per item. Resolves when every unit
 * completed or failed, or on Ctrl-C (which unsubscribes, so nothing more is sent). Rejects with
 * the error when a run errors (an error that is not a `failed` item, e.g. the coordinator was
 * closed): every other run is then stopped too.
 *
 * ## Example
 * ```ts
 * const start = (t: Target) => runSequence(coordinator, t, sequence);
 * const outcomes = await runSequences(start, [{ host: '127.0.0.2', port: 5000 }], { json: false, run: true }, io);
 * ```
 * @param start Runs the sequence on one unit.
 * @param targets The units.
 * @param display Board or JSON, and whether the sequence is started after loading.
 * @param io Streams and the interrupt signal.
 */
export function runSequences(
  start: (target: { host: string; port: number }) => Observable<SequenceProgress>,
  targets: ReadonlyArray<{ host: string; port: number }>,
  display: RunDisplayOptions,
  io: CliIO,
): Promise<UnitOutcome[]> {
  const started = io.now();
  const names = targets.map((t) => showTarget(t));
  const steps = targets.map((): SequenceProgress[] => []);
  const ends = new Map<number, number>();
  const board = display.json ? undefined : new ProgressBoard(io.stdout, names, `${bar(0, false)} uploading`);
  const run = display.run;
  stage(io, () => sequenceStage(names, steps, run)); // said on Ctrl-C
  return new Promise<UnitOutcome[]>((resolve, reject) => {
    const subscription = new Subscription();
    const stop = () => {
      subscription.unsubscribe();
      io.signal.removeEventListener('abort', finish);
      board?.close();
    };
    // an error that is not a failure (e.g. the coordinator was closed): every run stops, and the
    // promise rejects with it instead of never settling
    const fail = (error: unknown) => {
      stop();
      reject(error);
    };
    const finish = () => {
      stop();
      resolve(
        targets.map((t, i) => ({
          unit: names[i] ?? t.host,
          steps: steps[i] ?? [],
          ms: (ends.get(i) ?? io.now()) - started,
        })),
      );
    };
    io.signal.addEventListener('abort', finish, { once: true });
    const runs = targets.map((t, i) => start(t).pipe(map((p) => [i, p] as const)));
    subscription.add(
      merge(...runs).subscribe({
        next: ([i, p]) => {
          const unit = names[i] ?? p.unit;
          steps[i]?.push(p);
          if (p.step === 'completed' || p.step === 'failed' || (!run && p.step === 'loaded'))
            ends.set(i, io.now());
          if (display.json) writeLine(io.stdout, JSON.stringify({ ...p, unit }));
          else {
            const line = statusLine(p, io.now() - started, run);
            if (line !== undefined) board?.set(unit, line);
          }
        },
        error: fail,
        complete: finish,
      }),
    );
    if (io.signal.aborted) finish();
  });
}
