import { ledFan } from './builders';
import type { Row, Sequence } from './registers';
import { REGISTER_SPECS } from './specs';

/**
 * A problem with a sequence meant for standalone mode (run by boardio at every boot):
 * - `empty`: no rows; boardio reports a (non-fatal) error at every boot;
 * - `fans-off`: the sequence lights the LEDs (a flash row, or the model light above 0) but
 *   `LED_FAN,1` is not its first row, and the fans are off at boot.
 *
 * ## Example
 * ```ts
 * const warning: StandaloneWarning = { kind: 'empty', message: 'the standalone sequence is empty ...' };
 * ```
 * @category Sequences
 */
export interface StandaloneWarning {
  /** Which rule the sequence breaks: `'empty'` or `'fans-off'`. */
  readonly kind: 'empty' | 'fans-off';
  /** What is wrong and how to fix it, in one line. */
  readonly message: string;
}

function lightsLeds(row: Row): boolean {
  return REGISTER_SPECS[row.register].flash || (row.register === 'MODEL_LIGHT' && row.power > 0);
}

/**
 * Checks a sequence for standalone mode; returns every warning (none means it is fine). The
 * sequence is still valid CSV either way: these are risks, not errors.
 *
 * ## Example
 * ```ts
 * standaloneWarnings([all4Nikon(80)]);
 * // [{ kind: 'fans-off', message: 'the standalone sequence fires flashes (row 1: ALL_4_NIKON) but ...' }]
 * standaloneWarnings([ledFan(1), all4Nikon(80)]); // []
 * ```
 * @param sequence The sequence to be uploaded with `uSeqStandalone`.
 * @category Sequences
 */
export function standaloneWarnings(sequence: Sequence): ReadonlyArray<StandaloneWarning> {
  if (sequence.length === 0)
    return [
      {
        kind: 'empty',
        message:
          'the standalone sequence is empty: boardio reports a (non-fatal) error to pycom at every boot',
      },
    ];
  const first = sequence[0];
  if (first?.register === 'LED_FAN' && first.state === 1) return [];
  const index = sequence.findIndex(lightsLeds);
  if (index < 0) return [];
  const row = sequence[index] as Row;
  const what = REGISTER_SPECS[row.register].flash ? 'fires flashes' : 'turns the model light on';
  return [
    {
      kind: 'fans-off',
      message:
        `the standalone sequence ${what} (row ${index + 1}: ${row.register}) but LED_FAN,1 is not its first ` +
        'row: the fans are off at boot; put LED_FAN,1 first, e.g. with standalone(sequence, { fans: true })',
    },
  ];
}

/**
 * Options of {@link standalone}.
 *
 * ## Example
 * ```ts
 * const options: StandaloneOptions = { fans: true };
 * ```
 * @category Sequences
 */
export interface StandaloneOptions {
  /** `true` (default) makes `LED_FAN,1` the first row; `false` leaves the sequence as it is. */
  readonly fans?: boolean;
}

/**
 * Prepares a sequence for standalone mode: with `fans` (the default) it makes `LED_FAN,1` the
 * first row, unless it already is.
 *
 * ## Example
 * ```ts
 * uploadCommand(standalone(preset({ mode: 'OLAT', camera: 'nikon' })), { standalone: true });
 * ```
 * @param sequence The rows to run at every boot.
 * @param options Whether to turn the fans on first.
 * @category Sequences
 */
export function standalone(sequence: Sequence, options: StandaloneOptions = {}): Sequence {
  const first = sequence[0];
  const fansFirst = first?.register === 'LED_FAN' && first.state === 1;
  return (options.fans ?? true) && !fansFirst ? [ledFan(1), ...sequence] : sequence;
}
