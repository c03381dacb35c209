/**
 * One parameter of a register: its name in a row object, and the integer range the unit accepts.
 *
 * ## Example
 * ```ts
 * const power: ParameterSpec = { name: 'power', min: 0, max: 100, meaning: 'flash power %' };
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
  /** Present when the vendor does not document this parameter fully: what pycom-rx assumes. */
  readonly assumption?: string;
}

/**
 * What pycom-rx knows about one register: what it does, whether it fires flashes, and its
 * parameters **in CSV order** (the first entry is the column after the register name).
 *
 * ## Example
 * ```ts
 * const spec: RegisterSpec = REGISTER_SPECS.ALL_4_CANON;
 * spec.params.map((p) => p.name); // ['power', 'shutterMs']
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
  /** Present when the vendor does not document this register fully: what pycom-rx assumes. */
  readonly assumption?: string;
}

// ============================================================================================
//  THE REGISTER TABLE. Everything in src/sequence derives from it: the io-ts codecs, the
//  builders, the CSV renderer and parser, the presets and the standalone checks.
//  The order of `params` IS the CSV column order.
//
//  ASSUMPTIONS (the vendor documents little; each is marked `assumption:` below):
//    - OLAT_4_CANON: only power + drive mode are written (vendor: "further parameters not
//      documented").
//    - LED_FAN: 0..1 (only 1 = on is documented; 0 = off is presumed).
//    - DIGITAL_POLARIZER: 0..1, 0 = off, 1 = on (the values are documented, not their meaning).
//  A correction is a one-line change here.
// ============================================================================================

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
    params: [{ name: 'power', min: 0, max: 100, meaning: 'light power %, 0 = off' }],
  },
  ALL_4_NIKON: {
    summary: 'one picture, all four LEDs; Nikon and Sony cameras',
    flash: true,
    params: [{ name: 'power', min: 0, max: 100, meaning: 'flash power %' }],
  },
  ALL_4_CANON: {
    summary: 'one picture, all four LEDs; Canon and other makes (Fujifilm, Panasonic)',
    flash: true,
    params: [
      { name: 'power', min: 0, max: 100, meaning: 'flash power %, 0 = off' },
      { name: 'shutterMs', min: 0, max: 109, meaning: 'LED on-time in ms, 0 = off' },
    ],
  },
  OLAT_4_NIKON: {
    summary: 'four pictures, one LED at a time; Nikon and Sony cameras',
    flash: true,
    params: [
      { name: 'power', min: 0, max: 100, meaning: 'flash power %' },
      { name: 'driveMode', min: 0, max: 1, meaning: '0 = single frame, 1 = continuous' },
    ],
  },
  OLAT_4_CANON: {
    summary: 'four pictures, one LED at a time; Canon and other makes',
    flash: true,
    assumption: 'the vendor lists power and drive mode and says further parameters are not documented',
    params: [
      { name: 'power', min: 0, max: 100, meaning: 'flash power %, 0 = off' },
      { name: 'driveMode', min: 0, max: 1, meaning: '0 = single frame, 1 = continuous' },
    ],
  },
  LED_FAN: {
    summary: 'LED cooling fans',
    flash: false,
    params: [
      { name: 'state', min: 0, max: 1, meaning: '1 = on, 0 = off', assumption: 'only 1 = on is documented' },
    ],
  },
  DIGITAL_POLARIZER: {
    summary: 'electronic polarizer state',
    flash: false,
    params: [
      {
        name: 'state',
        min: 0,
        max: 1,
        meaning: '0 = polarizer off, 1 = on',
        assumption: 'the values 0 / 1 are documented, their meaning is presumed',
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
 * parameters in CSV order with their inclusive ranges. Undocumented choices carry an
 * `assumption` text. The rows, codecs, builders, CSV and presets all derive from it.
 *
 * ## Example
 * ```ts
 * REGISTER_SPECS.ALL_4_CANON.params[1]; // { name: 'shutterMs', min: 0, max: 109, ... }
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
