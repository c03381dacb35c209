import type { Observable } from 'rxjs';
import type { Identity } from '../protocol/identity';
import type { PycomEvent } from '../protocol/events';
import type { PycomRequest } from '../protocol/requests';
import type { RejectReason, Remote } from '../transport/listenPayloads';
import type { Row, Sequence } from '../sequence/registers';
import type { CommandOutcome } from './command';

export type { CommandOutcome } from './command';

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
 * Options of {@link simulateUnit}. Every timer is an option, so tests can run fast.
 *
 * ## Example
 * ```ts
 * const options: SimulateUnitOptions = { host: '127.0.1.2', hardwareReadyDelayMs: 50, coordinatorTimeoutMs: 500 };
 * ```
 * @category Simulator
 */
export interface SimulateUnitOptions {
  /** Address to listen on. Default `'127.0.0.1'`. Only loopback addresses unless `allowNonLoopback`. */
  readonly host?: string;
  /** Port to listen on; `0` picks a free one (see {@link SimulatedUnit.port}). Default `5000`. */
  readonly port?: number;
  /**
   * Allow binding an address outside `127.0.0.0/8` and `::1`. The unit runs any shell command it
   * receives, so this exposes a shell to the network. Default `false`.
   */
  readonly allowNonLoopback?: boolean;
  /** The unit's id. Default: 8 random hex characters. */
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
   * How commands run: `'shell'` (default) runs them with `/bin/sh -c` in a private temporary
   * home, with a `boardiocli` stand-in on `PATH`; a function gives exact results.
   */
  readonly executor?: 'shell' | Executor;
  /** Files written into the unit's home at start, by name, e.g. `la4_sequence_standalone.csv`. */
  readonly homeFiles?: Readonly<Record<string, string>>;
  /**
   * Time from listening (at start, and after a reboot's downtime) until the hardware is ready
   * (boardio booted). `'manual'`: the hardware is ready only when {@link SimulatedUnit.bootHardware}
   * is called, so a test decides the order of events instead of racing a timer. Default 1 000 ms.
   */
  readonly hardwareReadyDelayMs?: number | 'manual';
  /** A coordinator silent this long is forgotten. Default 15 000 ms. */
  readonly coordinatorTimeoutMs?: number;
  /** A command running this long is killed and reported as timed out. Default 30 000 ms. */
  readonly commandTimeoutMs?: number;
  /** stdout and stderr are each cut to this many bytes. Default 256 KiB. */
  readonly maxOutputBytes?: number;
  /** How many commands may run at once; later ones wait their turn. Default 1. */
  readonly commandConcurrency?: number;
  /** How long each sequence row takes to play. Default 100 ms. */
  readonly rowDurationMs?: RowDuration;
  /** Largest request accepted; a larger one is rejected. Default 1 MiB. */
  readonly maxRequestBytes?: number;
  /** A request connection silent this long is dropped. Default 5 000 ms. */
  readonly requestIdleTimeoutMs?: number;
  /** Give up an event when the coordinator does not accept the connection in time. Default 2 000 ms. */
  readonly deliveryConnectTimeoutMs?: number;
  /** Give up an event when the coordinator has not taken it and closed in time. Default 5 000 ms. */
  readonly deliveryTimeoutMs?: number;
  /**
   * boardio takes each verb as soon as it is handed over (the shell executor hands them over when
   * the command has exited), before the command's `output` is queued, so its messages
   * (`BOARDIO_READY`...) reach the coordinator **before** that output, as they may from a real
   * boardio, which reads its FIFO live. Default `false`: the output always comes first.
   */
  readonly boardioBeforeOutput?: boolean;
}

/**
 * A coordinator a simulated unit knows from its heartbeats.
 *
 * ## Example
 * ```ts
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
 * The fields every {@link UnitActivity} carries.
 *
 * ## Example
 * ```ts
 * unit.events$.subscribe((a) => console.log(new Date(a.at).toISOString(), a.unit, a.kind));
 * ```
 * @category Simulator
 */
export interface ActivityBase {
  /** When it happened, ms since the epoch. */
  readonly at: number;
  /** The id of the unit it happened on. */
  readonly unit: string;
}

/**
 * What each kind of {@link UnitActivity} carries besides `kind`, `at` and `unit`: one entry per
 * `kind`, the one place the activity types come from.
 *
 * ## Example
 * ```ts
 * const bound: ActivityMap['listening'] = { host: '127.0.0.2', port: 5000 };
 * ```
 * @category Simulator
 */
