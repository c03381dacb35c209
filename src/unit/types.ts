import type { Row } from '../sequence/registers';

/**
 * Where a simulated unit sends an event: a coordinator's listener, i.e. the source IP of its
 * request and the `port` named in its payload.
 *
 * ## Example
 * ```ts
 * const to: Destination = { host: '127.0.0.1', port: 5001 };
 * ```
 * @category Simulator
 */
export interface Destination {
  /** The coordinator's IP address, as the unit saw it on the request's connection. */
  readonly host: string;
  /** The port the coordinator listens on, from the request's payload. */
  readonly port: number;
}

/**
 * A verb the `boardiocli` stand-in hands to the simulated boardio.
 * - `uSeq`: load `~/la4_sequence.csv`;
 * - `uSeqStandalone`: check `~/la4_sequence_standalone.csv` (the sequence run at every boot);
 * - `runSeq`: play the loaded sequence.
 *
 * ## Example
 * ```ts
 * const verb: BoardioVerb = 'runSeq';
 * ```
 * @category Simulator
 */
export type BoardioVerb = 'uSeq' | 'uSeqStandalone' | 'runSeq';

/**
 * What an executor reports about one command. pycom sends `stdout` when `exitCode` is 0 (the
 * default), otherwise `stderr`.
 *
 * ## Example
 * ```ts
 * const failed: ExecutorResult = { stdout: '', stderr: 'ls: cannot access x\n', exitCode: 2 };
 * ```
 * @category Simulator
 */
export interface ExecutorResult {
  /** What the command printed on its standard output. */
  readonly stdout: string;
  /** What the command printed on its standard error. Default `''`. */
  readonly stderr?: string;
  /** The exit status; non-zero means failure. Default `0`. */
  readonly exitCode?: number;
}

/**
 * The hardware fields of a `unit_info` event.
 *
 * ## Example
 * ```ts
 * const info: Partial<UnitInfoFields> = { firmware_version: '2.0.0' };
 * ```
 * @category Simulator
 */
export interface UnitInfoFields {
  /** Version of the wiringPi library on the unit. */
  readonly wiringpi_version: string;
  /** Version of boardio, the firmware bridge. */
  readonly boardio_version: string;
  /** Version of the microcontroller firmware. */
  readonly firmware_version: string;
  /** Kind of unit, e.g. `light_array` or `human_scanning`. */
  readonly unit_type: string;
  /** The microcontroller, e.g. `RP2040`. */
  readonly mcu_type: string;
  /** The unit's MAC address, e.g. `dc:a6:32:1b:4e:f0`. */
  readonly mac_address: string;
}

/**
 * How long a sequence row takes to play: a fixed number of milliseconds, or a function of the row
 * and its index.
 *
 * ## Example
 * ```ts
 * const duration: RowDuration = (row) => (row.register === 'ALL_4_CANON' ? row.shutterMs : 10);
 * ```
 * @category Simulator
 */
export type RowDuration = number | ((row: Row, index: number) => number);

/**
 * A coordinator a simulated unit knows from its heartbeats.
 *
 * ## Example
 * ```ts
 * const unit = simulateUnit({ host: '127.0.0.2' });
 * unit.coordinators().forEach((c: KnownCoordinator) => console.log(c.id, c.host, c.port));
 * ```
 * @category Simulator
 */
export interface KnownCoordinator {
  /** The coordinator's `id` field. */
  readonly id: string;
  /** The coordinator's `name` field. */
  readonly name: string;
  /** Source IP of its heartbeats. */
  readonly host: string;
  /** The `port` of its heartbeats, where it listens for events. */
  readonly port: number;
  /** When its first heartbeat (since it was last forgotten) arrived, ms since the epoch. */
  readonly since: number;
  /** When its latest heartbeat arrived, ms since the epoch. */
  readonly lastHeartbeatAt: number;
}

/**
 * Fault injection for reliability tests. Faults apply to the events the unit sends, in the order
 * it sends them; counts add up; `clear()` cancels all.
 *
 * ## Example
 * ```ts
 * const unit = simulateUnit({ host: '127.0.0.2' });
 * unit.faults.dropNext(2); // the next two events vanish
 * unit.faults.malformNext(); // the one after is broken JSON
 * ```
 * @category Simulator
 */
export interface FaultControls {
  /** Drop the next `count` events (nothing is sent). Default 1. */
  dropNext(count?: number): void;
  /** Send a truncated, invalid JSON text instead of each of the next `count` events. Default 1. */
  malformNext(count?: number): void;
  /** Open a connection and close it without writing, instead of each of the next `count` events. Default 1. */
  emptyNext(count?: number): void;
  /** Wait `ms` before sending each event, from now on (`0` to stop). Order is kept. */
  delay(ms: number): void;
  /** Cancel every pending fault and the delay. */
  clear(): void;
}

/**
 * How one command ended, with the text its `output` event carries.
 *
 * ## Example
 * ```ts
 * const finished = (o: CommandOutcome) => console.log(o.exitCode, o.output); // 0 'hi\n'
 * ```
 * @category Simulator
 */
export interface CommandOutcome {
  /** Its standard output, cut to `maxOutputBytes`. */
  readonly stdout: string;
  /** Its standard error, cut to `maxOutputBytes`. */
  readonly stderr: string;
  /**
   * Its exit status, as the unit's shell reports it: 124 when an untagged command timed out, 128 + n
   * when killed by signal n. For a tagged command this is the wrapper's status (0); the command's
   * own status is in the trailer of `stdout`.
   */
  readonly exitCode: number;
  /** `true` when it was stopped after `timeoutMs`. */
  readonly timedOut: boolean;
  /** `true` when stdout or stderr was cut. */
  readonly truncated: boolean;
  /** The `output` event's text: `stdout` when `exitCode` is 0, else `stderr`. */
  readonly output: string;
  /** How long it ran. */
  readonly durationMs: number;
}
