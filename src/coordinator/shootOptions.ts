import { resolveTarget, type Target } from '../transport/send';
import { checkOptions, OptionError, RULES, type OptionTable } from '../validation/checkOptions';
import { checkCompletionRules } from './completionRules';
import type { ShootOptions, ShotSequence } from './shootTypes';

/**
 * The defaults of {@link ShootOptions}.
 *
 * ## Example
 * ```ts
 * coordinator.shoot(['192.168.0.21', '192.168.0.22'], sequence, { loadDeadlineMs: SHOOT_DEFAULTS.loadDeadlineMs * 2 });
 * ```
 * @category Coordinator
 */
export const SHOOT_DEFAULTS = {
  /** 30 s for every unit to confirm its load. */
  loadDeadlineMs: 30_000,
} as const;

const SHOOT_RULES: OptionTable<ShootOptions> = {
  loadDeadlineMs: RULES.ms,
  stepTimeoutMs: RULES.ms,
  runTimeoutMs: RULES.ms,
};

/**
 * Checks a `shoot()` call when it is made: `units` a non-empty array of targets without
 * two units on one host, `sequence` rows or a function of the unit, the options'
 * timeouts numbers of ms > 0 and <= 2^31 - 1, `onLost` `'report'`, `standalone` and `dryRun`
 * booleans, `completion` valid rules.
 *
 * @internal
 * @category Coordinator
 * @throws {@link OptionError} naming the first wrong argument.
 */
export function checkShoot(units: unknown, sequence: unknown, options: ShootOptions | undefined): void {
  if (!Array.isArray(units) || units.length === 0)
    throw new OptionError('units', 'type', units, 'a non-empty array of units');
  const seen = new Set<string>();
  (units as Target[]).forEach((target, i) => {
    const { host } = resolveTarget(target, `units[${i}]`);
    if (seen.has(host)) throw new OptionError(`units[${i}]`, 'type', host, 'a unit not already listed');
    seen.add(host);
  });
  if (!Array.isArray(sequence) && typeof sequence !== 'function')
    throw new OptionError('sequence', 'type', sequence, 'a sequence (rows) or a function of the unit');
  if (options === undefined) return;
  checkOptions(options, SHOOT_RULES, 'options');
  if (options.onLost !== undefined && options.onLost !== 'report')
    throw new OptionError('options.onLost', 'type', options.onLost, "'report'");
  for (const key of ['standalone', 'dryRun'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'boolean')
      throw new OptionError(`options.${key}`, 'type', options[key], 'true or false');
  checkCompletionRules(options.completion, 'options.completion');
}

/**
 * The sequence of one unit of a shot.
 * @internal
 */
export const sequenceFor = (sequence: ShotSequence, unit: string) =>
  typeof sequence === 'function' ? sequence(unit) : sequence;
