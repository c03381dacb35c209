import { either as E } from 'fp-ts';
import { defer, ignoreElements, mergeMap, type Observable, Subject, Subscription, tap } from 'rxjs';
import { decodeRequest } from '../protocol/decode';
import type { Identity } from '../protocol/identity';
import type { Remote } from '../protocol/inbound';
import type { Heartbeat, PycomRequest } from '../protocol/requests';
import type { ActivityInput } from './activity';
import { Boardio, isBoardioVerb } from './boardio';
import { runCommand } from './command';
import { Delivery } from './delivery';
import type { UnitEnvironment } from './environment';
import type { Faults } from './faults';
import { unitInfoEvent } from './identity';
import type { BoardioQuirks, PycomQuirks, UnitInfoOncePer } from './options';
import { pycomOutput } from './pycomQuirks';
import { CoordinatorRegistry } from './registry';
import type { BoardioVerb, Destination, KnownCoordinator, RowDuration, UnitInfoFields } from './types';

/**
 * How a unit behaves, every option resolved: the timings and limits the simulator and the memory
 * unit share.
 *
 * ## Example
 * ```ts
 * const behaviour: UnitBehaviour = { hardwareReadyDelayMs: 'now', coordinatorTimeoutMs: 15_000, ... };
 * ```
 * @internal
 */
export interface UnitBehaviour {
  /**
   * Time from listening until the hardware is ready: a delay on the scheduler, `'now'` (at once,
   * before `start` returns), or `'manual'` (only on {@link PowerOn.bootHardware}).
   */
  readonly hardwareReadyDelayMs: number | 'now' | 'manual';
  /** A coordinator silent this long is forgotten. */
  readonly coordinatorTimeoutMs: number;
  /** A command running this long is given up. */
  readonly commandTimeoutMs: number;
  /** stdout and stderr are each cut to this many bytes (`Infinity`: never). */
  readonly maxOutputBytes: number;
  /** How many commands may run at once. */
  readonly commandConcurrency: number;
  /** How long each sequence row plays. */
  readonly rowDurationMs: RowDuration;
  /** boardio takes verbs as soon as they are handed over, before the command's output. */
  readonly boardioBeforeOutput: boolean;
  /** Where boardio answers differently from the vendor's examples. Default `{}`. */
  readonly boardioQuirks?: BoardioQuirks;
  /** What pycom does to an output before sending it. Default `{}`: nothing. */
  readonly pycomQuirks?: PycomQuirks;
  /** What gets `unit_info` once. Default `'coordinator'`. */
  readonly unitInfoOncePer?: UnitInfoOncePer;
}

/**
 * What a {@link PowerOn} needs from its unit: the behaviour, the environment, and the parts that
 * outlive a reboot.
 *
 * ## Example
 * ```ts
 * const power = new PowerOn({ ...behaviour, environment, host, identity, unitInfo, faults, report });
 * ```
 * @internal
 */
export interface PowerOnSettings extends UnitBehaviour {
  /** Clock, home, shell and network. */
  readonly environment: UnitEnvironment;
  /** The unit's address, as `listening` activity reports it. */
  readonly host: string;
  /** The unit's identity as it is now (its `port` is the bound one once bound). */
  readonly identity: () => Identity;
  /** Overrides of the `unit_info` fields. */
  readonly unitInfo: Partial<UnitInfoFields>;
  /** The unit's fault state. */
  readonly faults: Faults;
  /** Reports activity (the unit adds `at` and `unit`). */
  readonly report: (activity: ActivityInput) => void;
}

/**
 * What {@link PowerOn.start} tells its caller.
 *
 * ## Example
 * ```ts
 * power.start(5000, { bound: (p) => (port = p), listening: resolve, failed: reject });
 * ```
 * @internal
 */
export interface StartHooks {
  /** Bound on this port (first, before `listening` activity is reported). */
  readonly bound: (port: number) => void;
  /** Listening, the hardware timer started (last). */
  readonly listening: () => void;
  /** Could not listen. */
  readonly failed: (error: Error) => void;
}

interface Job {
  readonly command: string;
  readonly from: Destination;
}

function isCommand(request: PycomRequest): request is Extract<PycomRequest, { type_: 'cmd' }> {
  return 'type_' in request && request.type_ === 'cmd';
}

/**
 * One power-on of a unit, from boot to reboot or close: the pycom listener, the known
 * coordinators, the command queue, boardio and the outbound event queue. A reboot stops it and
 * starts a new one, so nothing of the old one survives.
 *
 * ## Example
 * ```ts
 * const power = new PowerOn(settings);
 * power.start(5000, hooks);
 * power.stop();
 * ```
 * @internal
 */
export class PowerOn {
  /** The coordinators known in this power-on. */
  readonly registry: CoordinatorRegistry;
  private readonly boardio: Boardio;
  private readonly delivery: Delivery;
  private readonly commands = new Subject<Job>();
  private readonly subscription = new Subscription();
  private ready = false;

