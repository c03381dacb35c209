import type { RowDuration, UnitInfoFields } from './types';

/**
 * Where the simulated boardio answers differently from the vendor's examples, to test a client
 * against the ways a real unit may behave. Every field is optional; the default is the vendor's
 * behaviour.
 *
 * ## Example
 * ```ts
 * simulateUnit({ boardioQuirks: { runSeq: 'ready-only' } }); // runSeq: BOARDIO_READY, never "Sequence complete"
 * ```
 * @category Simulator
 */
export interface BoardioQuirks {
  /**
   * What boardio says about a sequence that `runSeq` plays (a refused `runSeq` still answers
   * `BOARDIO_ERROR: ...`):
   * - `'vendor'` (default): nothing while it plays, `Sequence complete` at the end;
   * - `'ready-only'`: `BOARDIO_READY` when it starts, nothing at the end;
   * - `'per-row'`: `BOARDIO_ROW <n>/<rows>` as each row starts playing (n from 1), then
   *   `Sequence complete`;
   * - `'no-completion'`: nothing at all.
   */
  readonly runSeq?: 'vendor' | 'ready-only' | 'per-row' | 'no-completion';
}

/**
 * What pycom may do to a command's output on its way to the coordinator, to test a client against
 * the ways a real unit may differ from the vendor's examples. Every field is optional; the default
 * (`{}`) sends the output exactly as the command printed it. Applied in this order: `stripOutput`,
 * `crlf`, `outputCapBytes`, `appendNewline`.
 *
 * ## Example
 * ```ts
 * simulateUnit({ pycomQuirks: { stripOutput: true, outputCapBytes: 65_536 } });
 * ```
 * @category Simulator
 */
export interface PycomQuirks {
  /**
   * Python's `str.strip()` on every output: whitespace at both ends goes, which in Python
   * includes `\x1c`-`\x1f`, so a tagged command's closing mark `\x1e` goes too. Default `false`.
   */
  readonly stripOutput?: boolean;
  /** Every `\n` of an output sent as `\r\n`. Default `false`. */
  readonly crlf?: boolean;
  /** A `\n` appended to every output. Default `false`. */
  readonly appendNewline?: boolean;
  /**
   * Every output cut to this many UTF-8 bytes (a character cut in two becomes U+FFFD). Default:
   * no cap (a simulated unit still cuts stdout and stderr at its `maxOutputBytes` first).
   */
  readonly outputCapBytes?: number;
  /**
   * Background jobs a command starts survive it. pycom sends an output once the command's stdout
   * closes, so a job that still holds it keeps the output waiting, and what it prints later comes
   * after a tagged command's trailer, in the same output. Default `false`: once that output is
   * sent, what is left of the command's process group is killed. Only a simulated unit's shell
   * has background jobs: a memory unit's executors are functions, and this field changes nothing
   * there.
   */
  readonly keepBackgroundJobs?: boolean;
}

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
   * A command running this long is stopped (what it printed so far is dropped) and answered as
   * `timeout(1)` inside the coordinator's wrapper would be: its `output` event carries
   * `pycom-sim: command timed out after <ms> ms\n`, followed, for a tagged command, by the
   * trailer with exit status 124, so the coordinator reports `exitCode: 124` at once rather than
   * waiting for its own timeout (an untagged command's exit status, 124, is not sent, as with
   * pycom). Default 30 000 ms.
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
  /**
   * What pycom sends `unit_info` to once (the vendor: "once per coordinator", without saying
   * what makes two the same). Default `'coordinator'`: once per coordinator id, source address
   * and event port, so a heartbeat with a fresh id gets one (what `unitInfo(unit, { refresh })`
   * relies on); `'address'`: once per source address, so nothing gets it again until a reboot.
   */
  readonly unitInfoOncePer?: UnitInfoOncePer;
  /**
   * How boardio answers, where a real one may differ from the vendor's examples (see
   * {@link BoardioQuirks}). Default `{}`: as the examples show.
   */
  readonly boardioQuirks?: BoardioQuirks;
  /**
   * What pycom does to a command's output before sending it, where a real one may differ from
   * the vendor's examples (see {@link PycomQuirks}). Default `{}`: sent exactly as printed.
   */
  readonly pycomQuirks?: PycomQuirks;
}

/**
 * What a unit sends `unit_info` to once (see {@link UnitOptions.unitInfoOncePer}).
 *
 * ## Example
 * ```ts
 * simulateUnit({ host: '127.0.0.2', unitInfoOncePer: 'address' }); // a refresh by fresh id gets nothing
 * ```
 * @category Simulator
 */
export type UnitInfoOncePer = 'coordinator' | 'address';
