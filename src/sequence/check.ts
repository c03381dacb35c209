import { jsonExcerpt } from '../protocol/decode';
import { isRegisterName, parametersOf, REGISTER_NAMES, type ParameterSpec, type RegisterName } from './specs';

/**
 * Shows a value in a message: numbers as written (`110`, `10.5`, `-0`, `NaN`), anything else as
 * short JSON ({@link jsonExcerpt}).
 *
 * ## Example
 * ```ts
 * describeValue(110); // '110'
 * describeValue('8O'); // '"8O"'
 * ```
 * @param value Any value.
 * @category Sequences
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return jsonExcerpt(value);
}

/**
 * The allowed range of a parameter as text, e.g. `0..109`.
 *
 * ## Example
 * ```ts
 * rangeOf({ name: 'shutterMs', min: 0, max: 109, meaning: '' }); // '0..109'
 * ```
 * @param parameter A parameter spec.
 * @category Sequences
 */
export function rangeOf(parameter: ParameterSpec): string {
  return `${parameter.min}..${parameter.max}`;
}

/**
 * The message for a register name that is not known, with a hint when only the case is wrong.
 *
 * ## Example
 * ```ts
 * unknownRegister('all_4_canon'); // 'unknown register "all_4_canon" (did you mean ALL_4_CANON? ...)'
 * ```
 * @param name The value found where a register name was expected.
 * @category Sequences
 */
export function unknownRegister(name: unknown): string {
  if (name === undefined || name === '')
    return `missing register (expected one of ${REGISTER_NAMES.join(', ')})`;
  if (typeof name === 'string' && isRegisterName(name.toUpperCase()))
    return `unknown register ${describeValue(name)} (did you mean ${name.toUpperCase()}? register names are upper case)`;
  return `unknown register ${describeValue(name)} (expected one of ${REGISTER_NAMES.join(', ')})`;
}

/**
 * Checks one parameter value against its spec; returns the problem, or `undefined` when valid.
 *
 * ## Example
 * ```ts
 * checkParameter('ALL_4_CANON', parametersOf('ALL_4_CANON')[1]!, 110);
 * // 'ALL_4_CANON shutterMs: 110 is out of range 0..109'
 * ```
 * @param register The register the parameter belongs to (named in the message).
 * @param parameter The parameter's spec.
 * @param value The value to check; `undefined` means missing.
 * @param shown How to show the value in a message (default: {@link describeValue}).
 * @category Sequences
 */
export function checkParameter(
  register: RegisterName,
  parameter: ParameterSpec,
  value: unknown,
  shown: string = describeValue(value),
): string | undefined {
  const where = `${register} ${parameter.name}`;
  if (value === undefined) return `${where}: missing (expected an integer ${rangeOf(parameter)})`;
  if (typeof value !== 'number' || !Number.isInteger(value))
    return `${where}: ${shown} is not an integer (expected ${rangeOf(parameter)})`;
  if (value < parameter.min || value > parameter.max)
    return `${where}: ${shown} is out of range ${rangeOf(parameter)}`;
  return undefined;
}

function names(register: RegisterName): string {
  return parametersOf(register)
    .map((p) => p.name)
    .join(', ');
}

/**
 * The message for a parameter a register does not have: an unknown key of a row object, or an
 * extra CSV column.
 *
 * ## Example
 * ```ts
 * extraParameter('ALL_4_NIKON', 'shutterMs'); // 'ALL_4_NIKON: unknown parameter "shutterMs" (expected power)'
 * extraParameter('ALL_4_NIKON', undefined, '105'); // 'ALL_4_NIKON: extra parameter 105 (expected 1: power)'
 * ```
 * @param register The register.
 * @param key The unknown key of a row object, or `undefined` for an extra CSV column.
 * @param column The text of the extra CSV column.
 * @category Sequences
 */
export function extraParameter(register: RegisterName, key: string | undefined, column?: string): string {
  if (key !== undefined)
    return `${register}: unknown parameter ${describeValue(key)} (expected ${names(register)})`;
  const expected = parametersOf(register).length;
  return `${register}: extra parameter ${column ?? ''} (expected ${expected}: ${names(register)})`;
}

/**
 * How many extra parameters of one row are listed one by one before the rest are counted.
 * @category Sequences
 */
export const MAX_EXTRA_LISTED = 3;

