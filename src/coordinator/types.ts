import type { AddressInfo } from 'node:net';
import type { Observable } from 'rxjs';
import type { Identity, Output, PycomEvent, UnitInfo } from '../protocol';
import type { Inbound, ListenOptions, Rejected, SendOptions, Target } from '../transport';
import type { OutputTimeoutError } from '../operators';
import type { ListenError, SendError } from '../transport';

/**
 * Options of {@link createCoordinator}. Every field is optional.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ name: 'scan-rig', listen: { port: 5000 }, commandTimeoutMs: 5000 });
 * ```
 */
export interface CoordinatorOptions {
  /** This coordinator's id. Default: 8 random hex characters, new for each coordinator. */
  readonly id?: string;
  /** Human-readable name sent to units. Default `'pycom-rx'`. */
  readonly name?: string;
  /** The version string sent to units (not interpreted by pycom). Default: this library's version. */
  readonly version?: string;
  /**
   * The `ip` field sent to units. Default: the local address of the connection that reaches the
   * unit (pycom answers to the source address it sees anyway).
   */
  readonly ip?: string;
  /** Where the inbound listener binds, and its limits. Default `0.0.0.0:5000`. */
  readonly listen?: ListenOptions;
  /** Connect and hand-over timeouts of outgoing requests. */
  readonly send?: SendOptions;
  /** Time between heartbeats of {@link Coordinator.connect}. Default 5 000 ms (pycom's rule). */
  readonly heartbeatIntervalMs?: number;
  /** A unit with no successful heartbeat for this long is `lost`. Default 15 000 ms. */
  readonly lostAfterMs?: number;
  /** Time allowed for a command's output. Default 10 000 ms. */
  readonly commandTimeoutMs?: number;
}

/**
 * The presence of a unit, as {@link Coordinator.connect} reports it:
 * - `pending`: heartbeats are going out, nothing heard from the unit yet;
 * - `connected`: the unit has spoken to this coordinator and takes its heartbeats;
 * - `lost`: no heartbeat reached the unit for `lostAfterMs`.
 */
export type PresenceState = 'pending' | 'connected' | 'lost';

/**
 * A change of presence of one unit.
 *
 * ## Example
 * ```ts
 * coordinator.connect('127.0.0.2').subscribe((p: Presence) => console.log(p.unit, p.state));
 * ```
 */
export interface Presence {
  /** The unit as given to `connect`. */
  readonly unit: string;
  /** The new state. */
  readonly state: PresenceState;
  /** The unit's id, once it has spoken. */
  readonly id?: string;
  /** When the state changed (ms since the epoch). */
  readonly at: number;
  /** Why: the last heartbeat error when `lost`. */
  readonly reason?: string;
}

/**
 * Options of {@link Coordinator.command}.
 *
 * ## Example
 * ```ts
 * coordinator.command('127.0.0.2', 'uptime', { timeoutMs: 2000 });
 * ```
 */
export interface CommandOptions {
  /** Time allowed for the output, from the moment the command is sent. Default: the coordinator's. */
  readonly timeoutMs?: number;
}

/**
 * One command for {@link Coordinator.run}.
 *
 * ## Example
 * ```ts
 * const job: CommandRequest = { unit: '127.0.0.2', command: 'uptime' };
 * ```
 */
export interface CommandRequest {
  /** The unit: its address, or `{ host, port }`. */
  readonly unit: Target;
  /** The shell command. */
  readonly command: string;
  /** Time allowed for the output. Default: the coordinator's. */
  readonly timeoutMs?: number;
}

/**
 * Why a command got no output: it could not be sent ({@link SendError}), the listener could not
 * bind ({@link ListenError}), or no output came in time ({@link OutputTimeoutError}).
 */
export type CommandError = SendError | ListenError | OutputTimeoutError;

/**
 * The result of one command of {@link Coordinator.run}, tagged with its unit and request.
 *
 * ## Example
 * ```ts
 * coordinator.run(jobs$).subscribe((r: CommandResult) =>
 *   r.ok ? console.log(r.unit, r.output.output) : console.error(r.unit, r.error.message),
 * );
 * ```
 */
export type CommandResult<R extends CommandRequest = CommandRequest> =
  | {
      /** The command got its output. */
      readonly ok: true;
      /** The unit's host. */
      readonly unit: string;
      /** The request as given. */
      readonly request: R;
      /** The output event. */
      readonly output: Output;
    }
  | {
      /** The command failed. */
      readonly ok: false;
      /** The unit's host. */
      readonly unit: string;
      /** The request as given. */
      readonly request: R;
      /** Why. */
      readonly error: CommandError;
    };

/**
 * Options of {@link Coordinator.run}.
 *
 * ## Example
 * ```ts
 * coordinator.run(jobs$, { concurrency: 8, minGapMs: 100 });
 * ```
 */
export interface RunOptions {
  /** At most this many commands in flight over all units. Default: no cap. */
  readonly concurrency?: number;
  /** Minimum time between the end of a command and the start of the next on the same unit. */
  readonly minGapMs?: number;
}

/**
 * A coordinator: one shared inbound listener, an identity, heartbeats and presence, the
 * `unit_info` cache, and commands sequenced per unit. Made by {@link createCoordinator}.
 *
 * Everything is lazy: the listener binds when the first stream that needs it is subscribed and
 * is released when the last one is unsubscribed. Keep one subscription (for example to
 * `events$` or `connect(unit)`) open for the whole session, so the port stays bound between
 * commands.
 */
export interface Coordinator {
  /** This coordinator's id, as sent to units. */
  readonly id: string;
  /** Every inbound item, events and rejected payloads alike (shared listener). */
  readonly inbound$: Observable<Inbound>;
  /** The valid events of every unit (shared listener). */
  readonly events$: Observable<PycomEvent>;
  /** The inbound payloads that were rejected, with their reasons (shared listener). */
  readonly rejected$: Observable<Rejected>;
  /** The outputs that no command was waiting for (late answers, or commands sent by others). */
  readonly unmatched$: Observable<Output>;
  /** The listener's bound address, while it is bound (subscribing binds it). */
  readonly listening$: Observable<AddressInfo>;
  /** The identity sent with every request, for a connection from `localAddress`. */
  identity(localAddress?: string): Identity;
  /** The events of one unit (by address or id), recognised by id, `ip` field or connection source. */
  eventsFrom(unit: Target): Observable<PycomEvent>;
  /** Heartbeats to a unit while subscribed, and its presence changes. */
  connect(unit: Target): Observable<Presence>;
  /** A unit's `unit_info` (by address or id): the last one received, then any new one. */
  unitInfo(unit: string): Observable<UnitInfo>;
  /** Sends one shell command (after the previous one to the same unit) and emits its output. */
  command(unit: Target, shellCommand: string, options?: CommandOptions): Observable<Output>;
  /** Runs many commands: one at a time per unit, units in parallel, failures as values. */
  run<R extends CommandRequest>(commands$: Observable<R>, options?: RunOptions): Observable<CommandResult<R>>;
}
