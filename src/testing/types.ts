import type { Observable, SchedulerLike } from 'rxjs';
import type { Identity } from '../protocol/identity';
import type { UnitActivity } from '../unit/activity';
import type { UnitOptions } from '../unit/options';
import type { BoardioVerb, FaultControls, KnownCoordinator } from '../unit/types';

/**
 * What a {@link MemoryExecutor} reports about one command. The unit answers as pycom does:
 * `stdout` when `exitCode` is 0, else `stderr` (a tagged command gets both, then its trailer).
 *
 * ## Example
 * ```ts
 * const slow: MemoryExecutorResult = { stdout: 'done\n', durationMs: 200 };
 * const failed: MemoryExecutorResult = { stderr: 'ls: cannot access x\n', exitCode: 2 };
 * ```
 * @category Testing
 */
export interface MemoryExecutorResult {
  /** What the command printed on its standard output. Default `''`. */
  readonly stdout?: string;
  /** What the command printed on its standard error. Default `''`. */
  readonly stderr?: string;
  /** The exit status; non-zero means failure. Default `0`. */
  readonly exitCode?: number;
  /** How long the command runs, in the network scheduler's time. Default `0`. */
  readonly durationMs?: number;
}

/**
 * What a {@link MemoryExecutor} gets besides the command.
 *
 * ## Example
 * ```ts
 * const executor: MemoryExecutor = (command, { files }) =>
 *   command === 'cat ~/note' ? { stdout: files.get('note') ?? '' } : { stderr: 'not found\n', exitCode: 127 };
 * ```
 * @category Testing
 */
export interface MemoryExecutorContext {
  /** The unit's identity. */
  readonly unit: Identity;
  /** The unit's home, by file name (the files `printf '%s' ... > ~/file` wrote); writable. */
  readonly files: Map<string, string>;
  /** Hands a verb to the unit's boardio, as `boardiocli` does; it acts once the output is queued. */
  readonly boardio: (verb: BoardioVerb) => void;
  /** The network's scheduler, for executors that answer with their own Observable. */
  readonly scheduler: SchedulerLike;
  /** `true` when the coordinator sent the command tagged (your executor sees it unwrapped). */
  readonly tagged: boolean;
}

/**
 * Runs one command of a {@link memoryUnit}: a function of the command string that returns its
 * result, or an Observable of it (its first value counts). A thrown error, or an Observable that
 * errors, is a failed command (exit status 1, stderr = the error's message).
 *
 * The unit runs by itself what pycom-rx sends for sequences (`printf '%s' '<csv>' > <file>`,
 * `boardiocli <verb>`, chains with `&&`) and unwraps tagged commands; your executor gets every
 * other command, as the caller wrote it.
 *
 * ## Example
 * ```ts
 * const executor: MemoryExecutor = (command) =>
 *   command === 'uptime' ? { stdout: ' 10:00:00 up 1 day\n', durationMs: 30 } : { stderr: `sh: 1: ${command}: not found\n`, exitCode: 127 };
 * ```
 * @category Testing
 */
export type MemoryExecutor = (
  command: string,
  context: MemoryExecutorContext,
) => MemoryExecutorResult | Observable<MemoryExecutorResult>;

/**
 * Options of {@link memoryUnit}: the {@link UnitOptions} every unit has, plus its executor and
 * files. Times are in the network scheduler's milliseconds.
 *
 * ## Example
 * ```ts
 * const options: MemoryUnitOptions = { host: '192.168.0.23', hardwareReadyDelayMs: 'manual', rowDurationMs: 10 };
 * ```
 * @category Testing
 */
export interface MemoryUnitOptions extends UnitOptions {
  /** Runs the commands the unit does not run by itself. Default: every such command is "not found" (127). */
  readonly executor?: MemoryExecutor;
  /** Files in the unit's home at start, by name, e.g. `la4_sequence_standalone.csv`. */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * Fault injection of a {@link memoryUnit}: the simulator's {@link FaultControls} on the events
 * it sends, plus refusing connections.
 *
 * ## Example
 * ```ts
 * const unit = memoryUnit(network, { host: '192.168.0.23' });
 * unit.faults.dropNext(); // the next event (an output, a message...) vanishes
 * unit.faults.refuseConnections(); // requests are refused until refuseConnections(false)
 * ```
 * @category Testing
 */
export interface MemoryFaultControls extends FaultControls {
  /** Refuse every request connection (`true`, the default) or accept them again (`false`). */
  refuseConnections(refuse?: boolean): void;
}

/**
 * Options of {@link MemoryUnit.reboot}.
 *
 * ## Example
 * ```ts
 * const unit = memoryUnit(network, { host: '192.168.0.23' });
 * unit.reboot({ downtimeMs: 2000 });
 * ```
 * @category Testing
 */
export interface MemoryRebootOptions {
  /** How long the unit refuses connections before it listens again. Default 0. */
  readonly downtimeMs?: number;
}

/**
 * An in-memory LA4 unit on a {@link MemoryNetwork}: pycom's behaviour and a boardio stand-in,
 * in the network's scheduler time, without sockets.
 *
 * ## Example
 * ```ts
 * const unit = memoryUnit(network, { host: '192.168.0.23', executor: () => ({ stdout: 'ok\n' }) });
 * unit.events$.subscribe((a) => console.log(a.kind));
 * ```
 * @category Testing
 */
export interface MemoryUnit {
  /** The unit's address. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** The identity its events carry. */
  readonly identity: Identity;
  /**
   * Everything the unit does, the simulator's {@link UnitActivity} items (`at` from the
   * scheduler), as a hot Observable: subscribe before the activity you want to see. Completes on
   * `close()`.
   */
  readonly events$: Observable<UnitActivity>;
  /** Fault injection. */
  readonly faults: MemoryFaultControls;
  /** The unit's home, by file name; tests may read and write it. */
  readonly files: Map<string, string>;
  /** `true` once the hardware is ready; `false` again on reboot. */
  readonly hardwareReady: boolean;
  /** The coordinators it currently knows. */
  coordinators(): ReadonlyArray<KnownCoordinator>;
  /**
   * Makes the hardware ready now: `unit_info` goes to the known coordinators, boardio boots (and
   * runs the standalone sequence). For `hardwareReadyDelayMs: 'manual'`; does nothing when the
   * hardware is ready already or the unit is down.
   */
  bootHardware(): void;
  /**
   * Reboots: forgets coordinators (and who got `unit_info`), drops running commands and queued
   * events, unloads the sequence, refuses connections for `downtimeMs`, then listens again and
   * readies the hardware after `hardwareReadyDelayMs`. The home's files stay.
   */
  reboot(options?: MemoryRebootOptions): void;
  /** Leaves the network for good: every timer is cancelled, `events$` completes. Idempotent. */
  close(): void;
}
