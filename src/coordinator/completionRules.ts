import { parseBoardioMessage } from '../operators/boardio';
import { checkOptions, OptionError, RULES, type OptionTable } from '../validation/checkOptions';

/** What boardiocli prints when it handed `runSeq` over. */
export const RUN_SENT = 'Sent: "runSeq"';
/**
 * Which `message` events a completion rule takes, one entry of a list: a kind of boardio report
 * as {@link parseBoardioMessage} reads it (`'ready'`: `BOARDIO_READY`, `'error'`:
 * `BOARDIO_ERROR`, `'complete'`: `Sequence complete`), or a regular expression tested on the
 * whole message text, for a unit whose wording differs.
 *
 * ## Example
 * ```ts
 * const completedOn: MessageRule[] = ['complete', /^SEQUENCE_DONE\b/];
 * ```
 * @category Coordinator
 */
export type MessageRule = 'ready' | 'error' | 'complete' | RegExp;

/**
 * How {@link Coordinator.runSequence} decides that a sequence is `loaded`, `started` and
 * `completed`, or `failed`: which messages count, in which order, and how long it waits. The
 * order is fixed: `loaded` (an answer to the upload) before `boardiocli runSeq` is sent, `started`
 * after it, `completed` after `started`. Only the first message that fits the step being waited
 * for counts; any other message is reported as a `message` item, never taken for another step.
 * The defaults are {@link COMPLETION_RULES}; a coordinator's `completion` option and a call's
 * `completion` option override them field by field.
 *
 * ## Example
 * ```ts
 * // a unit that answers runSeq with BOARDIO_READY and never says "Sequence complete"
 * const rules: Partial<CompletionRules> = { startedOn: ['ready'], completedBy: 'quiet', quietMs: 3_000 };
 * const coordinator = createCoordinator({ completion: rules });
 * ```
 * @category Coordinator
 */
export interface CompletionRules {
  /** The messages that mean "loaded": the first one after the upload was sent counts. */
  readonly loadedOn: ReadonlyArray<MessageRule>;
  /** Time allowed for that message, from the upload command's output, in ms. */
  readonly loadTimeoutMs: number;
  /**
   * The messages that, besides the `runSeq` command's output, mean "started": empty (the default)
   * for the output alone; else one of them must come after `runSeq` was sent (a completion
   * message counts for it).
   */
  readonly startedOn: ReadonlyArray<MessageRule>;
  /**
   * How "completed" is decided:
   * - `'message'`: one of `completedOn` comes within `runTimeoutMs` of sending `runSeq`; when
   *   it was started but none came, the run `failed` with reason `no-completion-message`;
   * - `'quiet'`: one of `completedOn` comes, or `quietMs` passed after `started` and after the
   *   unit's last message without a failure message (the `completed` item says `by: 'quiet'`);
   *   still within `runTimeoutMs`.
   */
  readonly completedBy: 'message' | 'quiet';
  /** The messages that mean "completed". */
  readonly completedOn: ReadonlyArray<MessageRule>;
  /** Time allowed from sending `runSeq` to `completed`, in ms. */
  readonly runTimeoutMs: number;
  /** With `completedBy: 'quiet'`: the silence, in ms, after which a started run counts as completed. */
  readonly quietMs: number;
  /**
   * The messages that fail the step being waited for (a report naming the standalone file during
   * a normal upload excepted: a unit that just booted sends it unasked).
   */
  readonly failedOn: ReadonlyArray<MessageRule>;
}

/**
 * The default {@link CompletionRules}, derived from the vendor's examples (docs/sequences.md,
 * "When a sequence counts as loaded, started and complete", says where each comes from):
 * the first `BOARDIO_READY` after the upload = loaded (within 10 s of the upload's output); the
 * `runSeq` command's output = started; `Sequence complete` within 60 s of sending `runSeq` =
 * completed; `BOARDIO_ERROR` = failed.
 *
 * ## Example
 * ```ts
 * coordinator.runSequence(unit, sequence, { completion: { runTimeoutMs: COMPLETION_RULES.runTimeoutMs * 2 } });
 * ```
 * @category Coordinator
 */
