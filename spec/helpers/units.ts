import { execFile } from 'node:child_process';
import { filter, firstValueFrom, lastValueFrom, type Observable, ReplaySubject, timeout } from 'rxjs';
import { createCoordinator, type Coordinator, type CoordinatorOptions } from '../../src/coordinator';
import { untagCommand } from '../../src/protocol/tagged';
import {
  simulateUnit,
  type Executor,
  type SimulatedUnit,
  type SimulateUnitOptions,
  type UnitActivity,
} from '../../src/simulator';
import { command } from './events';
import { RawCollector, sendRequest, type Inbound } from './sockets';

/**
 * Simulated units and the coordinators that drive them, for real-socket specs: each made through
 * a fixture here is closed after its test. Also what a unit did (`record`), and the sentinels
 * that show that nothing more is on its way.
 */

/** Something a fixture closes after each test. */
interface Closable {
  close(): Promise<void>;
}

/** A function executor that answers `echo X` with `X\n`, after a small random delay. */
export const echoExecutor: Executor = async (shellCommand) => {
  await new Promise((r) => setTimeout(r, Math.random() * 3));
  const m = /^echo (.*)$/s.exec(shellCommand);
  return m
    ? { stdout: `${m[1]}\n` }
    : { stdout: '', stderr: `sh: ${shellCommand}: not found\n`, exitCode: 127 };
};

/** A simulated unit's executor: commands in a real /bin/sh whose PATH has no boardiocli. */
export const withoutBoardiocli: Executor = (shellCommand) =>
  new Promise((resolve) => {
    execFile('/bin/sh', ['-c', shellCommand], { env: { PATH: '/usr/bin:/bin' } }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ stdout, stderr, exitCode: typeof code === 'number' ? code : error === null ? 0 : 1 });
    });
  });

/** What a unit (or a group of units) did, recorded from the moment `record` was called. */
export interface Recording {
  /** Every activity so far, in order. */
  readonly all: UnitActivity[];
  /** The first activity (past or future) of that kind that matches (rejects after `ms`). */
  waitFor<K extends UnitActivity['kind']>(
    kind: K,
    predicate?: (a: Extract<UnitActivity, { kind: K }>) => boolean,
    ms?: number,
  ): Promise<Extract<UnitActivity, { kind: K }>>;
  /** The kinds of every activity so far. */
  kinds(): string[];
  /** The commands the unit started so far, as the coordinator's caller gave them (untagged). */
  commands(): string[];
  /** The verbs boardio received so far, in order. */
  verbs(): string[];
}

/** Records every activity of `events$` from now on, replayed to late waiters (each waits `defaultMs`). */
export function record(events$: Observable<UnitActivity>, defaultMs = 5_000): Recording {
  const replay = new ReplaySubject<UnitActivity>();
  const all: UnitActivity[] = [];
  events$.subscribe({
    next: (a) => {
      all.push(a);
      replay.next(a);
    },
    complete: () => replay.complete(),
  });
  return {
    all,
    waitFor: (kind, predicate = () => true, ms = defaultMs) =>
      firstValueFrom(
        replay.pipe(
          filter((a): a is Extract<UnitActivity, { kind: typeof kind }> => a.kind === kind),
          filter(predicate),
          timeout(ms),
        ),
      ),
    kinds: () => all.map((a) => a.kind),
    commands: () =>
      all.flatMap((a) =>
        a.kind === 'command-started' ? [untagCommand(a.command)?.command ?? a.command] : [],
      ),
    verbs: () => all.flatMap((a) => (a.kind === 'boardio-verb' ? [a.verb] : [])),
  };
}

/** A simulated unit of {@link closedAfterEach}, with everything it does recorded from the start. */
export interface UnitAt extends Recording {
  readonly unit: SimulatedUnit;
  /**
   * Sends `echo sentinel` through `coordinator` and waits until the unit has run it: the unit
   * runs one command at a time and hands a command's boardio verbs over before the next
   * command's output, so everything sent to it before has been seen by then.
   */
  sentinel(coordinator: Coordinator): Promise<void>;
}

/**
 * Coordinators that listen on and send from `host` (port 0; a command waits 5 s unless
 * `defaults` or the call says otherwise) and simulated units: everything made, and everything
 * pushed to `units`, is closed after each test (coordinators first).
 */
export function closedAfterEach(
  host: string,
  defaults: CoordinatorOptions = {},
): {
  readonly coordinatorAt: (options?: CoordinatorOptions) => Coordinator;
  readonly unitAt: (unitHost: string, options?: SimulateUnitOptions) => UnitAt;
  readonly units: Closable[];
} {
  const coordinators: Coordinator[] = [];
  const units: Closable[] = [];
  afterEach(async () => {
    await Promise.all(coordinators.splice(0).map((c) => c.close()));
    await Promise.all(units.splice(0).map((u) => u.close()));
  });
  const coordinatorAt = (options: CoordinatorOptions = {}): Coordinator => {
    const coordinator = createCoordinator({
      listen: { host, port: 0 },
      send: { localAddress: host },
      commandTimeoutMs: 5_000,
      ...defaults,
      ...options,
    });
    coordinators.push(coordinator);
    return coordinator;
  };
  const unitAt = (unitHost: string, options: SimulateUnitOptions = {}): UnitAt => {
    const unit = simulateUnit({ host: unitHost, hardwareReadyDelayMs: 0, rowDurationMs: 10, ...options });
    units.push(unit);
    const recording = record(unit.events$, 10_000);
    return {
      unit,
      ...recording,
      async sentinel(coordinator) {
        const done = recording.waitFor('command-finished', (a) => a.output.includes('sentinel'));
        const { output } = await lastValueFrom(coordinator.command(unitHost, 'echo sentinel'));
        if (output !== 'sentinel\n') throw new Error(`the sentinel came back as ${JSON.stringify(output)}`);
        await done;
      },
    };
  };
  return { coordinatorAt, unitAt, units };
}

let sentinels = 0;

/**
 * Sends `echo <a fresh word>` to the unit at `host`:5000 from the coordinator listening on
 * `collector` and waits for its output: every event the unit queued for that coordinator before
 * it is then in `collector.items`, since a unit sends a coordinator its events in order. The way
 * to check that nothing more arrived, without sleeping. Resolves with the items received before
 * the sentinel.
 */
export async function sentinel(host: string, collector: RawCollector): Promise<Inbound[]> {
  const word = `sentinel-${++sentinels}`;
  await sendRequest(host, 5000, command(collector.port, `echo ${word}`));
  const seen = await collector.waitFor((i) => i.json?.['output'] === `${word}\n`);
  return collector.items.slice(0, collector.items.indexOf(seen));
}

/**
 * The common set-up of a simulator spec: a fresh raw collector (a coordinator's listener on
 * 127.0.0.1) before each test, and every unit started through `simulateUnit` closed (then the
 * collector) after it.
 */
export function simulatorFixture() {
  let collector: RawCollector | undefined;
  const units: SimulatedUnit[] = [];
  beforeEach(async () => {
    collector = await new RawCollector().start();
  });
  afterEach(async () => {
    for (const unit of units.splice(0)) await unit.close();
    await collector?.close();
  });
  return {
    /** The raw coordinator-side collector of this test. */
    get collector(): RawCollector {
      if (collector === undefined) throw new Error('no collector outside a test');
      return collector;
    },
    /** Starts a unit that is closed after the test. */
    simulateUnit(options: SimulateUnitOptions): SimulatedUnit {
      const unit = simulateUnit(options);
      units.push(unit);
      return unit;
    },
  };
}
