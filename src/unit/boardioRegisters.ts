/**
 * One parameter as the simulated boardio reads it: its name (the name a played row reports it
 * with), and the inclusive integer range boardio accepts.
 *
 * ## Example
 * ```ts
 * const shutter: BoardioParameter = { name: 'shutterMs', min: 0, max: 109 };
 * ```
 * @internal
 */
export interface BoardioParameter {
  /** The name a played row reports the value with (`sequence-row` activity). */
  readonly name: string;
  /** The smallest value accepted (inclusive). */
  readonly min: number;
  /** The largest value accepted (inclusive). */
  readonly max: number;
}

const power: BoardioParameter = { name: 'power', min: 0, max: 100 };
const driveMode: BoardioParameter = { name: 'driveMode', min: 0, max: 1 };
const state: BoardioParameter = { name: 'state', min: 0, max: 1 };

/**
 * The registers the simulated boardio accepts in a sequence file, and their parameters in CSV
 * order: the unit side's **own** reading of the vendor's "Registers known" table
 * (docs/protocol.md restates it), written apart from the library's `REGISTER_SPECS`
 * (src/sequence/specs.ts) on purpose. The simulated units judge every file they load with this
 * table, so a library that writes what the vendor page does not allow fails against them, and
 * spec/sequence/registerFacts.spec.ts compares the two tables register by register, arity by
 * arity and value by value.
 *
 * What the page leaves open, the simulated boardio decides as follows (each an assumption of
 * its own, the same as the library's, listed in `ASSUMPTIONS`):
 * - `OLAT_4_CANON`: the page is cut off after power and drive mode; boardio takes exactly those
 *   two (it cannot accept parameters nobody knows);
 * - `LED_FAN`: the page documents `1` = on and presumes `0` = off; boardio takes both;
 * - `DIGITAL_POLARIZER`: the page documents `0` / `1`; boardio takes both.
 *
 * ## Example
 * ```ts
 * BOARDIO_REGISTERS.ALL_4_CANON.map((p) => `${p.name} ${p.min}..${p.max}`); // ['power 0..100', 'shutterMs 0..109']
 * ```
 * @internal
 */
export const BOARDIO_REGISTERS: Readonly<Record<string, ReadonlyArray<BoardioParameter>>> = {
  MODEL_LIGHT: [power],
  ALL_4_NIKON: [power],
  ALL_4_CANON: [power, { name: 'shutterMs', min: 0, max: 109 }],
  OLAT_4_NIKON: [power, driveMode],
  OLAT_4_CANON: [power, driveMode],
  LED_FAN: [state],
  DIGITAL_POLARIZER: [state],
};

/**
 * The parameters of `register` as the simulated boardio reads them, or `undefined` when boardio
 * does not know the register (register names are case-sensitive).
 *
 * ## Example
 * ```ts
 * boardioParameters('LED_FAN'); // [{ name: 'state', min: 0, max: 1 }]
 * boardioParameters('led_fan'); // undefined
 * ```
 * @internal
 * @param register The text of a row's first column.
 */
export function boardioParameters(register: string): ReadonlyArray<BoardioParameter> | undefined {
  return Object.prototype.hasOwnProperty.call(BOARDIO_REGISTERS, register)
    ? BOARDIO_REGISTERS[register]
    : undefined;
}
