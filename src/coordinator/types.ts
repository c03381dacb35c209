import type { AddressInfo } from 'node:net';
import type { Observable, SchedulerLike } from 'rxjs';
import type { Identity, UnitInfo } from '../protocol';
import type { CommandOutput } from '../protocol/tagged';

export type { CommandOutput } from '../protocol/tagged';
import type { Inbound, Received, Rejected } from '../protocol/inbound';
import type { ListenOptions, SendOptions, Target, Transport } from '../transport';
import type { OutputTimeoutError } from '../operators';
import type { ListenError, SendError } from '../transport';
import type { Sequence } from '../sequence/registers';
import type { CommandTooLargeError } from '../protocol/commandSize';
import type { OptionError } from '../validation/checkOptions';
import type { CoordinatorClosedError, OutputRejectedError, OutputTruncatedError } from './errors';
import type { RunSequenceOptions, SequenceProgress } from './runSequence';
import type { CompletionRules } from './completionRules';
import type { ShootEvent, ShootOptions, ShotSequence } from './shootTypes';
import type { HeartbeatPolicy } from './heartbeats';
import type { UnitInfoRefresh } from './unitInfoRefresh';

/**
 * Options of {@link createCoordinator}. Every field is optional.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ name: 'scan-rig', listen: { port: 5000 }, commandTimeoutMs: 5000 });
 * ```
 * @category Coordinator
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
  /** Connect and hand-over limits of outgoing requests. */
  readonly send?: SendOptions;
  /** Time between heartbeats to a unit. Default 5 000 ms (pycom's rule). */
  readonly heartbeatIntervalMs?: number;
  /**
   * When heartbeats to a unit stop (see {@link HeartbeatPolicy}). Default `'while-addressed'`:
   * every unit the application has addressed is heartbeated, and the listener kept bound, until
   * `close()` or `release(unit)`. `'while-needed'`: while something waits for the unit, plus one
   * interval (a unit then forgets the coordinator between commands more than 15 s apart).
   */
  readonly heartbeat?: HeartbeatPolicy;
  /** A unit with no delivered heartbeat and no event for this long is `lost`. Default 15 000 ms. */
  readonly lostAfterMs?: number;
  /** Time allowed for a command's output, from the moment it is sent. Default 10 000 ms. */
  readonly commandTimeoutMs?: number;
  /**
   * Send commands tagged (default `true`): each runs wrapped so that its output carries a
   * per-command nonce and the exit status, and is matched by the nonce (see `docs/protocol.md`).
   * `false` sends them as given, with pycom's own semantics (stdout, or stderr on failure; no exit
   * status) and positional matching: the next output of the unit answers its oldest command.
   */
  readonly tagged?: boolean;
  /**
   * Trust the `ip` field of events to say which unit sent them, when source addresses are
   * translated between the units and this coordinator (NAT, a proxy). Default `false`: an event
   * belongs to the unit whose address is the connection's source address (then by `id`).
   */
  readonly trustIpField?: boolean;
  /**
   * The size, in UTF-8 bytes, at which the units' pycom cuts an output, when known (`pycom-rx
   * doctor` measures it). A tagged command whose output arrives at least this long without its
   * whole trailer fails at once with an `OutputTruncatedError` instead of waiting for its
   * timeout. Without it, an output is known cut only when it ends inside its trailer. Default:
   * unknown (no cap assumed).
   */
  readonly outputCapBytes?: number;
  /** At most this many commands in flight over all units. Default: no cap. */
  readonly concurrency?: number;
  /** Least time between the end of one command (or sequence) and the start of the next on the same unit. Default 0. */
  readonly minGapMs?: number;
  /** Where time comes from: timers, timeouts, `at` fields. Default: RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** How the coordinator reaches the network. Default {@link tcpTransport}. */
  readonly transport?: Transport;
  /**
   * What counts as a sequence loaded, started and completed on this coordinator's units:
   * overrides of {@link COMPLETION_RULES}, field by field (a `runSequence` call's `completion`
   * overrides these in turn). Default: the vendor-derived rules.
   */
  readonly completion?: Partial<CompletionRules>;
}

/**
 * The presence of a unit, as {@link Coordinator.connect} reports it:
 * - `pending`: heartbeats are going out, no answer from the network yet;
 * - `connected`: the unit took a heartbeat (it accepted the connection and closed it) or sent an
 *   event within `lostAfterMs`;
 * - `lost`: a heartbeat was refused (at once), or nothing got through for `lostAfterMs`.
 * @category Coordinator
 */
export type PresenceState = 'pending' | 'connected' | 'lost';

/**
 * A change of presence of one unit.
 *
 * ## Example
 * ```ts
 * coordinator.connect('127.0.0.2').subscribe((p: Presence) => console.log(p.unit, p.state, p.message));
 * ```
 * @category Coordinator
 */
