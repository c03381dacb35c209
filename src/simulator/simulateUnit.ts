import { Subject } from 'rxjs';
import { checkOptions, RULES } from '../validation/checkOptions';
import type { Identity } from '../protocol/identity';
import { checkSimulatorOptions, withDefaults } from './defaults';
import { Faults } from './faults';
import { defaultUnitInfo, randomUnitId, SIMULATED_PYCOM_VERSION, SIMULATED_UNIT_NAME } from './identity';
import { assertBindable } from './loopback';
import { UnitSession } from './session';
import { refuseOversized } from './cannotRun';
import { answerTagged } from './untag';
import { createShellExecutor } from './shellExecutor';
import type {
  ActivityInput,
  KnownCoordinator,
  RebootOptions,
  SimulatedUnit,
  SimulateUnitOptions,
  UnitActivity,
} from './types';
import { createWorkspace, removeWorkspace } from './workspace';

export { SIMULATOR_DEFAULTS } from './defaults';

/**
 * Starts a simulated LightArray4 unit: pycom listening on `host:port` (default `127.0.0.1:5000`)
 * plus a boardio stand-in, talking the protocol over real sockets.
 *
 * It reads one JSON request per connection, never answers on it, and sends every event on a new
 * connection to the request's source IP at the payload's `port`. Heartbeats with
 * `coordinator: true` make it know a coordinator (forgotten after `coordinatorTimeoutMs` of
 * silence); `unit_info` goes once to each coordinator once the hardware is ready. Commands run in
 * a real `/bin/sh` (or the given executor) and answer with an `output` event to their sender;
 * `boardiocli` verbs drive the simulated boardio, whose `message` events go to the same sender.
 *
 * Only loopback addresses are bound unless `allowNonLoopback` is set: it throws an
 * {@link UnsafeAddressError} otherwise. Always call `close()`: it releases the port, kills
 * commands, clears every timer and removes the temporary home. A process that ends without it
 * still kills the commands and removes the home (at its `'exit'`: the end of the event loop,
 * `process.exit()`, an uncaught exception); the home of a process killed by a signal is removed
 * when the next simulated unit starts, in any process.
 *
 * Any command gets an answer, as from a real unit: one over `MAX_COMMAND_BYTES` (131,071 bytes)
 * gets `/bin/sh: Argument list too long` with exit status 126, whatever the executor; a tagged
 * one still ends with its trailer.
 *
 * ## Example
 * ```ts
 * const unit = simulateUnit({ host: '127.0.0.2', hardwareReadyDelayMs: 100 });
 * unit.events$.subscribe((a) => console.log(a.kind));
 * await unit.ready;
 * // ... send heartbeats and commands to 127.0.0.2:5000 ...
 * await unit.close();
 * ```
 * @param options Address, identity, executor, timers and limits; all optional.
 * @return The running unit; `ready` resolves once it listens.
 * @category Simulator
 */
export function simulateUnit(options: SimulateUnitOptions = {}): SimulatedUnit {
  const settings = withDefaults(options);
  const { host } = settings;
  assertBindable(host, options.allowNonLoopback ?? false);
  checkSimulatorOptions(options);

  const id = options.id ?? randomUnitId();
  const name = options.name ?? SIMULATED_UNIT_NAME;
  const ip = options.ip ?? host;
  const version = options.version ?? SIMULATED_PYCOM_VERSION;
  const unitInfo = { ...defaultUnitInfo(id), ...options.unitInfo };
  const workspace = createWorkspace(options.homeFiles);
  const shell =
    options.executor === undefined || options.executor === 'shell'
      ? createShellExecutor(workspace, { maxOutputBytes: settings.maxOutputBytes })
      : undefined;
  // A command over MAX_COMMAND_BYTES is refused as Linux refuses it, whatever the executor.
  const executor = refuseOversized(
    shell?.run ??
      answerTagged(options.executor as Exclude<SimulateUnitOptions['executor'], 'shell' | undefined>),
  );
  const faults = new Faults();
  const events = new Subject<UnitActivity>();

  let port = settings.port;
  let session: UnitSession | undefined;
  let closing = false;
  let closed: Promise<void> | undefined;
  let reboots = 0;
  let downtime: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  const report = (activity: ActivityInput) => {
    events.next({ ...activity, at: Date.now(), unit: id } as UnitActivity);
  };
  const identity = (): Identity => ({ id, name, ip, port, version, coordinator: false });

  const boot = (): Promise<void> => {
    if (closing) return Promise.reject(new Error(`simulated unit ${id} is closed`));
    session = new UnitSession({
      ...settings,
      port,
      identity,
      unitInfo,
      home: workspace.home,
      executor,
      faults,
      report,
      onBound: (bound) => {
        port = bound;
      },
    });
    return session.start();
  };

  const ready = Promise.resolve().then(boot);
  ready.catch(() => undefined);

  const reboot = async (rebootOptions: RebootOptions = {}): Promise<void> => {
    checkOptions(rebootOptions, { downtimeMs: RULES.delayMs });
    const downtimeMs = rebootOptions.downtimeMs ?? 0;
    if (closing) throw new Error(`simulated unit ${id} is closed`);
    await ready;
    const mine = ++reboots;
    report({ kind: 'reboot' });
    session?.stop();
    session = undefined;
    if (downtimeMs > 0) {
      await new Promise<void>((resolve) => {
        downtime = { timer: setTimeout(resolve, downtimeMs), resolve };
      });
      downtime = undefined;
    }
    if (closing) throw new Error(`simulated unit ${id} was closed while rebooting`);
    if (mine !== reboots) return; // a later reboot took over
    await boot();
  };

  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      if (downtime !== undefined) {
        clearTimeout(downtime.timer);
        downtime.resolve();
      }
      await ready.catch(() => undefined);
      session?.stop();
      session = undefined;
      await shell?.dispose();
      await removeWorkspace(workspace);
      // Let the listener's handle finish closing before reporting the unit closed.
      await new Promise<void>((resolve) => setImmediate(resolve));
      report({ kind: 'closed' });
      events.complete();
    })();
    return closed;
  };

  return {
    host,
    get port() {
      return port;
    },
    get identity() {
      return identity();
    },
    home: workspace.home,
    events$: events.asObservable(),
    ready,
    faults,
    get hardwareReady() {
      return session?.hardwareReady ?? false;
    },
    coordinators: (): ReadonlyArray<KnownCoordinator> => session?.registry.list() ?? [],
    bootHardware: () => session?.bootHardware(),
    reboot,
    close,
  };
}
