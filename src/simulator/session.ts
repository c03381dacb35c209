import { either as E } from 'fp-ts';
import { defer, ignoreElements, mergeMap, type Observable, Subject, Subscription, tap } from 'rxjs';
import { decodeRequest } from '../protocol/decode';
import type { Identity } from '../protocol/identity';
import type { Heartbeat, PycomRequest } from '../protocol/requests';
import { listenPayloads, type Payload, type Rejected, type Remote } from '../transport/listenPayloads';
import { Boardio } from './boardio';
import { runCommand } from './command';
import { CoordinatorRegistry } from './coordinators';
import type { ResolvedOptions } from './defaults';
import { Delivery } from './delivery';
import type { Faults } from './faults';
import { unitInfoEvent } from './identity';
import type {
  ActivityInput,
  BoardioVerb,
  Destination,
  Executor,
  KnownCoordinator,
  UnitInfoFields,
} from './types';

/**
 * What a {@link UnitSession} needs from its unit: its options with their defaults applied
 * (`hardwareReadyDelayMs: 'manual'` waits for {@link UnitSession.bootHardware}), and the parts
 * that outlive a reboot.
 *
 * ## Example
 * ```ts
 * const session = new UnitSession({ host: '127.0.0.2', port: 5000, ...settings });
 * ```
 * @category Simulator
 */
export interface SessionSettings extends ResolvedOptions {
  /** Port to listen on now (0 for any; see `onBound`). */
  readonly port: number;
  /** The unit's identity as it is now (its `port` is the bound one once bound). */
  readonly identity: () => Identity;
  /** The `unit_info` fields. */
  readonly unitInfo: UnitInfoFields;
  /** The unit's home. */
  readonly home: string;
  /** Runs commands. */
  readonly executor: Executor;
  /** The unit's fault state. */
  readonly faults: Faults;
  /** Reports activity (the unit adds `at` and `unit`). */
  readonly report: (activity: ActivityInput) => void;
  /** Called with the bound port once listening. */
  readonly onBound: (port: number) => void;
}

interface Job {
  readonly command: string;
  readonly from: Destination;
}

function isCommand(request: PycomRequest): request is Extract<PycomRequest, { type_: 'cmd' }> {
  return 'type_' in request && request.type_ === 'cmd';
}

/**
 * One power-on of a simulated unit, from boot to reboot or close: the pycom listener, the known
 * coordinators, the command queue, boardio and the outbound event queue. A reboot stops the
 * session and starts a new one, so nothing of the old one survives.
 *
 * ## Example
 * ```ts
 * const session = new UnitSession(settings);
 * await session.start();
 * session.stop();
 * ```
 * @category Simulator
 */
export class UnitSession {
  /** The coordinators known in this session. */
  readonly registry: CoordinatorRegistry;
  private readonly boardio: Boardio;
  private readonly delivery: Delivery;
  private readonly commands = new Subject<Job>();
  private readonly subscription = new Subscription();
  private ready = false;

  /**
   * @param settings The unit's settings and long-lived parts.
   */
  constructor(private readonly settings: SessionSettings) {
    const { report } = settings;
    this.registry = new CoordinatorRegistry(settings.coordinatorTimeoutMs, (coordinator) =>
      report({ kind: 'coordinator-expired', coordinator }),
    );
    this.delivery = new Delivery({
      faults: settings.faults,
      connectTimeoutMs: settings.deliveryConnectTimeoutMs,
      timeoutMs: settings.deliveryTimeoutMs,
      localAddress: settings.host,
      report,
    });
    this.boardio = new Boardio({
      home: settings.home,
      rowDurationMs: settings.rowDurationMs,
      report,
      say: (message, to) => this.say(message, to),
    });
    this.subscription.add(
      this.commands
        .pipe(mergeMap((job) => this.run(job), Math.max(1, settings.commandConcurrency)))
        .subscribe(),
    );
  }

  /** `true` once the hardware is ready. */
  get hardwareReady(): boolean {
    return this.ready;
  }

  /**
   * Listens; once bound, starts the hardware-ready timer.
   * @return Resolves once listening; rejects with a `ListenError`.
   */
  start(): Promise<void> {
    const { host, port, report } = this.settings;
    return new Promise<void>((resolve, reject) => {
      const server = listenPayloads({
        host,
        port,
        maxPayloadBytes: this.settings.maxRequestBytes,
        idleTimeoutMs: this.settings.requestIdleTimeoutMs,
        onListening: (address) => {
          this.settings.onBound(address.port);
          report({ kind: 'listening', host, port: address.port });
          const delay = this.settings.hardwareReadyDelayMs;
          if (delay !== 'manual') {
            const timer = setTimeout(() => this.bootHardware(), delay);
            this.subscription.add(() => clearTimeout(timer));
          }
          resolve();
        },
      }).subscribe({ next: (item) => this.receive(item), error: reject });
      this.subscription.add(server);
    });
  }

  /** Closes the listener and every connection, kills commands, drops queued events, clears timers. */
  stop(): void {
    this.subscription.unsubscribe();
    this.commands.complete();
    this.registry.clear();
    this.boardio.stop();
    this.delivery.stop();
  }

  private receive(item: Payload | Rejected): void {
    const { report } = this.settings;
    if (item.kind === 'rejected') {
      report({ kind: 'request-rejected', reason: item.reason, message: item.message, remote: item.remote });
      return;
    }
    const decoded = decodeRequest(item.bytes);
    if (E.isLeft(decoded)) {
      const { kind: reason, message } = decoded.left;
      report({ kind: 'request-rejected', reason, message, remote: item.remote });
      return;
    }
    const request = decoded.right;
    report({ kind: 'request', request, remote: item.remote });
    if (isCommand(request))
      this.commands.next({
        command: request.command,
        from: { host: item.remote.address, port: request.port },
      });
    else this.heartbeat(request, item.remote);
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

  /** Makes the hardware ready now (once per session): `unit_info` goes out, boardio boots. */
  bootHardware(): void {
    if (this.ready || this.subscription.closed) return;
    this.ready = true;
    this.settings.report({ kind: 'hardware-ready' });
    const known = this.registry.list();
    for (const coordinator of known) this.inform(coordinator);
    this.boardio.boot(known.map((c) => ({ host: c.host, port: c.port })));
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
        if (verb !== 'uSeq' && verb !== 'uSeqStandalone' && verb !== 'runSeq')
          throw new RangeError(`unknown boardio verb ${JSON.stringify(verb)}`);
        if (outputQueued || settings.boardioBeforeOutput) this.boardio.handle(verb, job.from);
        else held.push(verb);
      };
      return runCommand(settings.executor, job.command, {
        home: settings.home,
        boardio,
        timeoutMs: settings.commandTimeoutMs,
        maxOutputBytes: settings.maxOutputBytes,
      }).pipe(
        tap((outcome) => {
          settings.report({ kind: 'command-finished', command: job.command, from: job.from, ...outcome });
          this.delivery.send({ ...settings.identity(), type_: 'output', output: outcome.output }, job.from);
          outputQueued = true;
          for (const verb of held) this.boardio.handle(verb, job.from);
        }),
        ignoreElements(),
      );
    });
  }
}