export interface Presence {
  /** The unit's host. */
  readonly unit: string;
  /** The new state. */
  readonly state: PresenceState;
  /** The unit's id, once it has spoken. */
  readonly id?: string;
  /** When the state changed (ms since the epoch, from the coordinator's scheduler). */
  readonly at: number;
  /**
   * Why, in words, when `lost`: `refused: …` (the unit refused a heartbeat) or the last
   * heartbeat error.
   */
  readonly message?: string;
}

/**
 * Options of {@link Coordinator.command}.
 *
 * ## Example
 * ```ts
 * coordinator.command('127.0.0.2', 'uptime', { outputTimeoutMs: 2000 });
 * ```
 * @category Coordinator
 */
export interface CommandOptions {
  /** Time allowed for the output, from the moment the command is sent. Default: the coordinator's `commandTimeoutMs`. */
  readonly outputTimeoutMs?: number;
  /** Send this command tagged or not. Default: the coordinator's `tagged`. */
  readonly tagged?: boolean;
}

/**
 * Options of one `unitInfo()` call.
 *
 * ## Example
 * ```ts
 * coordinator.unitInfo('192.168.0.23', { timeoutMs: 5_000 });
 * ```
 * @category Coordinator
 */
export interface UnitInfoOptions {
  /**
   * How long to wait for the `unit_info`, in ms, when none is cached: then an
   * `UnitInfoTimeoutError`. Default `UNIT_INFO_TIMEOUT_MS` (15 000); `Infinity` waits as long as
   * the subscription lasts.
   */
  readonly timeoutMs?: number;
  /**
   * Ask the unit for its `unit_info` again instead of using the cached one (see
   * {@link UnitInfoRefresh}): `true` or `'fresh-id'`. Default `false`: the cached one, if any.
   */
  readonly refresh?: boolean | UnitInfoRefresh;
}

/**
 * An output that came after its command had stopped waiting (it timed out, was cancelled, or
 * could not be confirmed as sent): recognised by its nonce, it answered nothing.
 *
 * ## Example
 * ```ts
 * coordinator.late$.subscribe((l: LateOutput) => console.warn(l.unit, l.command, 'answered late:', l.output.output));
 * ```
 * @category Coordinator
 */
export interface LateOutput {
  /** The unit's host. */
  readonly unit: string;
  /** The command it answers, as the caller gave it. */
  readonly command: string;
  /** Why the command no longer waited. */
  readonly reason: 'timeout' | 'cancelled' | 'failed';
  /** The output, trailer removed, with the exit status. */
  readonly output: CommandOutput;
}

/**
 * One command for {@link Coordinator.run}.
 *
 * ## Example
 * ```ts
 * const job: CommandRequest = { unit: '127.0.0.2', command: 'uptime' };
 * ```
 * @category Coordinator
 */
export interface CommandRequest {
  /** The unit: its address, or `{ host, port }`. */
  readonly unit: Target;
  /** The shell command. */
  readonly command: string;
  /** Time allowed for the output. Default: the coordinator's. */
  readonly outputTimeoutMs?: number;
}

/**
 * Why a command got no output: it could not be sent ({@link SendError}), the listener could not
 * bind ({@link ListenError}), no output came in time ({@link OutputTimeoutError}), or the
 * coordinator was closed ({@link CoordinatorClosedError}).
 * @category Coordinator
 */
export type CommandError =
  | SendError
  | ListenError
  | OutputTimeoutError
  | OutputRejectedError
  | OutputTruncatedError
  | CoordinatorClosedError
  | OptionError
  | CommandTooLargeError;

/**
 * The result of one command of {@link Coordinator.run}, tagged with its unit and request.
 *
 * ## Example
 * ```ts
 * const jobs$ = from([{ unit: '127.0.0.2', command: 'uptime' }]);
 * coordinator.run(jobs$).subscribe((r: CommandResult) =>
 *   r.kind === 'output' ? console.log(r.unit, r.output.exitCode, r.output.output) : console.error(r.unit, r.error.message),
 * );
 * ```
 * @category Coordinator
 */
export type CommandResult<R extends CommandRequest = CommandRequest> =
  | {
      /** The command got its output. */
      readonly kind: 'output';
      /** The unit's host. */
      readonly unit: string;
      /** The request as given. */
      readonly request: R;
      /** The output (see {@link CommandOutput}). */
      readonly output: CommandOutput;
    }
  | {
      /** The command failed. */
      readonly kind: 'failed';
      /** The unit's host. */
      readonly unit: string;
      /** The request as given. */
      readonly request: R;
      /** Why. */
      readonly error: CommandError;
    };

