import { Observable } from 'rxjs';
import type { BoardioVerb, Executor, ExecutorResult } from './types';

/**
 * How one command ended, with the text its `output` event carries.
 *
 * ## Example
 * ```ts
 * runCommand(executor, 'echo hi', options).subscribe((o: CommandOutcome) => console.log(o.output)); // 'hi\n'
 * ```
 * @category Simulator
 */
export interface CommandOutcome {
  /** Its standard output, cut to `maxOutputBytes`. */
  readonly stdout: string;
  /** Its standard error, cut to `maxOutputBytes`. */
  readonly stderr: string;
  /** Its exit status: 124 when it timed out, 128 + n when killed by signal n. */
  readonly exitCode: number;
  /** `true` when it was stopped after `timeoutMs`. */
  readonly timedOut: boolean;
  /** `true` when stdout or stderr was cut. */
  readonly truncated: boolean;
  /** The `output` event's text: `stdout` when `exitCode` is 0, else `stderr`. */
  readonly output: string;
  /** How long it ran. */
  readonly durationMs: number;
}

/**
 * Options of {@link runCommand}.
 *
 * ## Example
 * ```ts
 * const options: RunCommandOptions = { home, boardio: (v) => verbs.push(v), timeoutMs: 30_000, maxOutputBytes: 262_144 };
 * ```
 * @category Simulator
 */
export interface RunCommandOptions {
  /** The unit's home, passed to the executor. */
  readonly home: string;
  /** Where the executor hands boardio verbs. */
  readonly boardio: (verb: BoardioVerb) => void;
  /** The command is given up after this long. */
  readonly timeoutMs: number;
  /** stdout and stderr are each cut to this many bytes. */
  readonly maxOutputBytes: number;
}

/**
 * The exit status reported for a command that timed out (as `timeout(1)` does).
 *
 * ## Example
 * ```ts
 * if (outcome.exitCode === TIMEOUT_EXIT_CODE) console.warn('timed out');
 * ```
 * @category Simulator
 */
export const TIMEOUT_EXIT_CODE = 124;

function cut(text: string, maxBytes: number): { text: string; cut: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, cut: false };
  return { text: bytes.subarray(0, maxBytes).toString('utf8'), cut: true };
}

function checked(result: unknown): ExecutorResult {
  const r = result as Partial<ExecutorResult> | null | undefined;
  if (typeof r === 'object' && r !== null && typeof r.stdout === 'string') return r as ExecutorResult;
  return { stdout: '', stderr: 'pycom-sim: the executor did not return { stdout }', exitCode: 1 };
}

/**
 * Runs one command with an executor, as a cold Observable of its single {@link CommandOutcome}.
 *
 * A thrown error or rejected promise becomes a failed command (exit status 1, stderr = the
 * error's message). After `timeoutMs` the executor's signal is aborted and the outcome is a
 * timeout: exit status {@link TIMEOUT_EXIT_CODE}, stderr
 * `pycom-sim: command timed out after <ms> ms\n`, stdout empty. Unsubscribing aborts the signal.
 *
 * ## Example
 * ```ts
 * runCommand(async () => ({ stdout: 'hi\n' }), 'echo hi', options).subscribe((o) => console.log(o.output));
 * ```
 * @param executor The executor.
 * @param command The command string.
 * @param options Home, boardio hand-over, timeout and output cap.
 * @category Simulator
 */
export function runCommand(
  executor: Executor,
  command: string,
  options: RunCommandOptions,
): Observable<CommandOutcome> {
  return new Observable<CommandOutcome>((subscriber) => {
    const controller = new AbortController();
    const started = Date.now();
    let settled = false;
    const settle = (result: ExecutorResult, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const stdout = cut(result.stdout, options.maxOutputBytes);
      const stderr = cut(result.stderr ?? '', options.maxOutputBytes);
      const exitCode = result.exitCode ?? 0;
      subscriber.next({
        stdout: stdout.text,
        stderr: stderr.text,
        exitCode,
        timedOut,
        truncated: stdout.cut || stderr.cut,
        output: exitCode === 0 ? stdout.text : stderr.text,
        durationMs: Date.now() - started,
      });
      subscriber.complete();
    };
    const timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
      settle(
        {
          stdout: '',
          stderr: `pycom-sim: command timed out after ${options.timeoutMs} ms\n`,
          exitCode: TIMEOUT_EXIT_CODE,
        },
        true,
      );
    }, options.timeoutMs);
    Promise.resolve()
      .then(() =>
        executor(command, { home: options.home, signal: controller.signal, boardio: options.boardio }),
      )
      .then(
        (result) => settle(checked(result), false),
        (error: unknown) =>
          settle(
            { stdout: '', stderr: error instanceof Error ? error.message : String(error), exitCode: 1 },
            false,
          ),
      );
    return () => {
      settled = true;
      clearTimeout(timer);
      controller.abort(new Error('cancelled'));
    };
  });
}
