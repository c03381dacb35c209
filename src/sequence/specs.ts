import type { AssumptionSource } from '../protocol/assumptions';

/**
 * One parameter of a register: its name in a row object, the integer range the unit accepts,
 * and where that comes from.
 *
 * ## Example
 * ```ts
 * const power: ParameterSpec = {
 *   name: 'power',
 *   min: 0,
 *   max: 100,
 *   meaning: 'flash power %',
 *   source: 'vendor',
 *   where: 'Sequences: "Registers known" table, row ALL_4_NIKON',
 * };
 * ```
 * @category Sequences
 */
export interface ParameterSpec {
  /** The parameter's name in a row object, e.g. `'power'`. */
  readonly name: string;
  /** The smallest value allowed (inclusive). */
  readonly min: number;
  /** The largest value allowed (inclusive). */
  readonly max: number;
  /** What the value means. */
  readonly meaning: string;
  /**
   * Whether the vendor documents the range and meaning (`'vendor'`), pycom-rx assumes part of
   * them (`'assumed'`), or our copy of the vendor page is cut off there (`'truncated page'`).
   */
  readonly source: AssumptionSource;
  /** The vendor page's section and line that document it, or `'assumed'`. */
  readonly where: string;
  /** What is documented and what is not, when that needs saying. */
  readonly note?: string;
}

/**
 * What pycom-rx knows about one register: what it does, whether it fires flashes, its
 * parameters **in CSV order** (the first entry is the column after the register name), and
 * where each fact comes from.
 *
 * ## Example
 * ```ts
 * const spec: RegisterSpec = REGISTER_SPECS.ALL_4_CANON;
 * spec.params.map((p) => p.name); // ['power', 'shutterMs']
 * REGISTER_SPECS.OLAT_4_CANON.source; // 'truncated page'
 * ```
 * @category Sequences
 */
export interface RegisterSpec {
  /** What the register does, in one line. */
  readonly summary: string;
  /** `true` when a row of this register fires the flash LEDs (used by the standalone checks). */
  readonly flash: boolean;
  /** The parameters, in the order they are written after the register name in the CSV. */
  readonly params: ReadonlyArray<ParameterSpec>;
  /**
   * Whether the vendor documents the register and its whole parameter list (`'vendor'`), or
   * our copy of the vendor page is cut off inside its entry (`'truncated page'`).
   */
  readonly source: AssumptionSource;
  /** The vendor page's section and line that document it, or `'assumed'`. */
  readonly where: string;
  /** What is documented and what is not, when that needs saying. */
  readonly note?: string;
}

// ============================================================================================
//  THE REGISTER TABLE. Everything in src/sequence derives from it: the io-ts codecs, the
//  builders, the CSV renderer and parser, the presets and the standalone checks.
//  The order of `params` IS the CSV column order.
//
//  Every register and parameter says where it comes from (`source`, `where`): the vendor's
//  "Registers known" table (docs/protocol.md restates it), an assumption of pycom-rx, or the
//  place where our copy of the vendor page is cut off (OLAT_4_CANON). docs/sequences.md prints
//  this table, and the simulated units check sequences with a table of their own
//  (src/unit/unitRegisters.ts), so a wrong entry here fails spec/sequence/registerFacts.spec.ts.
//  A correction is a one-line change here.
// ============================================================================================

/** Where the vendor's register table documents register `r`. */
const row = (r: string): string => `Sequences: "Registers known" table, row ${r}`;

/** A parameter the vendor documents on the row of register `r`. */
const vendor = (r: string) => ({ source: 'vendor', where: row(r) }) as const;

/**
 * The register table itself, with literal types (parameter names such as `'shutterMs'` become
 * part of the row types). Read it through {@link REGISTER_SPECS}.
 *
 * ## Example
 * ```ts
 * REGISTER_TABLE.ALL_4_CANON.params[1].name; // 'shutterMs' (as a literal type)
 * ```
 * @internal
 * @category Sequences
 */
