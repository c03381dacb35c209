import { taggedOutput, untagCommand } from '../protocol/tagged';
import type { Executor } from './types';

/**
 * Lets a function executor answer tagged commands as a real shell would: it is called with the
 * user's command (the wrapper removed), and its stdout and stderr are merged and followed by the
 * trailer with its exit status. Other commands reach it unchanged.
 *
 * @internal
 * @param executor The function executor.
 * @category Simulator
 */
export function answerTagged(executor: Executor): Executor {
  return async (command, context) => {
    const tagged = untagCommand(command);
    if (tagged === undefined) return executor(command, context);
    const result = await executor(tagged.command, context);
    if (typeof result?.stdout !== 'string') return result; // reported as an executor fault
    const printed = `${result.stdout}${result.stderr ?? ''}`;
    return { stdout: taggedOutput(tagged.nonce, printed, result.exitCode ?? 0), exitCode: 0 };
  };
}
