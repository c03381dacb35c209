import type { Output } from '../protocol';
import { RUN_SENT, type CompletionRules, type MessageRule } from './completionRules';
import type { SequenceFailureReason, SequenceProgress } from './sequenceProgress';

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' | ');

/**
 * The `failed` item when the run's time is up: what was missing, by the rules.
 * @internal
 * @param rules The rules in force.
 * @param unit The unit's host.
 * @param output The runSeq command's output, if it came.
 * @param started Whether `started` went out.
 * @param startHeard Whether the start message came (or none was needed).
 */
export function runTimedOut(
  rules: CompletionRules,
  unit: string,
  output: Output | undefined,
  started: boolean,
  startHeard: boolean,
): SequenceProgress {
  const ms = rules.runTimeoutMs;
  const failed = (reason: SequenceFailureReason, message: string): SequenceProgress => ({
    unit,
    step: 'failed',
    failedStep: 'run',
    reason,
    message,
  });
  if (output === undefined) return failed('timeout', `no output of runSeq within ${ms} ms`);
  const heard = startHeard && rules.startedOn.length > 0;
  if (!output.output.includes(RUN_SENT) && !heard)
    return failed('output', `unexpected output: ${oneLine(output.output) || '(empty)'}`);
  if (!started)
    return failed('timeout', `no start message (${describeMessages(rules.startedOn)}) within ${ms} ms`);
  if (rules.completedBy === 'quiet')
    return failed(
      'timeout',
      `the unit still sent messages ${ms} ms after runSeq (no ${quietMsOf(rules)} of quiet)`,
    );
  return failed(
    'no-completion-message',
    `no ${describeMessages(rules.completedOn)} within ${ms} ms, though runSeq started ` +
      '(the sequence may have played on a unit that does not say so: see the completion rules)',
  );
}

const quietMsOf = (rules: CompletionRules) => `${rules.quietMs} ms`;
const describeMessages = (list: ReadonlyArray<MessageRule>) =>
  list.map((m) => (m instanceof RegExp ? String(m) : MESSAGE_WORDS[m])).join(' or ') || 'none';
const MESSAGE_WORDS = {
  ready: 'BOARDIO_READY',
  error: 'BOARDIO_ERROR',
  complete: 'Sequence complete',
} as const;