/**
 * The messages for the parameters a register does not have (unknown keys of a row object, or
 * extra CSV columns): the first {@link MAX_EXTRA_LISTED} one by one, then one line counting the
 * rest, so that a row with 150,000 columns gives four lines, not 150,000.
 *
 * ## Example
 * ```ts
 * extraParameters('LED_FAN', ['1', '1', '1', '1', '1'], 'column');
 * // ['LED_FAN: extra parameter 1 (expected 1: state)', ... (3 of them), 'LED_FAN: and 2 more extra parameters']
 * ```
 * @param register The register.
 * @param extras The unknown keys, or the texts of the extra columns.
 * @param kind Whether `extras` are keys of a row object or CSV columns.
 * @category Sequences
 */
export function extraParameters(
  register: RegisterName,
  extras: ReadonlyArray<string>,
  kind: 'key' | 'column',
): string[] {
  const listed = extras
    .slice(0, MAX_EXTRA_LISTED)
    .map((extra) =>
      kind === 'key' ? extraParameter(register, extra) : extraParameter(register, undefined, extra),
    );
  const more = extras.length - listed.length;
  if (more > 0)
    listed.push(`${register}: and ${more} more ${kind === 'key' ? 'unknown' : 'extra'} parameters`);
  return listed;
}

/**
 * What {@link readRow} made of a value: every problem found and, when there is none, a fresh
 * plain row holding the values that were checked.
 *
 * ## Example
 * ```ts
 * const { issues, row } = readRow({ register: 'LED_FAN', state: 1 }); // [], { register: 'LED_FAN', state: 1 }
 * readRow({ register: 'LED_FAN', state: 2 }).register; // 'LED_FAN' (and one issue)
 * ```
 * @category Sequences
 */
export interface RowReading {
  /** The register that was read, when it is one; `undefined` otherwise. */
  readonly register: RegisterName | undefined;
  /** Every problem of the row, one readable line each; empty when the row is valid. */
  readonly issues: ReadonlyArray<string>;
  /**
   * When `issues` is empty: `register` and the register's parameters, in CSV order, with the
   * values as they were read (and checked). `undefined` otherwise.
   */
  readonly row: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Reads any value as a row object, each field once, and checks what it read: a known
 * `register`, each parameter an integer in range, and no other own enumerable keys (their
 * names are read, never their values). The values checked are the ones returned, so a getter
 * that answers differently on every read, or a proxy, cannot get a value past the checks.
 * Never throws: a getter or proxy trap that throws makes the row unreadable, which is reported
 * as its problem.
 *
 * ## Example
 * ```ts
 * readRow({ register: 'ALL_4_CANON', power: 80, shutterMs: 110 }).issues;
 * // ['ALL_4_CANON shutterMs: 110 is out of range 0..109']
 * ```
 * @param input Any value.
 * @category Sequences
 */
export function readRow(input: unknown): RowReading {
  try {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return {
        register: undefined,
        issues: [`expected a row object { register, ... }, got ${describeValue(input)}`],
        row: undefined,
      };
    const record = input as Record<string, unknown>;
    const register = record['register'];
    if (!isRegisterName(register))
      return { register: undefined, issues: [unknownRegister(register)], row: undefined };
    const params = parametersOf(register);
    const row: Record<string, unknown> = { register };
    const issues: string[] = [];
    for (const parameter of params) {
      const value = record[parameter.name];
      row[parameter.name] = value;
      const issue = checkParameter(register, parameter, value);
      if (issue !== undefined) issues.push(issue);
    }
    const extras = Object.keys(record).filter(
      (key) => key !== 'register' && !params.some((p) => p.name === key),
    );
    for (const issue of extraParameters(register, extras, 'key')) issues.push(issue);
    return { register, issues, row: issues.length > 0 ? undefined : row };
  } catch (e) {
    // a proxy or a getter that throws: the row cannot be read, which is a problem of the row
    return { register: undefined, issues: [`the row cannot be read: ${describeThrown(e)}`], row: undefined };
  }
}

/** What was thrown, shown in a message; never throws itself (even for a hostile error object). */
function describeThrown(e: unknown): string {
  try {
    return describeValue(e instanceof Error ? e.message : e);
  } catch {
    return 'an unreadable error';
  }
}

/**
 * Checks any value as a row object: a known `register`, each parameter an integer in range, and
 * no other keys. Returns every problem found (extra keys counted past {@link MAX_EXTRA_LISTED});
 * an empty array means the row is valid. Never throws, even for a proxy or a throwing getter.
 * Each field is read once ({@link readRow}).
 *
 * ## Example
 * ```ts
 * checkRow({ register: 'ALL_4_CANON', power: 80, shutterMs: 110 });
 * // ['ALL_4_CANON shutterMs: 110 is out of range 0..109']
 * ```
 * @param input Any value.
 * @category Sequences
 */
export function checkRow(input: unknown): ReadonlyArray<string> {
  return readRow(input).issues;
}
