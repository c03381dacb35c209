import { either as E } from 'fp-ts';
import { readRow } from './check';
import { SequenceError } from './error';
import type { Row, RowOf, RowParameters, Sequence } from './registers';
import { parametersOf, type REGISTER_TABLE, type RegisterName } from './specs';

/** Turns `-0` into `0` and booleans into `1` / `0`; anything else is left for the checks. */
function normalize(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value === 0 ? 0 : value;
}

/**
 * Checks any value as a row without throwing: `Right` with a fresh, valid row (parameters in CSV
 * order), or `Left` with every problem as a readable line. Each field of `input` is read once,
 * and the row returned holds the very values that were checked: a getter that answers
 * differently on a second read cannot change it.
 *
 * ## Example
 * ```ts
 * const r = validateRow({ register: 'ALL_4_CANON', power: 80, shutterMs: 110 });
 * if (E.isLeft(r)) console.log(r.left); // ['ALL_4_CANON shutterMs: 110 is out of range 0..109']
 * ```
 * @param input Any value, e.g. a row read from a JSON file.
 * @category Sequences
 */
export function validateRow(input: unknown): E.Either<ReadonlyArray<string>, Row> {
  const { issues, row } = readRow(input);
  if (row === undefined) return E.left(issues);
  const fresh = row as Record<string, unknown>;
  for (const p of parametersOf(fresh['register'] as RegisterName)) fresh[p.name] = normalize(fresh[p.name]);
  return E.right(fresh as Row);
}

/**
 * Checks any value as a sequence without throwing: `Right` with fresh, valid rows, or `Left`
 * with every problem, each prefixed with its 1-based row number (which is also its CSV line).
 * Each row, and each field of a row, is read once (see {@link validateRow}): use the rows
 * returned, not `input`, to be sure to use what was checked. A hole of a sparse array is a
 * missing row.
 *
 * ## Example
 * ```ts
 * const r = validateSequence([ledFan(1), { register: 'LED_FAN', state: 2 }]);
 * if (E.isLeft(r)) console.log(r.left); // ['row 2: LED_FAN state: 2 is out of range 0..1']
 * ```
 * @param input Any value, e.g. a sequence read from a JSON file.
 * @category Sequences
 */
export function validateSequence(input: unknown): E.Either<ReadonlyArray<string>, Sequence> {
  try {
    if (!Array.isArray(input)) return E.left([`expected an array of rows, got ${typeof input}`]);
    const issues: string[] = [];
    const rows: Row[] = [];
    const length = input.length;
    for (let index = 0; index < length; index += 1) {
      const result = validateRow(input[index] as unknown);
      if (E.isRight(result)) rows.push(result.right);
      else for (const issue of result.left) issues.push(`row ${index + 1}: ${issue}`);
    }
    return issues.length > 0 ? E.left(issues) : E.right(rows);
  } catch (e) {
    // a revoked proxy or a throwing getter: the sequence cannot be read
    return E.left([`the sequence cannot be read: ${e instanceof Error ? e.message : String(e)}`]);
  }
}

/**
 * Builds a row of any register, checking every parameter.
 *
 * ## Example
 * ```ts
 * buildRow('ALL_4_CANON', { power: 80, shutterMs: 105 }); // { register: 'ALL_4_CANON', power: 80, shutterMs: 105 }
 * ```
 * @param register The register.
 * @param parameters One integer per parameter of the register, each within its range.
 * @throws {@link SequenceError} naming register, parameter, value and allowed range when a value
 *   is missing, not an integer or out of range, or when an unknown parameter is given.
 * @category Sequences
 */
export function buildRow<R extends RegisterName>(register: R, parameters: RowParameters<R>): RowOf<R> {
  const result = validateRow({ ...(parameters as object), register });
  if (E.isLeft(result)) throw new SequenceError(result.left);
  return result.right as unknown as RowOf<R>;
}

/**
 * The builder of register `R`'s rows: a register with one parameter takes its value (an on/off
 * parameter also takes `true` / `false`); a register with several takes its parameters object.
 *
 * ## Example
 * ```ts
 * const fan: RowBuilder<'LED_FAN'> = ledFan; // (value: number | boolean) => RowOf<'LED_FAN'>
 * const canon: RowBuilder<'ALL_4_CANON'> = all4Canon; // (parameters: { power, shutterMs }) => RowOf<'ALL_4_CANON'>
 * ```
 * @category Sequences
 */
export type RowBuilder<R extends RegisterName> = (typeof REGISTER_TABLE)[R]['params'] extends readonly [
  infer P,
]
  ? (value: P extends { readonly max: 1 } ? number | boolean : number) => RowOf<R>
  : (parameters: RowParameters<R>) => RowOf<R>;

