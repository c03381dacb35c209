import { LISTEN_RULES } from '../transport/listenOptions';
import { SEND_RULES } from '../transport/send';
import { checkOptions, OptionError, RULES, type OptionTable } from '../validation/checkOptions';
import type { HeartbeatPolicy } from './heartbeats';
import { checkCompletionRules } from './completionRules';
import type { CoordinatorOptions } from './types';

/**
 * The numeric settings of a coordinator, checked.
 * @category Coordinator
 */
export interface CoordinatorSettings {
  readonly heartbeatIntervalMs: number;
  readonly lostAfterMs: number;
  readonly commandTimeoutMs: number;
  readonly concurrency: number;
  readonly minGapMs: number;
  readonly tagged: boolean;
  readonly heartbeat: HeartbeatPolicy;
}

/**
 * The defaults of {@link CoordinatorOptions}.
 * @category Coordinator
 */
export const COORDINATOR_DEFAULTS = {
  name: 'pycom-rx',
  heartbeatIntervalMs: 5_000,
  lostAfterMs: 15_000,
  commandTimeoutMs: 10_000,
  tagged: true,
  heartbeat: 'while-addressed',
  concurrency: Infinity,
  minGapMs: 0,
} as const;

/** One table for the numeric options of `createCoordinator`. */
const COORDINATOR_RULES: OptionTable<CoordinatorSettings> = {
  heartbeatIntervalMs: RULES.ms,
  lostAfterMs: RULES.ms,
  commandTimeoutMs: RULES.timeout,
  concurrency: { ...RULES.count, infinite: true },
  minGapMs: RULES.delayMs,
};

/**
 * Checks a coordinator's options at once, so a bad value fails at `createCoordinator` with an
 * {@link OptionError} naming it, never later.
 *
 * @internal
 * @category Coordinator
 */
export function checkCoordinatorOptions(given: CoordinatorOptions): CoordinatorOptions & CoordinatorSettings {
  const options = { ...COORDINATOR_DEFAULTS, ...stripUndefined(given) };
  checkOptions<Partial<CoordinatorSettings>>(options, COORDINATOR_RULES);
  if (typeof options.tagged !== 'boolean')
    throw new OptionError('tagged', 'type', options.tagged, 'true or false');
  if (options.heartbeat !== 'while-addressed' && options.heartbeat !== 'while-needed')
    throw new OptionError('heartbeat', 'type', options.heartbeat, "'while-addressed' or 'while-needed'");
  checkOptions(options, { outputCapBytes: RULES.positiveSize });
  checkOptions(options.listen, LISTEN_RULES, 'listen');
  checkOptions(options.send, SEND_RULES, 'send');
  checkCompletionRules(options.completion, 'completion');
  return options;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
