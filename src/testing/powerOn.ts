import { either as E } from 'fp-ts';
import {
  catchError,
  concatMap,
  defaultIfEmpty,
  defer,
  ignoreElements,
  isObservable,
  map,
  type Observable,
  of,
  race,
  Subject,
  Subscription,
  take,
  tap,
  timer,
} from 'rxjs';
import { taggedOutput, untagCommand } from '../protocol/tagged';
import { exceedsCommandLimit } from '../protocol/commandSize';
import { ARGUMENT_LIST_TOO_LONG, CANNOT_EXECUTE_EXIT_CODE } from '../simulator/cannotRun';
import { decodeRequest } from '../protocol/decode';
import type { Identity } from '../protocol/identity';
import type { Heartbeat, PycomRequest } from '../protocol/requests';
import type { Remote } from '../transport/listenPayloads';
import { TIMEOUT_EXIT_CODE } from '../simulator/command';
import type { Faults } from '../simulator/faults';
import { defaultUnitInfo } from '../simulator/identity';
import type {
  ActivityInput,
  BoardioVerb,
  Destination,
  KnownCoordinator,
  RowDuration,
  UnitInfoFields,
} from '../simulator/types';
import { MemoryBoardio } from './boardio';
import { MemoryDelivery } from './delivery';
import type { MemoryNetwork, Receiver } from './network';
import { MemoryRegistry } from './registry';
import { result, runShell, type ShellResult } from './shell';
import type { MemoryExecutor, MemoryExecutorResult } from './types';

/**
 * What a {@link PowerOn} needs from its unit: settings, and the parts that outlive a reboot.
 *
 * ## Example
 * ```ts
 * const power = new PowerOn({ network, host: '192.168.0.23', ...settings });
 * ```
 */
export interface PowerOnSettings {
  /** The network. */
  readonly network: MemoryNetwork;
  /** The unit's address. */
  readonly host: string;
  /** The unit's identity as it is now. */
  readonly identity: () => Identity;
  /** Overrides of the `unit_info` fields. */
  readonly unitInfo: Partial<UnitInfoFields>;
  /** The unit's home. */
  readonly files: Map<string, string>;
  /** The unit's fault state. */
  readonly faults: Faults;
  /** `true` while requests are refused. */
  readonly refusing: () => boolean;
  /** Reports activity (the unit adds `at` and `unit`). */
  readonly report: (activity: ActivityInput) => void;
  /** Runs the commands that are not built in. */
  readonly executor: MemoryExecutor;
  /** See `MemoryUnitOptions.hardwareReadyDelayMs`. */
  readonly hardwareReadyDelayMs: number | 'manual';
  /** See `MemoryUnitOptions.coordinatorTimeoutMs`. */
  readonly coordinatorTimeoutMs: number;
  /** See `MemoryUnitOptions.commandTimeoutMs`. */
  readonly commandTimeoutMs: number;
  /** See `MemoryUnitOptions.rowDurationMs`. */
  readonly rowDurationMs: RowDuration;
  /** See `MemoryUnitOptions.boardioBeforeOutput`. */
  readonly boardioBeforeOutput: boolean;
}

interface Job {
  readonly command: string;
  readonly from: Destination;
}

function isCommand(request: PycomRequest): request is Extract<PycomRequest, { type_: 'cmd' }> {
  return 'type_' in request && request.type_ === 'cmd';
}

/** An exit status as the shell's `$?` shows it: 0..255. */
const statusOf = (code: number): number => ((Math.trunc(code) % 256) + 256) % 256;

function normalized(value: unknown): ShellResult {
  const r = value as MemoryExecutorResult | null | undefined;
  if (typeof r !== 'object' || r === null)
    return result('memory unit: the executor returned no { stdout, stderr, exitCode }\n', 1);
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { stdout, stderr, merged: stdout + stderr, exitCode: r.exitCode ?? 0 };
}

/**
 * One power-on of a memory unit, from boot to reboot or close: its port, the known
 * coordinators, the command queue, boardio and the outbound events. A reboot stops it and starts
 * a new one, so nothing of the old one survives.
 *
 * ## Example
 * ```ts
 * const power = new PowerOn(settings);
 * power.start(5000);
 * power.stop();
 * ```
 */
export class PowerOn {
  /** The coordinators known in this power-on. */
  readonly registry: MemoryRegistry;
  private readonly boardio: MemoryBoardio;
  private readonly delivery: MemoryDelivery;
  private readonly commands = new Subject<Job>();
  private readonly subscription = new Subscription();
  private ready = false;

  /**
   * @param settings The unit's settings and long-lived parts.
   */
  constructor(private readonly settings: PowerOnSettings) {
    const { network, report } = settings;
    this.registry = new MemoryRegistry(network.scheduler, settings.coordinatorTimeoutMs, (coordinator) =>
      report({ kind: 'coordinator-expired', coordinator }),
    );
    this.delivery = new MemoryDelivery(network, settings.host, settings.faults, report);
    this.boardio = new MemoryBoardio({
      files: settings.files,
      scheduler: network.scheduler,
      rowDurationMs: settings.rowDurationMs,
      report,
      say: (message, to) => this.say(message, to),
    });
    this.subscription.add(this.commands.pipe(concatMap((job) => this.run(job))).subscribe());
  }

  /** `true` once the hardware is ready. */
  get hardwareReady(): boolean {
    return this.ready;
  }