/** The one generic builder: the rows of `register`, checked by {@link buildRow}. */
function rowBuilder<R extends RegisterName>(register: R): RowBuilder<R> {
  const params = parametersOf(register);
  const only = params.length === 1 ? params[0] : undefined;
  if (only === undefined)
    return ((parameters: RowParameters<R>) => buildRow(register, parameters)) as RowBuilder<R>;
  const onOff = only.min === 0 && only.max === 1;
  return ((value: unknown) =>
    buildRow(register, {
      [only.name]: onOff ? normalize(value) : value,
    } as RowParameters<R>)) as RowBuilder<R>;
}

/**
 * A `MODEL_LIGHT` row: the constant model light at `power` %.
 *
 * ## Example
 * ```ts
 * modelLight(50); // { register: 'MODEL_LIGHT', power: 50 }
 * modelLight(0); // model light off
 * ```
 * @function
 * @param value `power`, 0 (off)..100.
 * @throws {@link SequenceError} when `power` is not an integer in range.
 * @category Sequences
 */
export const modelLight: RowBuilder<'MODEL_LIGHT'> = rowBuilder('MODEL_LIGHT');

/**
 * An `ALL_4_NIKON` row: one picture with all four LEDs, for Nikon and Sony cameras.
 *
 * ## Example
 * ```ts
 * all4Nikon(80); // { register: 'ALL_4_NIKON', power: 80 }
 * ```
 * @function
 * @param value Flash `power` %, 0..100.
 * @throws {@link SequenceError} when `power` is not an integer in range.
 * @category Sequences
 */
export const all4Nikon: RowBuilder<'ALL_4_NIKON'> = rowBuilder('ALL_4_NIKON');

/**
 * An `ALL_4_CANON` row: one picture with all four LEDs, for Canon and other makes.
 *
 * ## Example
 * ```ts
 * all4Canon({ power: 80, shutterMs: 105 }); // { register: 'ALL_4_CANON', power: 80, shutterMs: 105 }
 * all4Canon({ power: 80, shutterMs: 110 }); // throws: ALL_4_CANON shutterMs: 110 is out of range 0..109
 * ```
 * @function
 * @param parameters `power` 0..100 and `shutterMs` (LED on-time) 0..109.
 * @throws {@link SequenceError} when a parameter is missing, not an integer or out of range.
 * @category Sequences
 */
export const all4Canon: RowBuilder<'ALL_4_CANON'> = rowBuilder('ALL_4_CANON');

/**
 * An `OLAT_4_NIKON` row: four pictures, one LED at a time, for Nikon and Sony cameras.
 *
 * ## Example
 * ```ts
 * olat4Nikon({ power: 80, driveMode: 1 }); // continuous (burst) drive mode
 * ```
 * @function
 * @param parameters `power` 0..100 and `driveMode` 0 (single frame) / 1 (continuous).
 * @throws {@link SequenceError} when a parameter is missing, not an integer or out of range.
 * @category Sequences
 */
export const olat4Nikon: RowBuilder<'OLAT_4_NIKON'> = rowBuilder('OLAT_4_NIKON');

/**
 * An `OLAT_4_CANON` row: four pictures, one LED at a time, for Canon and other makes.
 *
 * ## Example
 * ```ts
 * olat4Canon({ power: 80, driveMode: 0 }); // single-frame drive mode
 * ```
 * @function
 * @param parameters `power` 0..100 and `driveMode` 0 (single frame) / 1 (continuous).
 * @throws {@link SequenceError} when a parameter is missing, not an integer or out of range.
 * @category Sequences
 */
export const olat4Canon: RowBuilder<'OLAT_4_CANON'> = rowBuilder('OLAT_4_CANON');

/**
 * A `LED_FAN` row: the LED cooling fans on (`1` / `true`) or off (`0` / `false`).
 *
 * ## Example
 * ```ts
 * ledFan(true); // { register: 'LED_FAN', state: 1 }
 * ledFan(0); // { register: 'LED_FAN', state: 0 }
 * ```
 * @function
 * @param value `state`: `1` / `true` = on, `0` / `false` = off.
 * @throws {@link SequenceError} for any other value.
 * @category Sequences
 */
export const ledFan: RowBuilder<'LED_FAN'> = rowBuilder('LED_FAN');

/**
 * A `DIGITAL_POLARIZER` row: the electronic polarizer on (`1` / `true`) or off (`0` / `false`).
 *
 * ## Example
 * ```ts
 * digitalPolarizer(1); // { register: 'DIGITAL_POLARIZER', state: 1 }
 * ```
 * @function
 * @param value `state`: `1` / `true` = on, `0` / `false` = off.
 * @throws {@link SequenceError} for any other value.
 * @category Sequences
 */
export const digitalPolarizer: RowBuilder<'DIGITAL_POLARIZER'> = rowBuilder('DIGITAL_POLARIZER');
