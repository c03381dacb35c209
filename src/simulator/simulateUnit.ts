import { checkOptions, RULES } from '../validation/checkOptions';
import { defaultUnitInfo, SIMULATED_PYCOM_VERSION, SIMULATED_UNIT_NAME } from '../unit/identity';
import { Faults } from '../unit/faults';
import { checkPycomQuirks } from '../unit/pycomQuirks';
import { Unit } from '../unit/unit';
import { checkSimulatorOptions, withDefaults } from './defaults';
import { realEnvironment } from './environment';
import { randomUnitId } from './identity';
import { assertBindable } from './loopback';
import { answerTagged } from './untag';
import { createShellExecutor } from './shellExecutor';
import type { Executor, RebootOptions, SimulatedUnit, SimulateUnitOptions } from './types';
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
 * This behaviour is the unit engine `pycom-rx/testing`'s memory units run too, here given real
 * time, files, a shell and sockets.
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
  checkPycomQuirks(options.pycomQuirks);

  const id = options.id ?? randomUnitId();
  const workspace = createWorkspace(options.homeFiles);
  const shell =
    options.executor === undefined || options.executor === 'shell'
      ? createShellExecutor(workspace, {
          maxOutputBytes: settings.maxOutputBytes,
          keepBackgroundJobs: options.pycomQuirks?.keepBackgroundJobs === true,
        })
      : undefined;
  const executor: Executor = shell?.run ?? answerTagged(options.executor as Executor);
  const unit = new Unit({
    ...settings,
    environment: realEnvironment(settings, workspace.home, executor),
    identity: {
      id,
      name: options.name ?? SIMULATED_UNIT_NAME,
      ip: options.ip ?? host,
      port: settings.port,
      version: options.version ?? SIMULATED_PYCOM_VERSION,
      coordinator: false,
    },
    unitInfo: { ...defaultUnitInfo(id), ...options.unitInfo },
    faults: new Faults(),
    boardioQuirks: options.boardioQuirks,
    pycomQuirks: options.pycomQuirks,
    unitInfoOncePer: options.unitInfoOncePer,
  });

  let closing = false;
  let closed: Promise<void> | undefined;
  let reboots = 0;
  let downtime: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  const boot = (): Promise<void> =>
    closing
      ? Promise.reject(new Error(`simulated unit ${id} is closed`))
      : new Promise<void>((listening, failed) => unit.powerOn({ listening, failed }));

  const ready = Promise.resolve().then(boot);
  ready.catch(() => undefined);

  const reboot = async (rebootOptions: RebootOptions = {}): Promise<void> => {
    checkOptions(rebootOptions, { downtimeMs: RULES.delayMs });
    const downtimeMs = rebootOptions.downtimeMs ?? 0;
    if (closing) throw new Error(`simulated unit ${id} is closed`);
    await ready;
    const mine = ++reboots;
    unit.report({ kind: 'reboot' });
    unit.powerOff();
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
      unit.powerOff();
      await shell?.dispose();
      await removeWorkspace(workspace);
      // Let the listener's handle finish closing before reporting the unit closed.
      await new Promise<void>((resolve) => setImmediate(resolve));
      unit.end();
    })();
    return closed;
  };

  return unit.handle({ home: workspace.home, ready, faults: unit.faults, reboot, close });
}
