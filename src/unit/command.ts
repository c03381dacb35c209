import {
  catchError,
  defaultIfEmpty,
  defer,
  map,
  type Observable,
  of,
  race,
  type SchedulerLike,
  take,
  timer,
} from 'rxjs';
import { exceedsCommandLimit } from '../protocol/commandSize';
import { ARGUMENT_LIST_TOO_LONG, cannotRun } from './cannotRun';
import type { UnitExecutor } from './environment';
import type { BoardioVerb, CommandOutcome, ExecutorResult } from './types';

/**
 * Options of {@link runCommand}.
 *
 * ## Example
 * ```ts
 * const options: RunCommandOptions = { scheduler, boardio: (v) => verbs.push(v), timeoutMs: 30_000, maxOutputBytes: 262_144 };
 * ```
 * @internal
 */
export interface RunCommandOptions {
  /** Where time comes from: the timeout and `durationMs`. */
  readonly scheduler: SchedulerLike;
  /** Where the executor hands boardio verbs. */
  readonly boardio: (verb: BoardioVerb) => void;
  /** The command is given up after this long. */
  readonly timeoutMs: number;
  /** stdout and stderr are each cut to this many bytes (`Infinity`: never). */
  readonly maxOutputBytes: number;
}

/**
 * The exit status reported for a command that a simulated unit stopped after its
 * `commandTimeoutMs` (as `timeout(1)` does): the status of an untagged command, or the one in a
 * tagged command's trailer, which the coordinator reports as `exitCode`.
 *
 * ## Example
 * ```ts
 * coordinator.command(unit, 'sleep 60').subscribe((o) => {
 *   if (o.exitCode === TIMEOUT_EXIT_CODE) console.warn('the unit stopped it:', o.output);
 * });
 * ```
 * @category Simulator
 */
export const TIMEOUT_EXIT_CODE = 124;

/**
 * The result of a command whose executor failed: exit status 1, the error's message on stderr.
 *
 * ## Example
 * ```ts
 * failedCommand(new Error('boom')); // { stdout: '', stderr: 'boom', exitCode: 1 }
 * ```
 * @internal
 * @param error What the executor threw.
 */
export function failedCommand(error: unknown): ExecutorResult {
  return { stdout: '', stderr: error instanceof Error ? error.message : String(error), exitCode: 1 };
}

/** What a simulated unit prints when it stops a command after `timeoutMs`. */
function timedOutMessage(timeoutMs: number): string {
  return `pycom-sim: command timed out after ${timeoutMs} ms\n`;
}

/** What a command ended with, before its output is cut. */
interface Ended {
  readonly result: ExecutorResult;
  readonly timedOut: boolean;
}

function cut(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (maxBytes === Infinity) return { text, cut: false };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, cut: false };
  return { text: bytes.subarray(0, maxBytes).toString('utf8'), cut: true };
}

/**
 * Runs one command with the environment's executor, as a cold Observable of its single
 * {@link CommandOutcome}.
 *
 * A command over `MAX_COMMAND_BYTES` never reaches the executor: it is answered as Linux refuses
 * it (`/bin/sh: Argument list too long`, exit status 126, with the trailer when tagged). An
 * executor that errors gives a failed command (exit status 1, stderr = the error's message).
 * After `timeoutMs` the executor is unsubscribed (a shell's process group is killed), what the
 * command printed so far is dropped, and the outcome is a timeout (`timedOut: true`), answered as
 * `timeout(1)` run inside the coordinator's wrapper would be: for an untagged command, exit status
 * {@link TIMEOUT_EXIT_CODE}, stderr `pycom-sim: command timed out after <ms> ms\n`, stdout
 * empty (so the `output` event carries that message); for a tagged one (see `tagCommand`), the
 * wrapper's answer: exit status 0 and stdout = that message followed by the trailer with
 * {@link TIMEOUT_EXIT_CODE}, so the coordinator matches the output to its command and reports
 * `exitCode: 124` at once instead of waiting for its own timeout. Unsubscribing stops the
 * executor too.
 *
 * ## Example
 * ```ts
 * runCommand(() => of({ stdout: 'hi\n' }), 'echo hi', options).subscribe((o) => console.log(o.output));
 * ```
 * @internal
 * @param executor The environment's executor.
 * @param command The command string, as received.
 * @param options Scheduler, boardio hand-over, timeout and output cap.
 */
export function runCommand(
  executor: UnitExecutor,
  command: string,
  options: RunCommandOptions,
): Observable<CommandOutcome> {
  const { scheduler, timeoutMs, maxOutputBytes } = options;
  return defer(() => {
    const started = scheduler.now();
    // Linux refuses to start a command over MAX_COMMAND_BYTES (E2BIG): nothing of it runs
    const ran$: Observable<Ended> = (
      exceedsCommandLimit(command)
        ? of(cannotRun(command, ARGUMENT_LIST_TOO_LONG))
        : executor(command, options.boardio).pipe(take(1), defaultIfEmpty({ stdout: '' }))
    ).pipe(
      catchError((error: unknown) => of(failedCommand(error))),
      map((result) => ({ result, timedOut: false })),
    );
    // as `timeout(1)` would inside the coordinator's wrapper: the user's command is killed, and a
    // tagged command still gets the wrapper's answer (the message, then the trailer with 124)
    const timedOut$: Observable<Ended> = timer(timeoutMs, scheduler).pipe(
      map(() => ({
        result: cannotRun(command, timedOutMessage(timeoutMs), TIMEOUT_EXIT_CODE),
        timedOut: true,
      })),
    );
    return race(ran$, timedOut$).pipe(
      take(1),
      map(({ result, timedOut }): CommandOutcome => {
        const stdout = cut(result.stdout, maxOutputBytes);
        const stderr = cut(result.stderr ?? '', maxOutputBytes);
        const exitCode = result.exitCode ?? 0;
        return {
          stdout: stdout.text,
          stderr: stderr.text,
          exitCode,
          timedOut,
          truncated: stdout.cut || stderr.cut,
          output: exitCode === 0 ? stdout.text : stderr.text,
          durationMs: scheduler.now() - started,
        };
      }),
    );
  });
}