export const COMPLETION_RULES: CompletionRules = Object.freeze({
  loadedOn: Object.freeze(['ready'] as const),
  loadTimeoutMs: 10_000,
  startedOn: Object.freeze([] as const),
  completedBy: 'message',
  completedOn: Object.freeze(['complete'] as const),
  runTimeoutMs: 60_000,
  quietMs: 5_000,
  failedOn: Object.freeze(['error'] as const),
});

const TIMES: OptionTable<CompletionRules> = {
  loadTimeoutMs: RULES.ms,
  runTimeoutMs: RULES.ms,
  quietMs: RULES.delayMs,
};
const LISTS = ['loadedOn', 'startedOn', 'completedOn', 'failedOn'] as const;
const KINDS: ReadonlyArray<unknown> = ['ready', 'error', 'complete'];
const EXPECTED_LIST = `a list of 'ready', 'error', 'complete' or regular expressions`;

/**
 * Checks overrides of the {@link CompletionRules} when they are given, so a bad one fails with
 * an `OptionError` naming it (e.g. `completion.quietMs`).
 *
 * ## Example
 * ```ts
 * checkCompletionRules({ completedBy: 'silence' }, 'completion'); // throws OptionError
 * ```
 * @internal
 * @param given The overrides (`undefined` passes).
 * @param prefix The option's name, e.g. `'completion'` or `'options.completion'`.
 * @throws OptionError for a field that breaks its rule, or an unknown field.
 */
export function checkCompletionRules(given: unknown, prefix: string): void {
  if (given === undefined) return;
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new OptionError(prefix, 'type', given, 'an object of completion rules');
  const rules = given as Partial<Record<keyof CompletionRules, unknown>>;
  for (const key of Object.keys(rules))
    if (!(key in COMPLETION_RULES))
      throw new OptionError(`${prefix}.${key}`, 'type', rules[key as keyof CompletionRules], 'no such rule');
  checkOptions(rules as Partial<CompletionRules>, TIMES, prefix);
  if (rules.completedBy !== undefined && rules.completedBy !== 'message' && rules.completedBy !== 'quiet')
    throw new OptionError(`${prefix}.completedBy`, 'type', rules.completedBy, `'message' or 'quiet'`);
  for (const key of LISTS) {
    const list = rules[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((m: unknown) => KINDS.includes(m) || m instanceof RegExp))
      throw new OptionError(`${prefix}.${key}`, 'type', list, EXPECTED_LIST);
  }
}

/**
 * The rules in force: the defaults, then each set of overrides in turn (`undefined` fields skipped).
 * @internal
 * @param overrides Partial rules, the last one wins.
 */
export function completionRules(
  ...overrides: ReadonlyArray<Partial<CompletionRules> | undefined>
): CompletionRules {
  const rules: Record<string, unknown> = { ...COMPLETION_RULES };
  for (const o of overrides)
    for (const [key, value] of Object.entries(o ?? {})) if (value !== undefined) rules[key] = value;
  return rules as unknown as CompletionRules;
}

/**
 * What a message means by one list of rules: `undefined` when no rule takes it, else the text
 * that goes with it (the text after `BOARDIO_READY`/`BOARDIO_ERROR`, else the whole message).
 * @internal
 * @param text The message text.
 * @param list The rules.
 */
export function matchMessage(text: string, list: ReadonlyArray<MessageRule>): { detail: string } | undefined {
  const report = parseBoardioMessage(text);
  for (const rule of list) {
    if (rule instanceof RegExp) {
      rule.lastIndex = 0;
      if (rule.test(text)) return { detail: text.trim() };
    } else if (report?.status === rule)
      return {
        detail: report.status === 'ready' ? report.detail : report.status === 'error' ? report.reason : '',
      };
  }
  return undefined;
}
