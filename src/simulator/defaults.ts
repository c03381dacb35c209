import { checkOptions, RULES, type OptionTable } from '../validation/checkOptions';
import type { SimulateUnitOptions } from './types';

/**
 * The defaults of {@link SimulateUnitOptions}: pycom's own timings where the vendor documents
 * them (15 s coordinator expiry, port 5000), and safe limits elsewhere.
 *
 * ## Example
 * ```ts
 * simulateUnit({ coordinatorTimeoutMs: SIMULATOR_DEFAULTS.coordinatorTimeoutMs / 100 });
 * ```
 * @category Simulator
 */
export const SIMULATOR_DEFAULTS = {
  /** Loopback, so the unit's shell is not exposed. */
  host: '127.0.0.1',
  /** pycom's port. */
  port: 5000,
  /** A short boot. */
  hardwareReadyDelayMs: 1_000,
  /** pycom's documented 15 s. */
  coordinatorTimeoutMs: 15_000,
  /** Commands are killed after 30 s. */
  commandTimeoutMs: 30_000,
  /** 256 KiB of stdout and of stderr. */
  maxOutputBytes: 256 * 1024,
  /** One command at a time. */
  commandConcurrency: 1,
  /** 100 ms per sequence row. */
  rowDurationMs: 100,
  /** 1 MiB per request. */
  maxRequestBytes: 1024 * 1024,
  /** 5 s of silence on a request connection. */
  requestIdleTimeoutMs: 5_000,
  /** 2 s to connect to a coordinator. */
  deliveryConnectTimeoutMs: 2_000,
  /** 5 s for a coordinator to take an event and close. */
  deliveryTimeoutMs: 5_000,
  /** A command's output always comes before the boardio messages it causes. */
  boardioBeforeOutput: false,
} as const satisfies SimulateUnitOptions;

/**
 * The options of {@link SimulateUnitOptions} that have a default, each resolved: as given, or
 * its {@link SIMULATOR_DEFAULTS} value.
 *
 * ## Example
 * ```ts
 * const settings: ResolvedOptions = withDefaults({ port: 0 }); // settings.port === 0, settings.host === '127.0.0.1'
 * ```
 * @category Simulator
 */
export type ResolvedOptions = Readonly<Required<Pick<SimulateUnitOptions, keyof typeof SIMULATOR_DEFAULTS>>>;

/** The rule of each numeric option of {@link SimulateUnitOptions}, checked when the unit is created. */
const SIMULATOR_RULES: OptionTable<SimulateUnitOptions> = {
  port: RULES.port,
  hardwareReadyDelayMs: { ...RULES.delayMs, words: ['manual'] },
  coordinatorTimeoutMs: RULES.ms,
  commandTimeoutMs: RULES.ms,
  maxOutputBytes: RULES.size,
  commandConcurrency: RULES.count,
  rowDurationMs: RULES.delayMs,
  maxRequestBytes: RULES.positiveSize,
  requestIdleTimeoutMs: RULES.ms,
  deliveryConnectTimeoutMs: RULES.ms,
  deliveryTimeoutMs: RULES.ms,
};

/**
 * Checks the numeric options of {@link SimulateUnitOptions}, naming the first invalid one.
 *
 * ## Example
 * ```ts
 * checkSimulatorOptions({ port: 70000 }); // throws OptionError: option port must be an integer 0..65535, got 70000
 * ```
 * @param options The options given to `simulateUnit`.
 * @throws {@link OptionError} when an option breaks its rule.
 * @category Simulator
 */
export function checkSimulatorOptions(options: SimulateUnitOptions): void {
  checkOptions(options, SIMULATOR_RULES);
}

/**
 * Every option that has a default, as given (when neither `undefined` nor `null`) or else from
 * {@link SIMULATOR_DEFAULTS}.
 *
 * ## Example
 * ```ts
 * withDefaults({ commandTimeoutMs: 500 }).commandTimeoutMs; // 500
 * ```
 * @param options The options given to `simulateUnit`.
 * @category Simulator
 */
export function withDefaults(options: SimulateUnitOptions): ResolvedOptions {
  const entries = Object.entries(SIMULATOR_DEFAULTS).map(([key, fallback]: [string, unknown]) => [
    key,
    options[key as keyof ResolvedOptions] ?? fallback,
  ]);
  return Object.fromEntries(entries) as ResolvedOptions;
}
