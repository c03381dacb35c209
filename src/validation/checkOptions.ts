/** The largest delay a Node.js timer accepts (2^31 - 1 ms, about 24.8 days).
 * @category Transport
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What is wrong with an option value:
 * - `type`: not a number (a string, `null`, an object...), nor one of the accepted words;
 * - `not-finite`: `NaN` or an infinity;
 * - `not-integer`: a fraction where a whole number is needed;
 * - `too-small` / `too-large`: outside the allowed range.
 * @category Errors
 */
export type OptionErrorReason = 'type' | 'not-finite' | 'not-integer' | 'too-small' | 'too-large';

/**
 * An option of a function is invalid: thrown when the function is called, naming the option.
 * A `RangeError`, so `catch (e) { if (e instanceof RangeError) ... }` works too.
 *
 * ## Example
 * ```ts
 * try {
 *   listen({ port: 70000 });
 * } catch (e) {
 *   if (e instanceof OptionError) console.error(e.option, e.reason); // 'port' 'too-large'
 * }
 * ```
 * @category Errors
 */
export class OptionError extends RangeError {
  /** Always `'OptionError'`. */
  override readonly name = 'OptionError';
  /**
   * @param option The option's name, e.g. `'port'` or `'listen.port'`.
   * @param reason What is wrong with it.
   * @param value The value given.
   * @param expected What is allowed, in words, e.g. `'an integer 0..65535'`.
   */
  constructor(
    readonly option: string,
    readonly reason: OptionErrorReason,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`option ${option} must be ${expected}, got ${show(value)}`);
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * The rule one numeric option must follow: optional bounds (inclusive `min`/`max`, exclusive
 * `above`), whole numbers only with `integer`, and words accepted besides numbers (`words`).
 *
 * ## Example
 * ```ts
 * const port: NumberRule = { integer: true, min: 0, max: 65535 };
 * ```
 * @category Transport
 */
export interface NumberRule {
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** The smallest value allowed. */
  readonly min?: number;
  /** Values must be greater than this. */
  readonly above?: number;
  /** The largest value allowed. */
  readonly max?: number;
  /** Strings accepted as they are, e.g. `['manual']`. */
  readonly words?: ReadonlyArray<string>;
  /** `Infinity` accepted too (no limit, wait forever). */
  readonly infinite?: boolean;
}

/**
 * The common rules, by name: ports, timer durations, counts and sizes.
 *
 * ## Example
 * ```ts
 * checkOptions({ idleTimeoutMs: 500 }, { idleTimeoutMs: RULES.ms });
 * ```
 * @category Transport
 */
export const RULES = {
  /** A port to bind: an integer 0..65535 (0: any free port). */
  port: { integer: true, min: 0, max: 65535 },
  /** A port to connect to: an integer 1..65535. */
  remotePort: { integer: true, min: 1, max: 65535 },
  /** A timeout or period: a finite number of ms > 0 that a timer accepts (<= 2^31 - 1). */
  ms: { above: 0, max: MAX_TIMER_MS },
  /** A timeout that may be `Infinity` (wait forever): ms > 0 and <= 2^31 - 1, or `Infinity`. */
  timeout: { above: 0, max: MAX_TIMER_MS, infinite: true },
  /** A delay that may be zero: a finite number of ms 0..2^31 - 1. */
  delayMs: { min: 0, max: MAX_TIMER_MS },
  /** A count of at least one: an integer >= 1. */
  count: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  /** A size or count that may be zero: an integer >= 0. */
  size: { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
  /** A size of at least one byte: an integer >= 1. */
  positiveSize: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  /** Any finite number >= 0. */
  nonNegative: { min: 0, max: Number.MAX_VALUE },
  /** Any finite number > 0. */
  positive: { above: 0, max: Number.MAX_VALUE },
} as const satisfies Record<string, NumberRule>;

/**
 * A table of rules for the numeric options of an options type: for each option checked, its
 * {@link NumberRule}.
 *
 * ## Example
 * ```ts
 * const table: OptionTable<ListenOptions> = { port: RULES.port, idleTimeoutMs: RULES.ms };
 * ```
 * @category Transport
 */
export type OptionTable<T> = { readonly [K in keyof T]?: NumberRule };

/**
 * Describes a rule in words, e.g. `'an integer 0..65535'` or `'a number > 0 and <= 2147483647'`.
 *
 * ## Example
 * ```ts
 * describeRule(RULES.port); // 'an integer 0..65535'
 * ```
 * @param rule The rule.
 * @category Transport
 */
export function describeRule(rule: NumberRule): string {
  const what = rule.integer === true ? 'an integer' : 'a number';
  const max = rule.max === undefined || rule.max >= Number.MAX_SAFE_INTEGER ? undefined : rule.max;
  let text: string;
  if (rule.min !== undefined && max !== undefined) text = `${what} ${rule.min}..${max}`;
  else if (rule.above !== undefined && max !== undefined) text = `${what} > ${rule.above} and <= ${max}`;
  else if (rule.min !== undefined) text = `${what} >= ${rule.min}`;
  else if (rule.above !== undefined) text = `${what} > ${rule.above}`;
  else if (max !== undefined) text = `${what} <= ${max}`;
  else text = rule.integer === true ? 'an integer' : 'a finite number';
  const words = [
    ...(rule.words ?? []).map((w) => JSON.stringify(w)),
    ...(rule.infinite === true ? ['Infinity'] : []),
  ];
  return words.length === 0 ? text : `${text} or ${words.join(' or ')}`;
}

/**
 * Checks one value against a rule; throws an {@link OptionError} naming `option` when it breaks it.
 *
 * ## Example
 * ```ts
 * checkOption('port', 70000, RULES.port); // throws OptionError: option port must be an integer 0..65535, got 70000
 * ```
 * @param option The option's name, as the caller wrote it.
 * @param value The value (`undefined` passes: the default applies).
 * @param rule The rule.
 * @category Transport
 */
export function checkOption(option: string, value: unknown, rule: NumberRule): void {
  if (value === undefined) return;
  const fail = (reason: OptionErrorReason) => {
    throw new OptionError(option, reason, value, describeRule(rule));
  };
  if (typeof value === 'string' && rule.words?.includes(value) === true) return;
  if (typeof value !== 'number') return fail('type');
  if (value === Infinity && rule.infinite === true) return;
  if (!Number.isFinite(value)) return fail('not-finite');
  if (rule.integer === true && !Number.isInteger(value)) return fail('not-integer');
  if (rule.min !== undefined && value < rule.min) return fail('too-small');
  if (rule.above !== undefined && value <= rule.above) return fail('too-small');
  if (rule.max !== undefined && value > rule.max) return fail('too-large');
}

/**
 * Checks the numeric options of an options object against a table of rules, when a function is
 * called (so that a bad value is reported at once, naming the option, never later as a crash).
 * Options that are `undefined` are skipped (their defaults apply); options not in the table are
 * not looked at. Throws an {@link OptionError} for the first invalid one.
 *
 * ## Example
 * ```ts
 * checkOptions({ port: 70000 }, { port: RULES.port }, 'listen');
 * // throws OptionError: option listen.port must be an integer 0..65535, got 70000
 * ```
 * @param options The options object given by the caller (`undefined` passes).
 * @param table The rule of each numeric option.
 * @param prefix Put before each option's name in the error, e.g. `'listen'` for `listen.port`.
 * @throws {@link OptionError} when an option breaks its rule, or `options` is not an object.
 * @category Transport
 */
export function checkOptions<T extends object>(
  options: T | undefined,
  table: OptionTable<T>,
  prefix?: string,
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null)
    throw new OptionError(prefix ?? 'options', 'type', options, 'an object');
  for (const key of Object.keys(table) as Array<keyof T & string>) {
    const rule = table[key];
    if (rule === undefined) continue;
    checkOption(prefix === undefined ? key : `${prefix}.${key}`, options[key], rule);
  }
}