export interface ActivityMap {
  /** The unit listens for requests (at start and after each reboot) on this address and port. */
  listening: { readonly host: string; readonly port: number };
  /** A valid request (heartbeat or command) arrived from `remote`. */
  request: { readonly request: PycomRequest; readonly remote: Remote };
  /**
   * A request connection from `remote` yielded nothing usable (malformed, too large, silent...):
   * ignored, as pycom does. `message` says what was wrong in one readable line.
   */
  'request-rejected': { readonly reason: RejectReason; readonly message: string; readonly remote: Remote };
  /** A coordinator was recorded on its first heartbeat (or its first after being forgotten). */
  'coordinator-added': { readonly coordinator: KnownCoordinator };
  /** A coordinator was forgotten after `coordinatorTimeoutMs` without a heartbeat (as last known). */
  'coordinator-expired': { readonly coordinator: KnownCoordinator };
  /** The hardware became ready (boardio booted): `unit_info` can be sent, the standalone sequence runs. */
  'hardware-ready': Record<never, never>;
  /** A command started running; `from` sent it, and its output goes there. */
  'command-started': { readonly command: string; readonly from: Destination };
  /**
   * A command finished (or timed out after `commandTimeoutMs`), with its {@link CommandOutcome};
   * its `output` event is queued next.
   */
  'command-finished': { readonly command: string; readonly from: Destination } & CommandOutcome;
  /** The simulated boardio took a verb, from the coordinator whose command handed it over (its answers go there). */
  'boardio-verb': { readonly verb: BoardioVerb; readonly from: Destination };
  /**
   * boardio produced a `message` (BOARDIO_READY, BOARDIO_ERROR: ..., Sequence complete), sent `to`
   * these coordinators (possibly none, for a boot message when no coordinator is known).
   */
  'boardio-message': { readonly message: string; readonly to: ReadonlyArray<Destination> };
  /** boardio loaded a sequence `file` of the unit's home (on `uSeq`, `uSeqStandalone`, or at boot). */
  'sequence-loaded': { readonly file: string; readonly sequence: Sequence };
  /** boardio started playing the row at `index` (from 0) of the running sequence. */
  'sequence-row': { readonly index: number; readonly row: Row };
  /** An event was handed over to a coordinator (it accepted the connection, took the bytes and closed). */
  'event-sent': { readonly event: PycomEvent; readonly to: Destination };
  /**
   * An event was not sent because of an injected fault: `drop` (nothing sent), `malformed` (broken
   * JSON sent instead), or `empty` (a connection opened and closed without data instead).
   * `payload` is what was actually written (`''` for `drop` and `empty`).
   */
  'event-faulted': {
    readonly fault: 'drop' | 'malformed' | 'empty';
    readonly event: PycomEvent;
    readonly to: Destination;
    readonly payload: string;
  };
  /**
   * An event (or a faulted replacement) could not be delivered: the coordinator's listener is
   * down, slow or reset the connection; `error` is usually a `SendError` (`refused`, `timeout` or
   * `reset`). The unit goes on.
   */
  'delivery-failed': { readonly event: PycomEvent; readonly to: Destination; readonly error: Error };
  /** The unit is rebooting: coordinators forgotten, commands killed, queued events dropped. */
  reboot: Record<never, never>;
  /** The unit was closed; `events$` completes right after. */
  closed: Record<never, never>;
}

/**
 * A {@link UnitActivity} without the fields the unit adds itself (`at`, `unit`). Internal parts
 * of the simulator report activity in this form.
 *
 * ## Example
 * ```ts
 * const report = (a: ActivityInput) => subject.next({ ...a, at: Date.now(), unit: id });
 * ```
 * @category Simulator
 */
export type ActivityInput = {
  [K in keyof ActivityMap]: { readonly kind: K } & ActivityMap[K];
}[keyof ActivityMap];

/**
 * Everything a simulated unit does, as a union discriminated by `kind` (see {@link ActivityMap}
 * for what each kind carries).
 *
 * ## Example
 * ```ts
 * unit.events$.subscribe((a: UnitActivity) => {
 *   if (a.kind === 'delivery-failed') console.warn(a.to, a.error.message);
 * });
 * ```
 * @category Simulator
 */
export type UnitActivity = ActivityInput & ActivityBase;

/**
 * The activity of one kind, e.g. `ActivityOf<'command-finished'>`.
 *
 * ## Example
 * ```ts
 * const finished = unit.events$.pipe(
 *   filter((a): a is ActivityOf<'command-finished'> => a.kind === 'command-finished'),
 * );
 * ```
 * @category Simulator
 */
export type ActivityOf<K extends keyof ActivityMap> = Extract<UnitActivity, { readonly kind: K }>;

/**
 * Fault injection for reliability tests. Faults apply to the events the unit sends, in the order
 * it sends them; counts add up; `clear()` cancels all.
 *
 * ## Example
 * ```ts
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
 * Options of {@link SimulatedUnit.reboot}.
 *
 * ## Example
 * ```ts
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
