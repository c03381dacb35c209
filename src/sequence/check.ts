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
 * Checks any value as a row object: a known `register`, each parameter an integer in range, and
 * no other keys. Returns every problem found (extra keys counted past {@link MAX_EXTRA_LISTED});
 * an empty array means the row is valid. Never throws, even for a proxy or a throwing getter.
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
  try {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return [`expected a row object { register, ... }, got ${describeValue(input)}`];
    const record = input as Record<string, unknown>;
    const register = record['register'];
    if (!isRegisterName(register)) return [unknownRegister(register)];
    const params = parametersOf(register);
    const issues: string[] = [];
    for (const parameter of params) {
      const issue = checkParameter(register, parameter, record[parameter.name]);
      if (issue !== undefined) issues.push(issue);
    }
    const extras = Object.keys(record).filter(
      (key) => key !== 'register' && !params.some((p) => p.name === key),
    );
    for (const issue of extraParameters(register, extras, 'key')) issues.push(issue);
    return issues;
  } catch (e) {
    // a proxy or a getter that throws: the row cannot be read, which is a problem of the row
    return [`the row cannot be read: ${describeValue(e instanceof Error ? e.message : e)}`];
  }
}
