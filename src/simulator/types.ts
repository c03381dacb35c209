import type { Observable } from 'rxjs';
import type { Identity } from '../protocol/identity';
import type { UnitActivity } from '../unit/activity';
import type { UnitOptions } from '../unit/options';
import type { BoardioVerb, ExecutorResult, FaultControls, KnownCoordinator } from '../unit/types';

// The unit engine's types are the simulator's public types (and pycom-rx/testing's).
export type * from '../unit/activity';
export type * from '../unit/options';
export type * from '../unit/types';

/**
 * What an {@link Executor} gets besides the command string.
 *
 * ## Example
 * ```ts
 * const executor: Executor = async (command, { boardio }) => {
 *   if (command === 'boardiocli runSeq') boardio('runSeq');
 *   return { stdout: 'BOARDIO_CLI: Sent: "runSeq" to FIFO file\n' };
 * };
 * ```
 * @category Simulator
 */
export interface ExecutorContext {
  /** The unit's private home directory (`~`), where sequence files are read from. */
  readonly home: string;
  /** Aborted when the command times out, or the unit reboots or closes. */
  readonly signal: AbortSignal;
  /**
   * Hands a verb to the simulated boardio, as `boardiocli` does. Verbs handed while the command
   * runs take effect right after its `output` event was queued (at once with
   * {@link SimulateUnitOptions.boardioBeforeOutput}).
   */
  readonly boardio: (verb: BoardioVerb) => void;
}

/**
 * Runs one command for a simulated unit. The default is a real `/bin/sh` (see
 * {@link SimulateUnitOptions.executor}); a function gives exact outputs, delays and failures.
 * A thrown error or rejected promise counts as a failed command whose stderr is the error's
 * message.
 *
 * ## Example
 * ```ts
 * const executor: Executor = (command) =>
 *   command === 'uptime' ? { stdout: ' 10:00:00 up 1 day\n' } : { stdout: '', stderr: 'not found\n', exitCode: 127 };
 * ```
 * @category Simulator
 */
export type Executor = (
  command: string,
  context: ExecutorContext,
) => ExecutorResult | Promise<ExecutorResult>;

/**
 * Options of {@link simulateUnit}: the {@link UnitOptions} every unit has, plus its
 * loopback guard, shell, home and socket limits. Every timer is an option, so tests can run fast.
 *
 * ## Example
 * ```ts
 * const options: SimulateUnitOptions = { host: '127.0.1.2', hardwareReadyDelayMs: 50, coordinatorTimeoutMs: 500 };
 * ```
 * @category Simulator
 */
export interface SimulateUnitOptions extends UnitOptions {
  /**
   * Allow binding an address outside `127.0.0.0/8` and `::1`. The unit runs any shell command it
   * receives, so this exposes a shell to the network. Default `false`.
   */
  readonly allowNonLoopback?: boolean;
  /**
   * How commands run: `'shell'` (default) runs them with `/bin/sh -c` in a private temporary
   * home, with a `boardiocli` stand-in on `PATH`; a function gives exact results.
   */
  readonly executor?: 'shell' | Executor;
  /** Files written into the unit's home at start, by name, e.g. `la4_sequence_standalone.csv`. */
  readonly homeFiles?: Readonly<Record<string, string>>;
  /** stdout and stderr are each cut to this many bytes. Default 256 KiB. */
  readonly maxOutputBytes?: number;
  /** How many commands may run at once; later ones wait their turn. Default 1. */
  readonly commandConcurrency?: number;
  /** Largest request accepted; a larger one is rejected. Default 1 MiB. */
  readonly maxRequestBytes?: number;
  /** A request connection silent this long is dropped. Default 5 000 ms. */
  readonly requestIdleTimeoutMs?: number;
  /** Give up an event when the coordinator does not accept the connection in time. Default 2 000 ms. */
  readonly deliveryConnectTimeoutMs?: number;
  /** Give up an event when the coordinator has not taken it and closed in time. Default 5 000 ms. */
  readonly deliveryTimeoutMs?: number;
}

/**
 * Options of {@link SimulatedUnit.reboot}.
 *
 * ## Example
 * ```ts
 * const unit = simulateUnit({ host: '127.0.0.2' });
 * await unit.reboot({ downtimeMs: 200 });
 * ```
 * @category Simulator
 */
export interface RebootOptions {
  /** How long the unit does not listen (connections are refused) before it comes back. Default 0. */
  readonly downtimeMs?: number;
}

/**
 * A running simulated LA4 unit: pycom on `host:port` plus a boardio stand-in.
 *
 * ## Example
 * ```ts
 * const unit = simulateUnit({ host: '127.0.0.2', hardwareReadyDelayMs: 100 });
 * await unit.ready;
 * unit.events$.subscribe((a) => console.log(a.kind));
 * await unit.close();
 * ```
 * @category Simulator
 */
export interface SimulatedUnit {
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on (the bound port once `ready`, useful with `port: 0`). */
  readonly port: number;
  /** The identity its events carry (`port` is the bound port once `ready`). */
  readonly identity: Identity;
  /** The unit's private home directory (`~`): where sequence files live. Removed on `close()`. */
  readonly home: string;
  /**
   * Everything the unit does, as a hot Observable: subscribe before sending requests. Completes
   * after `close()`.
   */
  readonly events$: Observable<UnitActivity>;
  /** Resolves once the unit listens; rejects with a `ListenError` when it cannot bind. */
  readonly ready: Promise<void>;
  /** Fault injection. */
  readonly faults: FaultControls;
  /** `true` once the hardware is ready (after `hardwareReadyDelayMs`); `false` again on reboot. */
  readonly hardwareReady: boolean;
  /** The coordinators it currently knows. */
  coordinators(): ReadonlyArray<KnownCoordinator>;
  /**
   * Makes the hardware ready now, as if boardio had just finished booting (`unit_info` goes to
   * the known coordinators, the standalone sequence runs). For `hardwareReadyDelayMs: 'manual'`;
   * does nothing when the hardware is already ready, or while the unit is down.
   *
   * ## Example
   * ```ts
   * const unit = simulateUnit({ host: '127.0.0.2', hardwareReadyDelayMs: 'manual' });
   * await firstValueFrom(unit.events$.pipe(filter((a) => a.kind === 'coordinator-added')));
   * unit.bootHardware();
   * ```
   */
  bootHardware(): void;
  /**
   * Simulates a reboot: forgets coordinators, kills running commands, drops queued events, clears
   * the loaded sequence, makes the hardware not ready again; after the downtime it listens again,
   * and after `hardwareReadyDelayMs` the hardware is ready and the standalone sequence runs.
   * Resolves once it listens again.
   */
  reboot(options?: RebootOptions): Promise<void>;
  /**
   * Stops everything: closes the listener and every connection, kills running commands, clears
   * every timer, removes the temporary home. Idempotent.
   */
  close(): Promise<void>;
}