  /**
   * Binds the port and starts the hardware-ready delay.
   * @param port The port (0 for a free one).
   * @return The bound port, or `'in-use'`.
   */
  start(port: number): number | 'in-use' {
    const { network, host, report } = this.settings;
    const receiver: Receiver = (bytes, remote) => this.receive(bytes, remote);
    const bound = network.bind(host, port, receiver);
    if (bound === 'in-use') return bound;
    this.subscription.add(() => network.unbind(host, bound, receiver));
    report({ kind: 'listening', host, port: bound });
    const delay = this.settings.hardwareReadyDelayMs;
    if (delay === 0) this.bootHardware();
    else if (delay !== 'manual')
      this.subscription.add(network.scheduler.schedule(() => this.bootHardware(), delay));
    return bound;
  }

  /** Unbinds, drops commands and queued events, forgets coordinators, cancels every timer. */
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

  private receive(bytes: Uint8Array, remote: Remote): boolean {
    if (this.settings.refusing()) return false;
    const { report } = this.settings;
    const decoded = decodeRequest(bytes);
    if (E.isLeft(decoded)) {
      report({ kind: 'request-rejected', reason: decoded.left.kind, message: decoded.left.message, remote });
      return true;
    }
    const request = decoded.right;
    report({ kind: 'request', request, remote });
    if (isCommand(request))
      this.commands.next({ command: request.command, from: { host: remote.address, port: request.port } });
    else this.heartbeat(request, remote);
    return true;
  }

  private heartbeat(beat: Heartbeat, remote: Remote): void {
    if (!beat.coordinator) return;
    const { coordinator, added } = this.registry.heartbeat(beat, remote.address);
    if (added) this.settings.report({ kind: 'coordinator-added', coordinator });
    if (this.ready) this.inform(coordinator);
  }

  private inform(coordinator: KnownCoordinator): void {
    if (!this.registry.markInformed(coordinator)) return;
    const identity = this.settings.identity();
    this.delivery.send(
      { ...identity, type_: 'unit_info', ...defaultUnitInfo(identity.id), ...this.settings.unitInfo },
      { host: coordinator.host, port: coordinator.port },
    );
  }

  private say(message: string, to: ReadonlyArray<Destination>): void {
    this.settings.report({ kind: 'boardio-message', message, to });
    for (const target of to)
      this.delivery.send({ ...this.settings.identity(), type_: 'message', message }, target);
  }

  private execute(
    command: string,
    verbs: (verb: BoardioVerb) => void,
    tagged: boolean,
  ): Observable<ShellResult> {
    const { settings } = this;
    const { scheduler } = settings.network;
    return defer(() => {
      const answer = settings.executor(command, {
        unit: settings.identity(),
        files: settings.files,
        boardio: verbs,
        scheduler,
        tagged,
      });
      const answer$ = isObservable(answer)
        ? answer.pipe(take(1), defaultIfEmpty({} as MemoryExecutorResult))
        : of(answer);
      return answer$.pipe(
        concatMap((r) => {
          const ms = typeof r === 'object' && r !== null ? (r.durationMs ?? 0) : 0;
          return ms > 0 ? timer(ms, scheduler).pipe(map(() => r)) : of(r);
        }),
      );
    }).pipe(
      map(normalized),
      catchError((error: unknown) => of(result(error instanceof Error ? error.message : String(error), 1))),
    );
  }

  private run(job: Job): Observable<never> {
    const { settings } = this;
    const { scheduler } = settings.network;
    return defer(() => {
      settings.report({ kind: 'command-started', command: job.command, from: job.from });
      const started = scheduler.now();
      const held: BoardioVerb[] = [];
      let outputQueued = false;
      const verbs = (verb: BoardioVerb) => {
        if (outputQueued || settings.boardioBeforeOutput) this.boardio.handle(verb, job.from);
        else held.push(verb);
      };
      const tag = untagCommand(job.command);
      // Linux refuses to start a command over MAX_COMMAND_BYTES (E2BIG): nothing of it runs
      const ran$ = (
        exceedsCommandLimit(job.command)
          ? of(result(ARGUMENT_LIST_TOO_LONG, CANNOT_EXECUTE_EXIT_CODE))
          : runShell(tag?.command ?? job.command, {
              files: settings.files,
              boardio: verbs,
              run: (command) => this.execute(command, verbs, tag !== undefined),
            })
      ).pipe(map((r) => ({ ...r, timedOut: false })));
      const ms = settings.commandTimeoutMs;
      const timedOut$ = timer(ms, scheduler).pipe(
        map(() => ({
          ...result(`pycom-sim: command timed out after ${ms} ms\n`, TIMEOUT_EXIT_CODE),
          timedOut: true,
        })),
      );
      return race(ran$, timedOut$).pipe(
        take(1),
        tap((outcome) => {
          // A tagged command's wrapper prints everything, then the trailer, and exits 0.
          const shown =
            tag !== undefined && !outcome.timedOut
              ? {
                  stdout: taggedOutput(tag.nonce, outcome.merged, statusOf(outcome.exitCode)),
                  stderr: '',
                  exitCode: 0,
                }
              : outcome;
          const output = shown.exitCode === 0 ? shown.stdout : shown.stderr;
          settings.report({
            kind: 'command-finished',
            command: job.command,
            from: job.from,
            stdout: shown.stdout,
            stderr: shown.stderr,
            exitCode: shown.exitCode,
            timedOut: outcome.timedOut,
            truncated: false,
            output,
            durationMs: scheduler.now() - started,
          });
          this.delivery.send({ ...settings.identity(), type_: 'output', output }, job.from);
          outputQueued = true;
          for (const verb of held) this.boardio.handle(verb, job.from);
        }),
        ignoreElements(),
      );
    });
  }
}