  /**
   * @param settings The unit's behaviour, environment and long-lived parts.
   */
  constructor(private readonly settings: PowerOnSettings) {
    const { environment, report } = settings;
    const { scheduler } = environment;
    this.registry = new CoordinatorRegistry(
      scheduler,
      settings.coordinatorTimeoutMs,
      (coordinator) => report({ kind: 'coordinator-expired', coordinator }),
      settings.unitInfoOncePer,
    );
    this.delivery = new Delivery(environment, settings.faults, report);
    this.boardio = new Boardio({
      files: environment.files,
      scheduler,
      rowDurationMs: settings.rowDurationMs,
      report,
      say: (message, to) => this.say(message, to),
      quirks: settings.boardioQuirks,
    });
    const concurrency = Math.max(1, settings.commandConcurrency);
    this.subscription.add(this.commands.pipe(mergeMap((job) => this.run(job), concurrency)).subscribe());
  }

  /** `true` once the hardware is ready. */
  get hardwareReady(): boolean {
    return this.ready;
  }

  /**
   * Listens on `port` (0: any free one); once bound, starts the hardware-ready delay.
   * @param port The port.
   * @param hooks Told of the bound port, then that it listens, or that it could not.
   */
  start(port: number, hooks: StartHooks): void {
    const { environment, host, report } = this.settings;
    const listener = environment.network.listen(port, {
      listening: (bound) => {
        hooks.bound(bound);
        report({ kind: 'listening', host, port: bound });
        const delay = this.settings.hardwareReadyDelayMs;
        if (delay === 'now') this.bootHardware();
        else if (delay !== 'manual')
          this.subscription.add(environment.scheduler.schedule(() => this.bootHardware(), delay));
        hooks.listening();
      },
      request: (bytes, remote) => this.receive(bytes, remote),
      rejected: (reason, message, remote) => report({ kind: 'request-rejected', reason, message, remote }),
      failed: hooks.failed,
    });
    this.subscription.add(() => listener.unsubscribe());
  }

  /** Closes the listener, stops commands, drops queued events, forgets coordinators, clears timers. */
  stop(): void {
    this.subscription.unsubscribe();
    this.commands.complete();
    this.registry.clear();
    this.boardio.stop();
    this.delivery.stop();
  }

  /** Makes the hardware ready now (once per power-on): `unit_info` goes out, boardio boots. */
  bootHardware(): void {
    if (this.ready || this.subscription.closed) return;
    this.ready = true;
    this.settings.report({ kind: 'hardware-ready' });
    const known = this.registry.list();
    for (const coordinator of known) this.inform(coordinator);
    this.boardio.boot(known.map((c) => ({ host: c.host, port: c.port })));
  }

  private receive(bytes: Uint8Array, remote: Remote): void {
    const { report } = this.settings;
    const decoded = decodeRequest(bytes);
    if (E.isLeft(decoded)) {
      report({ kind: 'request-rejected', reason: decoded.left.kind, message: decoded.left.message, remote });
      return;
    }
    const request = decoded.right;
    report({ kind: 'request', request, remote });
    if (isCommand(request))
      this.commands.next({ command: request.command, from: { host: remote.address, port: request.port } });
    else this.heartbeat(request, remote);
  }

  private heartbeat(beat: Heartbeat, remote: Remote): void {
    if (!beat.coordinator) return;
    const { coordinator, added } = this.registry.heartbeat(beat, remote.address);
    if (added) this.settings.report({ kind: 'coordinator-added', coordinator });
    if (this.ready) this.inform(coordinator);
  }

  private inform(coordinator: KnownCoordinator): void {
    if (!this.registry.markInformed(coordinator)) return;
    const event = unitInfoEvent(this.settings.identity(), this.settings.unitInfo);
    this.delivery.send(event, { host: coordinator.host, port: coordinator.port });
  }

  private say(message: string, to: ReadonlyArray<Destination>): void {
    this.settings.report({ kind: 'boardio-message', message, to });
    for (const target of to)
      this.delivery.send({ ...this.settings.identity(), type_: 'message', message }, target);
  }

  private run(job: Job): Observable<never> {
    const { settings } = this;
    return defer(() => {
      settings.report({ kind: 'command-started', command: job.command, from: job.from });
      const held: BoardioVerb[] = [];
      let outputQueued = false;
      const boardio = (verb: BoardioVerb) => {
        if (!isBoardioVerb(verb)) throw new RangeError(`unknown boardio verb ${JSON.stringify(verb)}`);
        if (outputQueued || settings.boardioBeforeOutput) this.boardio.handle(verb, job.from);
        else held.push(verb);
      };
      return runCommand(settings.environment.executor, job.command, {
        scheduler: settings.environment.scheduler,
        boardio,
        timeoutMs: settings.commandTimeoutMs,
        maxOutputBytes: settings.maxOutputBytes,
      }).pipe(
        tap((outcome) => {
          settings.report({ kind: 'command-finished', command: job.command, from: job.from, ...outcome });
          const output = pycomOutput(outcome.output, settings.pycomQuirks);
          this.delivery.send({ ...settings.identity(), type_: 'output', output }, job.from);
          outputQueued = true;
          for (const verb of held) this.boardio.handle(verb, job.from);
        }),
        ignoreElements(),
      );
    });
  }
}
