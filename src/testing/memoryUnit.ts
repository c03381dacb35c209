import type { Subscription } from 'rxjs';
import { Faults } from '../unit/faults';
import { checkPycomQuirks } from '../unit/pycomQuirks';
import { Unit } from '../unit/unit';
import { memoryEnvironment } from './environment';
import { identityOf, MEMORY_UNIT_HOST } from './events';
import type { MemoryNetwork } from './network';
import type { MemoryFaultControls, MemoryRebootOptions, MemoryUnit, MemoryUnitOptions } from './types';

/**
 * The defaults of {@link MemoryUnitOptions}: pycom's documented timings, the simulator's
 * elsewhere, and a hardware that is ready at once.
 *
 * ## Example
 * ```ts
 * memoryUnit(network, { coordinatorTimeoutMs: MEMORY_UNIT_DEFAULTS.coordinatorTimeoutMs / 10 });
 * ```
 * @category Testing
 */
export const MEMORY_UNIT_DEFAULTS = {
  /** pycom's port. */
  port: 5000,
  /** Ready at once; `'manual'` or a delay to test what happens before. */
  hardwareReadyDelayMs: 0,
  /** pycom's documented 15 s. */
  coordinatorTimeoutMs: 15_000,
  /** Commands are given up after 30 s. */
  commandTimeoutMs: 30_000,
  /** 100 ms per sequence row. */
  rowDurationMs: 100,
} as const;

/** The fault state of a memory unit: the unit engine's, plus refusing connections. */
class MemoryFaults extends Faults implements MemoryFaultControls {
  /** `true` while request connections are refused. */
  refusing = false;

  /** {@inheritDoc MemoryFaultControls.refuseConnections} */
  refuseConnections(refuse = true): void {
    this.refusing = refuse;
  }

  /** {@inheritDoc FaultControls.clear} */
  override clear(): void {
    super.clear();
    this.refusing = false;
  }
}

function checked(name: string, value: number, min: 'zero' | 'positive'): number {
  if (!Number.isFinite(value) || value < 0 || (min === 'positive' && value === 0))
    throw new RangeError(`${name} must be a finite number ${min === 'zero' ? '>= 0' : '> 0'}, got ${value}`);
  return value;
}

/**
 * Puts an in-memory LA4 unit on a {@link MemoryNetwork}: the simulator's behaviour, without
 * sockets, in the network scheduler's time, so a coordinator on {@link memoryTransport} can be
 * tested inside `TestScheduler.run()`.
 *
 * - Heartbeats with `coordinator: true` make it know a coordinator, forgotten after
 *   `coordinatorTimeoutMs` without one.
 * - `unit_info` goes once to each coordinator, as soon as both hold: the coordinator is known and
 *   the hardware is ready (`hardwareReadyDelayMs` after listening, or `bootHardware()`).
 * - Commands run one at a time, in arrival order: tagged ones unwrapped and answered with what
 *   they printed and their trailer; untagged ones with stdout, or stderr on failure. Sequence
 *   uploads and `boardiocli` verbs are built in; everything else goes to `executor`.
 * - boardio answers `BOARDIO_READY` / `BOARDIO_ERROR: ...` and, after the rows' durations,
 *   `Sequence complete`, to the coordinator whose command handed it the verb.
 * - Events leave from the unit's host, one connection each, in order per coordinator;
 *   `faults` drops, breaks, delays them, or refuses requests; `reboot()` and `close()`.
 *
 * It binds its port at once; a port already taken throws a `ListenError`.
 *
 * ## Example
 * ```ts
 * const unit = memoryUnit(network, {
 *   host: '192.168.0.23',
 *   executor: (command) => (command === 'uptime' ? { stdout: 'up 1 day\n', durationMs: 20 } : { stderr: 'no\n', exitCode: 1 }),
 * });
 * ```
 * @param network The network it joins.
 * @param options Address, identity, executor, files and timings; all optional.
 * @category Testing
 */
export function memoryUnit(network: MemoryNetwork, options: MemoryUnitOptions = {}): MemoryUnit {
  const host = options.host ?? MEMORY_UNIT_HOST;
  const requestedPort = options.port ?? MEMORY_UNIT_DEFAULTS.port;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535)
    throw new RangeError(`port must be an integer 0..65535, got ${requestedPort}`);
  const delay = options.hardwareReadyDelayMs ?? MEMORY_UNIT_DEFAULTS.hardwareReadyDelayMs;
  const identity = identityOf({ ...options, host, port: requestedPort });
  const readyDelay = delay === 'manual' ? delay : checked('hardwareReadyDelayMs', delay, 'zero');
  checkPycomQuirks(options.pycomQuirks);
  const faults = new MemoryFaults();
  const files = new Map(Object.entries(options.files ?? {}));
  const unit: Unit = new Unit({
    environment: memoryEnvironment({
      network,
      host,
      identity: () => unit.identity(),
      files,
      refusing: () => faults.refusing,
      executor:
        options.executor ??
        ((command) => ({
          stderr: `sh: 1: ${command.trim().split(/\s+/)[0] ?? ''}: not found\n`,
          exitCode: 127,
        })),
    }),
    host,
    port: requestedPort,
    identity,
    unitInfo: options.unitInfo ?? {},
    faults,
    hardwareReadyDelayMs: readyDelay === 0 ? 'now' : readyDelay,
    coordinatorTimeoutMs: checked(
      'coordinatorTimeoutMs',
      options.coordinatorTimeoutMs ?? MEMORY_UNIT_DEFAULTS.coordinatorTimeoutMs,
      'positive',
    ),
    commandTimeoutMs: checked(
      'commandTimeoutMs',
      options.commandTimeoutMs ?? MEMORY_UNIT_DEFAULTS.commandTimeoutMs,
      'positive',
    ),
    maxOutputBytes: Infinity,
    commandConcurrency: 1,
    rowDurationMs: options.rowDurationMs ?? MEMORY_UNIT_DEFAULTS.rowDurationMs,
    boardioBeforeOutput: options.boardioBeforeOutput ?? false,
    boardioQuirks: options.boardioQuirks,
    pycomQuirks: options.pycomQuirks,
    unitInfoOncePer: options.unitInfoOncePer,
  });
  let comeback: Subscription | undefined;
  let closed = false;

  /** Listens and boots; throws the `ListenError` when the port is taken. */
  const start = (): void => {
    let failure: Error | undefined;
    unit.powerOn({ listening: () => undefined, failed: (error) => (failure = error) });
    if (failure !== undefined) throw failure;
  };
  const detach = network.attach(host);
  try {
    start();
  } catch (error) {
    detach();
    throw error;
  }

  const down = (): void => {
    comeback?.unsubscribe();
    comeback = undefined;
    unit.powerOff();
  };

  return unit.handle({
    faults,
    files,
    reboot: (rebootOptions: MemoryRebootOptions = {}) => {
      const downtimeMs = checked('downtimeMs', rebootOptions.downtimeMs ?? 0, 'zero');
      if (closed) throw new Error(`memory unit ${identity.id} is closed`);
      unit.report({ kind: 'reboot' });
      down();
      const again = () => {
        comeback = undefined;
        try {
          start();
        } catch {
          // the port was taken while the unit was down: it stays down
        }
      };
      if (downtimeMs > 0) comeback = network.scheduler.schedule(again, downtimeMs);
      else again();
    },
    close: () => {
      if (closed) return;
      closed = true;
      down();
      detach();
      unit.end();
    },
  });
}
