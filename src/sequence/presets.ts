import { all4Canon, all4Nikon, digitalPolarizer, ledFan, olat4Canon, olat4Nikon } from './builders';
import { SequenceError } from './error';
import { describeValue } from './check';
import type { Row, Sequence } from './registers';

/**
 * The flash modes the vendor's app offers, in its order:
 * - `ALL`: one picture with all LEDs, polarizer as it is (or as {@link PresetOptions.polarizer} says);
 * - `ALL+PALL`: all LEDs twice, polarizer off then on;
 * - `OLAT`: one light at a time, polarizer off;
 * - `OLAT+POLAT`: OLAT, then OLAT again with the polarizer on.
 *
 * ## Example
 * ```ts
 * PRESET_NAMES.map((mode) => preset({ mode, camera: 'nikon' }));
 * ```
 * @category Sequences
 */
export const PRESET_NAMES = ['ALL', 'ALL+PALL', 'OLAT', 'OLAT+POLAT'] as const;

/**
 * A flash mode of the vendor's app: one of {@link PRESET_NAMES}.
 *
 * ## Example
 * ```ts
 * const mode: PresetName = 'OLAT+POLAT';
 * ```
 * @category Sequences
 */
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * The camera family, which picks the registers: `'nikon'` (Nikon, Sony: `*_NIKON`) or `'canon'`
 * (Canon and other makes such as Fujifilm, Panasonic: `*_CANON`).
 *
 * ## Example
 * ```ts
 * const camera: PresetCamera = 'canon';
 * ```
 * @category Sequences
 */
export type PresetCamera = 'nikon' | 'canon';

/**
 * The trigger mode, which must match the camera's drive mode: `'single'` (single frame) or
 * `'continuous'` (burst).
 *
 * ## Example
 * ```ts
 * const trigger: PresetTrigger = 'continuous';
 * ```
 * @category Sequences
 */
export type PresetTrigger = 'single' | 'continuous';

/**
 * The defaults of {@link preset}: full power, a 100 ms LED on-time for Canon-type cameras
 * (under the 109 ms maximum, long enough to cover a 1/10 s exposure), single-frame trigger, and
 * the LED fans turned on first (as the vendor's app does when it connects). These are
 * pycom-rx's own defaults: the vendor documents none of them (`presets.defaults` in
 * `ASSUMPTIONS`).
 *
 * ## Example
 * ```ts
 * preset({ mode: 'ALL', camera: 'canon' }); // LED_FAN,1 then ALL_4_CANON,100,100
 * ```
 * @category Sequences
 */
export const PRESET_DEFAULTS = {
  /** Flash power %: full power. */
  power: 100,
  /** LED on-time in ms for `camera: 'canon'`. */
  shutterMs: 100,
  /** Single-frame drive mode. */
  trigger: 'single',
  /** `LED_FAN,1` first. */
  fans: true,
} as const;

/**
 * Options of {@link preset}.
 *
 * ## Example
 * ```ts
 * const options: PresetOptions = { mode: 'ALL+PALL', camera: 'canon', power: 80, fans: true };
 * ```
 * @category Sequences
 */
export interface PresetOptions {
  /** The flash mode. */
  readonly mode: PresetName;
  /** The camera family: `'nikon'` for Nikon and Sony, `'canon'` for Canon and other makes. */
  readonly camera: PresetCamera;
  /** Flash power %, 0..100. Default 100. */
  readonly power?: number;
  /** LED on-time in ms, 0..109; only with `camera: 'canon'`. Default 100. */
  readonly shutterMs?: number;
  /**
   * `'single'` or `'continuous'`; sets the drive mode (0 / 1) of the OLAT rows. ALL rows have no
   * drive-mode parameter and fire once each whatever the trigger. Default `'single'`.
   */
  readonly trigger?: PresetTrigger;
  /** `true` (default) puts `LED_FAN,1` first; `false` leaves the fans as they are. */
  readonly fans?: boolean;
  /**
   * Only for mode `ALL`: `'current'` (default) leaves the polarizer as it is; `true` / `1` or
   * `false` / `0` sets it first with a `DIGITAL_POLARIZER` row. The other modes set it themselves.
   */
  readonly polarizer?: 'current' | boolean | 0 | 1;
}

function check(options: PresetOptions): void {
  const issues: string[] = [];
  const { mode, camera, trigger, shutterMs, polarizer } = options;
  if (!(PRESET_NAMES as ReadonlyArray<unknown>).includes(mode))
    issues.push(`preset mode: ${describeValue(mode)} is not one of ${PRESET_NAMES.join(', ')}`);
  if (camera !== 'nikon' && camera !== 'canon')
    issues.push(`preset camera: ${describeValue(camera)} is not 'nikon' or 'canon'`);
  if (trigger !== undefined && trigger !== 'single' && trigger !== 'continuous')
    issues.push(`preset trigger: ${describeValue(trigger)} is not 'single' or 'continuous'`);
  if (camera === 'nikon' && shutterMs !== undefined)
    issues.push(`preset shutterMs: only for camera 'canon' (Nikon/Sony registers have no shutter parameter)`);
  if (mode !== 'ALL' && polarizer !== undefined)
    issues.push(`preset polarizer: only for mode ALL (${describeValue(mode)} sets the polarizer itself)`);
  if (issues.length > 0) throw new SequenceError(issues);
}

/**
 * Builds the sequence of one of the vendor app's flash modes. See `docs/sequences.md` for the CSV
 * of every mode and camera.
 *
 * ## Example
 * ```ts
 * renderSequence(preset({ mode: 'ALL+PALL', camera: 'canon', power: 80 }));
 * // LED_FAN,1
 * // DIGITAL_POLARIZER,0
 * // ALL_4_CANON,80,100
 * // DIGITAL_POLARIZER,1
 * // ALL_4_CANON,80,100
 * ```
 * @param options Mode, camera, and optionally power, shutter, trigger, fans, polarizer.
 * @throws {@link SequenceError} for an unknown mode, camera or trigger, an option that does not
 *   apply, or a value out of range.
 * @category Sequences
 */
export function preset(options: PresetOptions): Sequence {
  check(options);
  const power = options.power ?? PRESET_DEFAULTS.power;
  const driveMode = (options.trigger ?? PRESET_DEFAULTS.trigger) === 'continuous' ? 1 : 0;
  const nikon = options.camera === 'nikon';
  const all = (): Row =>
    nikon
      ? all4Nikon(power)
      : all4Canon({ power, shutterMs: options.shutterMs ?? PRESET_DEFAULTS.shutterMs });
  const olat = (): Row => (nikon ? olat4Nikon({ power, driveMode }) : olat4Canon({ power, driveMode }));
  const polarizer = options.polarizer ?? 'current';
  const rows: Record<PresetName, () => Row[]> = {
    ALL: () => [...(polarizer === 'current' ? [] : [digitalPolarizer(polarizer)]), all()],
    'ALL+PALL': () => [digitalPolarizer(0), all(), digitalPolarizer(1), all()],
    OLAT: () => [digitalPolarizer(0), olat()],
    'OLAT+POLAT': () => [digitalPolarizer(0), olat(), digitalPolarizer(1), olat()],
  };
  return [...((options.fans ?? PRESET_DEFAULTS.fans) ? [ledFan(1)] : []), ...rows[options.mode]()];
}
