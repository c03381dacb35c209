import { taggedOutput, untagCommand } from '../protocol/tagged';
import type { ExecutorResult } from './types';

/**
 * The exit status of a command the shell could not execute, as POSIX shells report it (`126`):
 * what a simulated unit answers for a command over `MAX_COMMAND_BYTES` or one its shell
 * could not be started for.
 *
 * ## Example
 * ```ts
 * if (readTrailer(output)?.exitCode === CANNOT_EXECUTE_EXIT_CODE) console.warn('not run');
 * ```
 * @category Simulator
 */
export const CANNOT_EXECUTE_EXIT_CODE = 126;

/**
 * What a simulated unit prints for a command over `MAX_COMMAND_BYTES`: Linux refuses to
 * start `/bin/sh -c <command>` (`E2BIG`).
 *
 * ## Example
 * ```ts
 * output === ARGUMENT_LIST_TOO_LONG; // the unit refused an oversized command
 * ```
 * @category Simulator
 */
export const ARGUMENT_LIST_TOO_LONG = '/bin/sh: Argument list too long\n';

/**
 * The answer to a command that could not be started (or that the unit stopped at its own limit),
 * as a real unit's shell gives it: `message` on stderr with a non-zero `exitCode`; for a tagged
 * command (whose nonce can be read back), the wrapper's answer instead: exit status 0 and
 * `message` followed by the trailer carrying `exitCode`, so the coordinator gets its result
 * rather than waiting for it.
 *
 * @internal
 * @param command The command as received (tagged or not).
 * @param message What to print, ending with a newline.
 * @param exitCode The command's exit status (default {@link CANNOT_EXECUTE_EXIT_CODE}).
 * @category Simulator
 */
export function cannotRun(
  command: string,
  message: string,
  exitCode: number = CANNOT_EXECUTE_EXIT_CODE,
): ExecutorResult {
  const tagged = untagCommand(command);
  if (tagged === undefined) return { stdout: '', stderr: message, exitCode };
  return { stdout: taggedOutput(tagged.nonce, message, exitCode), stderr: '', exitCode: 0 };
}