export const REGISTER_TABLE = {
  MODEL_LIGHT: {
    summary: 'constant (non-flash) model light',
    flash: false,
    ...vendor('MODEL_LIGHT'),
    params: [
      { name: 'power', min: 0, max: 100, meaning: 'light power %, 0 = off', ...vendor('MODEL_LIGHT') },
    ],
  },
  ALL_4_NIKON: {
    summary: 'one picture, all four LEDs; Nikon and Sony cameras',
    flash: true,
    ...vendor('ALL_4_NIKON'),
    params: [{ name: 'power', min: 0, max: 100, meaning: 'flash power %', ...vendor('ALL_4_NIKON') }],
  },
  ALL_4_CANON: {
    summary: 'one picture, all four LEDs; Canon and other makes (Fujifilm, Panasonic)',
    flash: true,
    ...vendor('ALL_4_CANON'),
    params: [
      { name: 'power', min: 0, max: 100, meaning: 'flash power %, 0 = off', ...vendor('ALL_4_CANON') },
      {
        name: 'shutterMs',
        min: 0,
        max: 109,
        meaning: 'LED on-time in ms, 0 = off',
        ...vendor('ALL_4_CANON'),
      },
    ],
  },
  OLAT_4_NIKON: {
    summary: 'four pictures, one LED at a time; Nikon and Sony cameras',
    flash: true,
    ...vendor('OLAT_4_NIKON'),
    params: [
      { name: 'power', min: 0, max: 100, meaning: 'flash power %', ...vendor('OLAT_4_NIKON') },
      {
        name: 'driveMode',
        min: 0,
        max: 1,
        meaning: '0 = single frame, 1 = continuous',
        ...vendor('OLAT_4_NIKON'),
      },
    ],
  },
  OLAT_4_CANON: {
    summary: 'four pictures, one LED at a time; Canon and other makes',
    flash: true,
    source: 'truncated page',
    where: `${row('OLAT_4_CANON')} (our copy of the page is cut off inside this entry)`,
    note: 'power and drive mode are listed, then our copy of the vendor page is cut off: further parameters, if any, are unknown; pycom-rx writes these two',
    params: [
      { name: 'power', min: 0, max: 100, meaning: 'flash power %, 0 = off', ...vendor('OLAT_4_CANON') },
      {
        name: 'driveMode',
        min: 0,
        max: 1,
        meaning: '0 = single frame, 1 = continuous',
        ...vendor('OLAT_4_CANON'),
        note: 'the page gives drive mode 0 / 1; single frame / continuous as for OLAT_4_NIKON',
      },
    ],
  },
  LED_FAN: {
    summary: 'LED cooling fans',
    flash: false,
    ...vendor('LED_FAN'),
    params: [
      {
        name: 'state',
        min: 0,
        max: 1,
        meaning: '1 = on, 0 = off',
        source: 'assumed',
        where: 'assumed',
        note: 'only 1 = on is documented; 0 = off is assumed',
      },
    ],
  },
  DIGITAL_POLARIZER: {
    summary: 'electronic polarizer state',
    flash: false,
    ...vendor('DIGITAL_POLARIZER'),
    params: [
      {
        name: 'state',
        min: 0,
        max: 1,
        meaning: '0 = polarizer off, 1 = on',
        source: 'assumed',
        where: 'assumed',
        note: 'the values 0 / 1 are documented, their meaning (0 = off, 1 = on) is assumed',
      },
    ],
  },
} as const satisfies Readonly<Record<string, RegisterSpec>>;

/**
 * The name of a known register, as written in the first CSV column.
 *
 * ## Example
 * ```ts
 * const register: RegisterName = 'ALL_4_CANON';
 * ```
 * @useDeclaredType
 * @category Sequences
 */
export type RegisterName = keyof typeof REGISTER_TABLE;

/**
 * The table of every known register: what it does, whether it fires flashes, and its integer
 * parameters in CSV order with their inclusive ranges. Every register and parameter has a
 * `source` (`'vendor'`, `'assumed'` or `'truncated page'`), a `where` and, when it needs saying,
 * a `note`. The rows, codecs, builders, CSV and presets all derive from it.
 *
 * ## Example
 * ```ts
 * REGISTER_SPECS.ALL_4_CANON.params[1]; // { name: 'shutterMs', min: 0, max: 109, ... }
 * REGISTER_SPECS.LED_FAN.params[0]?.source; // 'assumed' (only 1 = on is documented)
 * ```
 * @category Sequences
 */
export const REGISTER_SPECS: { readonly [R in RegisterName]: RegisterSpec } = REGISTER_TABLE;

/**
 * Every known register name, in the order of {@link REGISTER_SPECS}.
 *
 * ## Example
 * ```ts
 * REGISTER_NAMES.includes('LED_FAN'); // true
 * ```
 * @category Sequences
 */
export const REGISTER_NAMES = Object.keys(REGISTER_TABLE) as ReadonlyArray<RegisterName>;

/**
 * The parameter names of register `R`, e.g. `'power' | 'shutterMs'` for `ALL_4_CANON`.
 *
 * ## Example
 * ```ts
 * const name: ParameterName<'OLAT_4_NIKON'> = 'driveMode';
 * ```
 * @category Sequences
 */
export type ParameterName<R extends RegisterName> = (typeof REGISTER_TABLE)[R]['params'][number]['name'];

/**
 * Tells whether `name` is a known register name.
 *
 * ## Example
 * ```ts
 * isRegisterName('LED_FAN'); // true
 * isRegisterName('led_fan'); // false: register names are upper case
 * ```
 * @param name Any value.
 * @category Sequences
 */
export function isRegisterName(name: unknown): name is RegisterName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REGISTER_SPECS, name);
}

/**
 * The parameter specs of a register, in CSV order.
 *
 * ## Example
 * ```ts
 * parametersOf('ALL_4_CANON').map((p) => p.name); // ['power', 'shutterMs']
 * ```
 * @param register A known register name.
 * @category Sequences
 */
export function parametersOf(register: RegisterName): ReadonlyArray<ParameterSpec> {
  return REGISTER_SPECS[register].params;
}