/**
 * Counters of a coordinator since it was created, as {@link Coordinator.stats$} emits them.
 *
 * ## Example
 * ```ts
 * coordinator.stats$.subscribe((s: CoordinatorStats) => console.log(s.events, s.commands.output));
 * ```
 * @category Coordinator
 */
export interface CoordinatorStats {
  /** When the snapshot was taken (ms since the epoch, from the coordinator's scheduler). */
  readonly at: number;
  /** Valid events received. */
  readonly events: number;
  /** Rejected inbound payloads, by reason. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Commands by outcome, and outputs that answered nothing. */
  readonly commands: {
    readonly sent: number;
    readonly output: number;
    readonly failed: number;
    readonly timeout: number;
    readonly cancelled: number;
    readonly late: number;
    readonly unmatched: number;
  };
  /** Command round trips per unit host: last, mean and largest, in ms. */
  readonly latency: Readonly<
    Record<
      string,
      { readonly count: number; readonly lastMs: number; readonly meanMs: number; readonly maxMs: number }
    >
  >;
}

/**
 * A coordinator: one shared inbound listener, an identity, heartbeats and presence, the
 * `unit_info` cache, and one queue per unit for commands and sequences. Made by
 * {@link createCoordinator}.
 *
 * The listener binds when the first stream that needs it is subscribed and is released when the
 * last one is unsubscribed, or at once by {@link Coordinator.close}.
 * @category Coordinator
 */
