import * as t from 'io-ts';
import { checkRow, readRow } from './check';
import { REGISTER_NAMES, type ParameterName, type RegisterName } from './specs';

/**
 * The parameters of a row of register `R`: one integer per parameter of {@link REGISTER_SPECS}.
 *
 * ## Example
 * ```ts
 * const params: RowParameters<'ALL_4_CANON'> = { power: 80, shutterMs: 105 };
 * ```
 * @category Sequences
 */
export type RowParameters<R extends RegisterName> = { readonly [K in ParameterName<R>]: number };

/**
 * A row of register `R`: `register` plus its parameters.
 *
 * ## Example
 * ```ts
 * const row: RowOf<'ALL_4_CANON'> = { register: 'ALL_4_CANON', power: 80, shutterMs: 105 };
 * ```
 * @category Sequences
 */
export type RowOf<R extends RegisterName> = {
  /** The register, the row's first CSV column. */
  readonly register: R;
} & RowParameters<R>;

function isObject(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/**
 * Decodes with {@link readRow}: each field read once, and the fresh row holds the values that
 * were checked (register and parameters, in CSV order). With `register`, a row of any other
 * register (or no row object) fails with `expected a <register> row`.
 */
function decodeRow<A>(u: unknown, c: t.Context, register?: RegisterName): t.Validation<A> {
  const reading = readRow(u);
  if (register !== undefined && reading.register !== register)
    return t.failure(u, c, `expected a ${register} row`);
  return reading.row !== undefined
    ? t.success(reading.row as A)
    : t.failures<A>(reading.issues.map((message) => ({ value: u, context: c, message })));
}

/**
 * The io-ts codec of the rows of register `R`: `decode` checks the register, each parameter's
 * range and that no other key is present, one error per problem.
 *
 * ## Example
 * ```ts
 * const codec: RowCodec<'LED_FAN'> = ROW_CODECS.LED_FAN;
 * ```
 * @category Sequences
 */
export type RowCodec<R extends RegisterName> = t.Type<RowOf<R>, RowOf<R>, unknown>;

/** A record with one entry per register of the table, each made by `make`. */
function byRegister<T extends { readonly [R in RegisterName]: unknown }>(
  make: (r: RegisterName) => unknown,
): T {
  return Object.fromEntries(REGISTER_NAMES.map((r) => [r, make(r)])) as T;
}

/** The one generic codec: the rows of `register`, checked against the register table. */
function rowCodec<R extends RegisterName>(register: R): RowCodec<R> {
  return new t.Type<RowOf<R>, RowOf<R>, unknown>(
    `${register} row`,
    (u): u is RowOf<R> => isObject(u) && u['register'] === register && checkRow(u).length === 0,
    (u, c) => decodeRow<RowOf<R>>(u, c, register),
    t.identity,
  );
}

/**
 * The codec of each register's rows, by register name, generated from {@link REGISTER_SPECS}.
 *
 * ## Example
 * ```ts
 * ROW_CODECS.LED_FAN.is({ register: 'LED_FAN', state: 1 }); // true
 * ROW_CODECS.ALL_4_CANON.decode({ register: 'ALL_4_CANON', power: 80, shutterMs: 110 }); // Left: shutterMs out of range
 * ```
 * @category Sequences
 */
export const ROW_CODECS = byRegister<{ readonly [R in RegisterName]: RowCodec<R> }>(rowCodec);

/**
 * One row of any register: the union of every register's row, discriminated by `register`.
 *
 * ## Example
 * ```ts
 * function describe(row: Row): string {
 *   return row.register === 'ALL_4_CANON' ? `${row.power}% for ${row.shutterMs} ms` : row.register;
 * }
 * ```
 * @category Sequences
 */
export type Row = { [R in RegisterName]: RowOf<R> }[RegisterName];

/**
 * Codec of a row of any register. It picks the register's codec from `register`, so a failed
 * decode says exactly which parameter is wrong (one error per problem, each with a `message`
 * such as `ALL_4_CANON shutterMs: 110 is out of range 0..109`). Unknown keys are rejected.
 *
 * ## Example
 * ```ts
 * const r = Row.decode({ register: 'ALL_4_CANON', power: 80, shutterMs: 110 });
 * if (E.isLeft(r)) console.log(r.left.map((e) => e.message)); // ['ALL_4_CANON shutterMs: 110 is out of range 0..109']
 * ```
 * @category Sequences
 */
export const Row = new t.Type<Row, Row, unknown>(
  `Row (${REGISTER_NAMES.join(' | ')})`,
  (u): u is Row => checkRow(u).length === 0,
  (u, c) => decodeRow<Row>(u, c),
  t.identity,
);

/**
 * Codec of a sequence: an array of {@link Row}s, in the order the unit runs them.
 *
 * ## Example
 * ```ts
 * Sequence.is([{ register: 'LED_FAN', state: 1 }, { register: 'ALL_4_NIKON', power: 80 }]); // true
 * ```
 * @category Sequences
 */
export const Sequence = t.readonlyArray(Row, 'Sequence');

/**
 * A sequence: the lighting program a unit runs, one {@link Row} per CSV line.
 *
 * ## Example
 * ```ts
 * const sequence: Sequence = [ledFan(1), all4Canon({ power: 80, shutterMs: 105 })];
 * ```
 * @category Sequences
 */
export type Sequence = ReadonlyArray<Row>;
