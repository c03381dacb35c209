import * as t from 'io-ts';
import { checkRow } from './check';
import { parametersOf, REGISTER_NAMES, type ParameterName, type RegisterName } from './specs';

/**
 * The parameters of a row of register `R`: one integer per parameter of {@link REGISTER_SPECS}.
 *
 * ## Example
 * ```ts
 * const params: RowParameters<'ALL_4_CANON'> = { power: 80, shutterMs: 105 };
 * ```
 */
export type RowParameters<R extends RegisterName> = { readonly [K in ParameterName<R>]: number };

/**
 * A row of register `R`: `register` plus its parameters.
 *
 * ## Example
 * ```ts
 * const row: RowOf<'ALL_4_CANON'> = { register: 'ALL_4_CANON', power: 80, shutterMs: 105 };
 * ```
 */
export type RowOf<R extends RegisterName> = {
  /** The register, the row's first CSV column. */
  readonly register: R;
} & RowParameters<R>;

function isObject(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** Copies the register and its parameters, in CSV order, into a fresh object. */
function copyRow(u: Record<string, unknown>): unknown {
  const register = u['register'] as RegisterName;
  const row: Record<string, unknown> = { register };
  for (const p of parametersOf(register)) row[p.name] = u[p.name];
  return row;
}

function validateWith<A>(u: unknown, c: t.Context, accept: (u: Record<string, unknown>) => boolean) {
  if (!isObject(u) || !accept(u)) return undefined;
  const issues = checkRow(u);
  return issues.length === 0
    ? t.success(copyRow(u) as A)
    : t.failures<A>(issues.map((message) => ({ value: u, context: c, message })));
}

function rowCodec<R extends RegisterName>(register: R): t.Type<RowOf<R>, RowOf<R>, unknown> {
  return new t.Type<RowOf<R>, RowOf<R>, unknown>(
    `${register} row`,
    (u): u is RowOf<R> => isObject(u) && u['register'] === register && checkRow(u).length === 0,
    (u, c) =>
      validateWith<RowOf<R>>(u, c, (o) => o['register'] === register) ??
      t.failure(u, c, `expected a ${register} row`),
    t.identity,
  );
}

/**
 * Codec of a `MODEL_LIGHT` row: the constant model light, `power` 0 (off)..100.
 *
 * ## Example
 * ```ts
 * ModelLightRow.is({ register: 'MODEL_LIGHT', power: 50 }); // true
 * ```
 */
export const ModelLightRow = rowCodec('MODEL_LIGHT');

/**
 * A `MODEL_LIGHT` row: see the {@link ModelLightRow} codec.
 *
 * ## Example
 * ```ts
 * const row: ModelLightRow = { register: 'MODEL_LIGHT', power: 50 };
 * ```
 */
export type ModelLightRow = t.TypeOf<typeof ModelLightRow>;

/**
 * Codec of an `ALL_4_NIKON` row: one picture with all four LEDs (Nikon, Sony), `power` 0..100.
 *
 * ## Example
 * ```ts
 * All4NikonRow.is({ register: 'ALL_4_NIKON', power: 80 }); // true
 * ```
 */
export const All4NikonRow = rowCodec('ALL_4_NIKON');

/**
 * An `ALL_4_NIKON` row: see the {@link All4NikonRow} codec.
 *
 * ## Example
 * ```ts
 * const row: All4NikonRow = { register: 'ALL_4_NIKON', power: 80 };
 * ```
 */
export type All4NikonRow = t.TypeOf<typeof All4NikonRow>;

/**
 * Codec of an `ALL_4_CANON` row: one picture with all four LEDs (Canon and other makes),
 * `power` 0..100 and `shutterMs` (LED on-time) 0..109.
 *
 * ## Example
 * ```ts
 * All4CanonRow.is({ register: 'ALL_4_CANON', power: 80, shutterMs: 105 }); // true
 * ```
 */
export const All4CanonRow = rowCodec('ALL_4_CANON');

/**
 * An `ALL_4_CANON` row: see the {@link All4CanonRow} codec.
 *
 * ## Example
 * ```ts
 * const row: All4CanonRow = { register: 'ALL_4_CANON', power: 80, shutterMs: 105 };
 * ```
 */
export type All4CanonRow = t.TypeOf<typeof All4CanonRow>;

/**
 * Codec of an `OLAT_4_NIKON` row: four pictures, one LED at a time (Nikon, Sony), `power`
 * 0..100 and `driveMode` 0 (single frame) / 1 (continuous).
 *
 * ## Example
 * ```ts
 * Olat4NikonRow.is({ register: 'OLAT_4_NIKON', power: 80, driveMode: 1 }); // true
 * ```
 */
export const Olat4NikonRow = rowCodec('OLAT_4_NIKON');

/**
 * An `OLAT_4_NIKON` row: see the {@link Olat4NikonRow} codec.
 *
 * ## Example
 * ```ts
 * const row: Olat4NikonRow = { register: 'OLAT_4_NIKON', power: 80, driveMode: 0 };
 * ```
 */
export type Olat4NikonRow = t.TypeOf<typeof Olat4NikonRow>;

/**
 * Codec of an `OLAT_4_CANON` row: four pictures, one LED at a time (Canon and other makes),
 * `power` 0..100 and `driveMode` 0 / 1 (the only parameters pycom-rx assumes; see
 * {@link REGISTER_SPECS}).
 *
 * ## Example
 * ```ts
 * Olat4CanonRow.is({ register: 'OLAT_4_CANON', power: 80, driveMode: 0 }); // true
 * ```
 */
export const Olat4CanonRow = rowCodec('OLAT_4_CANON');

/**
 * An `OLAT_4_CANON` row: see the {@link Olat4CanonRow} codec.
 *
 * ## Example
 * ```ts
 * const row: Olat4CanonRow = { register: 'OLAT_4_CANON', power: 80, driveMode: 0 };
 * ```
 */
export type Olat4CanonRow = t.TypeOf<typeof Olat4CanonRow>;

/**
 * Codec of a `LED_FAN` row: the LED cooling fans, `state` 1 = on, 0 = off (presumed).
 *
 * ## Example
 * ```ts
 * LedFanRow.is({ register: 'LED_FAN', state: 1 }); // true
 * ```
 */
export const LedFanRow = rowCodec('LED_FAN');

/**
 * A `LED_FAN` row: see the {@link LedFanRow} codec.
 *
 * ## Example
 * ```ts
 * const row: LedFanRow = { register: 'LED_FAN', state: 1 };
 * ```
 */
export type LedFanRow = t.TypeOf<typeof LedFanRow>;

/**
 * Codec of a `DIGITAL_POLARIZER` row: the electronic polarizer, `state` 0 = off, 1 = on
 * (presumed meaning).
 *
 * ## Example
 * ```ts
 * DigitalPolarizerRow.is({ register: 'DIGITAL_POLARIZER', state: 0 }); // true
 * ```
 */
export const DigitalPolarizerRow = rowCodec('DIGITAL_POLARIZER');

/**
 * A `DIGITAL_POLARIZER` row: see the {@link DigitalPolarizerRow} codec.
 *
 * ## Example
 * ```ts
 * const row: DigitalPolarizerRow = { register: 'DIGITAL_POLARIZER', state: 1 };
 * ```
 */
export type DigitalPolarizerRow = t.TypeOf<typeof DigitalPolarizerRow>;

/**
 * The codec of each register's row, by register name.
 *
 * ## Example
 * ```ts
 * ROW_CODECS.LED_FAN.is({ register: 'LED_FAN', state: 1 }); // true
 * ```
 */
export const ROW_CODECS: { readonly [R in RegisterName]: t.Type<RowOf<R>, RowOf<R>, unknown> } = {
  MODEL_LIGHT: ModelLightRow,
  ALL_4_NIKON: All4NikonRow,
  ALL_4_CANON: All4CanonRow,
  OLAT_4_NIKON: Olat4NikonRow,
  OLAT_4_CANON: Olat4CanonRow,
  LED_FAN: LedFanRow,
  DIGITAL_POLARIZER: DigitalPolarizerRow,
};

/**
 * One row of any register: the union of every register's row, discriminated by `register`.
 *
 * ## Example
 * ```ts
 * function describe(row: Row): string {
 *   return row.register === 'ALL_4_CANON' ? `${row.power}% for ${row.shutterMs} ms` : row.register;
 * }
 * ```
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
 */
export const Row = new t.Type<Row, Row, unknown>(
  `Row (${REGISTER_NAMES.join(' | ')})`,
  (u): u is Row => checkRow(u).length === 0,
  (u, c) => {
    const issues = checkRow(u);
    if (issues.length > 0) return t.failures(issues.map((message) => ({ value: u, context: c, message })));
    return t.success(copyRow(u as Record<string, unknown>) as Row);
  },
  t.identity,
);

/**
 * Codec of a sequence: an array of {@link Row}s, in the order the unit runs them.
 *
 * ## Example
 * ```ts
 * Sequence.is([{ register: 'LED_FAN', state: 1 }, { register: 'ALL_4_NIKON', power: 80 }]); // true
 * ```
 */
export const Sequence = t.readonlyArray(Row, 'Sequence');

/**
 * A sequence: the lighting program a unit runs, one {@link Row} per CSV line.
 *
 * ## Example
 * ```ts
 * const sequence: Sequence = [ledFan(1), all4Canon({ power: 80, shutterMs: 105 })];
 * ```
 */
export type Sequence = ReadonlyArray<Row>;
