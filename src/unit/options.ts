import type { RowDuration, UnitInfoFields } from './types';

/**
 * The options a simulated unit (`simulateUnit`) and a memory unit (`memoryUnit`) share: its
 * address, identity and the timings of the one unit engine both run. Each adds how commands run,
 * its home, and its own limits; each documents its defaults
 * (`SIMULATOR_DEFAULTS`, `MEMORY_UNIT_DEFAULTS`). Times are in the unit's clock: real
 * milliseconds for a simulated unit, the network scheduler's for a memory unit.
 *
 * ## Example
 * ```ts
 * const shared: UnitOptions = { name: 'la4-07', hardwareReadyDelayMs: 'manual', rowDurationMs: 10 };
 * ```
 * @category Simulator
 */
export interface UnitOptions {
  /**
   * The unit's address. Default `'127.0.0.1'` for a simulated unit (loopback addresses only,
   * unless `allowNonLoopback`); `'192.168.0.23'` (pycom's static fallback) for a memory unit.
   */
  readonly host?: string;
  /** The port pycom listens on; `0` picks a free one (see the unit's `port`). Default `5000`. */
  readonly port?: number;
  /**
   * The unit's id. Default: 8 random hex characters for a simulated unit; for a memory unit, 8 hex
   * characters derived from its `host`, so tests can predict it.
   */
  readonly id?: string;
  /** The unit's name. Default `'rigsters-controller'` (the vendor's example). */
  readonly name?: string;
  /** The `ip` field of its events. Default: `host`. */
  readonly ip?: string;
  /** The `version` field of its events (pycom's version). Default `'0.14.0'`. */
  readonly version?: string;
  /** Overrides of the `unit_info` fields (the MAC address defaults to one derived from the id). */
  readonly unitInfo?: Partial<UnitInfoFields>;
  /**
   * Time from listening (at start, and after a reboot's downtime) until the hardware is ready
   * (boardio booted). `'manual'`: the hardware is ready only when the unit's `bootHardware()` is
   * called, so a test decides the order of events instead of racing a timer. Default 1 000 ms for
   * a simulated unit, `0` (ready at once) for a memory unit.
   */
  readonly hardwareReadyDelayMs?: number | 'manual';
  /** A coordinator silent this long is forgotten. Default 15 000 ms (pycom's rule). */
  readonly coordinatorTimeoutMs?: number;
  /**
   * A command running this long is stopped and answered as timed out (exit status 124). Default
   * 30 000 ms.
   */
  readonly commandTimeoutMs?: number;
  /** How long each sequence row takes to play. Default 100 ms. */
  readonly rowDurationMs?: RowDuration;
  /**
   * boardio takes each verb as soon as it is handed over (a simulated unit's shell hands them over
   * when the command has exited), before the command's `output` is queued, so its messages
   * (`BOARDIO_READY`...) reach the coordinator **before** that output, as they may from a real
   * boardio, which reads its FIFO live. Default `false`: the output always comes first.
   */
  readonly boardioBeforeOutput?: boolean;
}