export interface Coordinator {
  /** This coordinator's id, as sent to units. */
  readonly id: string;
  /**
   * Every inbound item exactly as `listen()` emits it: received events (each with its `remote`
   * and `receivedAt`; tagged outputs with their trailers, so `awaitOutput` can match them) and
   * rejected payloads (shared listener).
   */
  readonly inbound$: Observable<Inbound>;
  /**
   * The valid events of every sender, each with its `remote` and `receivedAt`; tagged outputs
   * without their trailers, with their `exitCode` (shared listener).
   */
  readonly events$: Observable<Received>;
  /** The inbound payloads that were rejected, with their reasons (shared listener). */
  readonly rejected$: Observable<Rejected>;
  /**
   * Outputs that answered no command: untagged outputs nobody waited for, tagged outputs with an
   * unknown nonce, or with a known nonce from the wrong source address. Subscribing binds the listener.
   */
  readonly unmatched$: Observable<Received<CommandOutput>>;
  /** Tagged outputs that came after their command stopped waiting. Subscribing binds the listener. */
  readonly late$: Observable<LateOutput>;
  /** The listener's bound address, while it is bound (subscribing binds it). */
  readonly listening$: Observable<AddressInfo>;
  /** A snapshot of the counters at once, then every second (does not bind the listener). */
  readonly stats$: Observable<CoordinatorStats>;
  /** The identity sent with every request, for a connection from `localAddress`. */
  identity(localAddress?: string): Identity;
  /**
   * The events of one unit: those whose connection came from its address (and, when several
   * units share an address, whose `id` is its id).
   *
   * ## Example
   * ```ts
   * coordinator.eventsFrom('127.0.0.2').pipe(ofType('message')).subscribe((m) => console.log(m.message));
   * ```
   */
  eventsFrom(unit: Target): Observable<Received>;
  /**
   * Heartbeats a unit while subscribed and reports its presence changes: `pending` at once, then
   * `connected` / `lost` (see {@link PresenceState}). Completes when the coordinator is closed.
   *
   * ## Example
   * ```ts
   * coordinator.connect('192.168.0.23').subscribe((p) => console.log(p.state, p.message ?? ''));
   * ```
   */
  connect(unit: Target): Observable<Presence>;
  /**
   * A unit's `unit_info`, once: the cached one at once if any, else the one that arrives; then
   * completes. Heartbeats the unit while it waits. Only a unit this coordinator heartbeats, at
   * its own source address, can set it. Errors with an `UnitInfoTimeoutError` when none arrives
   * within `timeoutMs` (default `UNIT_INFO_TIMEOUT_MS`, 15 s): pycom sends it once per
   * coordinator (see the error for why it may never come again; `refresh: true` asks the unit
   * again with a one-off fresh coordinator id, see {@link UnitInfoRefresh}), or a `SendError`
   * (`dns`) when the unit's name does not resolve. A bad target or option throws an `OptionError`
   * at once.
   *
   * ## Example
   * ```ts
   * coordinator.unitInfo('192.168.0.23').subscribe((info) => console.log(info.firmware_version));
   * coordinator.unitInfo('192.168.0.23', { refresh: true }).subscribe((info) => console.log(info.mac_address));
   * ```
   */
  unitInfo(unit: Target, options?: UnitInfoOptions): Observable<UnitInfo>;
  /**
   * Sends one shell command, after the unit's earlier commands and sequences, and emits its
   * output, then completes. The unit is heartbeated while the command waits.
   *
   * The unit may be named by an IP address in any spelling or by a host name, resolved through
   * the transport (the system's resolver) when the call is subscribed; events are matched by
   * the address it resolved to (see docs/pipeline.md, "Units by name").
   *
   * Checked when called: a bad target or option throws an {@link OptionError}, a command with a
   * NUL character a RangeError, a command too long for a unit to run (as it will be sent, tagged
   * or not) a `CommandTooLargeError`. Then the Observable errors with a {@link SendError} (the
   * unit could not be reached, or its name not resolved: reason `dns`), a {@link ListenError}
   * (the listener could not bind), an {@link OutputTimeoutError} (no output in time; a later
   * output goes to `late$`), an `OutputRejectedError` (the listener rejected what the unit sent
   * back: too large, too deep, not JSON), an `OutputTruncatedError` (the output came back cut
   * short, its trailer missing), or a {@link CoordinatorClosedError}. Unsubscribing
   * withdraws a queued command, or stops waiting for an in-flight one.
   *
   * ## Example
   * ```ts
   * coordinator.command('192.168.0.23', 'uptime').subscribe({
   *   next: (r) => console.log(r.exitCode, r.output),
   *   error: (e) => console.error(e.message),
   * });
   * ```
   */
  command(unit: Target, shellCommand: string, options?: CommandOptions): Observable<CommandOutput>;
  /**
   * Runs many commands through the units' queues: one at a time per unit, units in parallel,
   * failures as values. Keeps the listener bound until `commands$` completes and every result is out.
   *
   * ## Example
   * ```ts
   * coordinator.run(from(units.map((unit) => ({ unit, command: 'uptime' })))).subscribe((r) => console.log(r.unit, r.kind));
   * ```
   */
  run<R extends CommandRequest>(commands$: Observable<R>): Observable<CommandResult<R>>;
  /**
   * Uploads a sequence, loads it, and only once boardio confirmed the load, runs it; reports each
   * step (see {@link SequenceProgress}). Queued with the unit's commands; the unit is heartbeated
   * throughout. Never errors except with a {@link CoordinatorClosedError}.
   *
   * ## Example
   * ```ts
   * coordinator.runSequence('192.168.0.23', preset({ mode: 'ALL', camera: 'nikon', power: 80 })).subscribe((p) => console.log(p.step));
   * ```
   */
  runSequence(unit: Target, sequence: Sequence, options?: RunSequenceOptions): Observable<SequenceProgress>;
  /**
   * Shoots a rig: all units fire together, or none. Phase 1 uploads and loads the sequence on
   * every unit (queued with each unit's commands, within `concurrency`), until every unit
   * confirmed `BOARDIO_READY`; if one fails, runs out of `loadDeadlineMs` or is lost, no unit is
   * fired. Phase 2 hands `boardiocli runSeq` to every unit in the same tick, then follows each to
   * completion. Every unit is heartbeated throughout. Emits each unit's states, then one summary
   * (outcome, per-unit times, fire spread). Never errors except with a
   * {@link CoordinatorClosedError}; bad options or targets throw an {@link OptionError} at once.
   *
   * ## Example
   * ```ts
   * const seq = preset({ mode: 'ALL', camera: 'canon', power: 80 });
   * coordinator.shoot(['192.168.0.21', '192.168.0.22'], seq).subscribe((e) =>
   *   e.kind === 'summary' ? console.log(e.outcome, e.fireSpreadMs) : console.log(e.unit, e.state),
   * );
   * ```
   */
  shoot(units: ReadonlyArray<Target>, sequence: ShotSequence, options?: ShootOptions): Observable<ShootEvent>;
  /**
   * Stops everything: heartbeats stop, queued and in-flight commands fail with a
   * {@link CoordinatorClosedError}, every stream of this coordinator completes, and the listener
   * releases its port, whoever is still subscribed. Resolves once the port is released. Idempotent.
   *
   * ## Example
   * ```ts
   * await coordinator.close();
   * ```
   */
  close(): Promise<void>;
  /**
   * Ends the addressed state of a unit (or, without one, of every unit): its heartbeats stop at
   * once when nothing waits for it (else once the last command, sequence or `connect` ends, plus
   * one interval), and so does its hold of the listener. The unit forgets this coordinator 15 s
   * later; addressing it again starts its heartbeats again. Resolves once done (a host name is
   * resolved first: a `SendError` of reason `dns` if it does not). Nothing to do with the policy
   * `'while-needed'`.
   *
   * ## Example
   * ```ts
   * await lastValueFrom(coordinator.command('192.168.0.23', 'uptime'));
   * await coordinator.release('192.168.0.23'); // no more heartbeats to it
   * ```
   */
  release(unit?: Target): Promise<void>;
}
