import { TestScheduler } from 'rxjs/testing';
import { createCoordinator, type Coordinator } from '../../src/coordinator';
import type { ShootEvent, ShootOptions, ShotSequence } from '../../src/coordinator/shootTypes';
import { modelLight } from '../../src/sequence/builders';
import type { UnitActivity } from '../../src/simulator';
import { memoryNetwork, memoryTransport, memoryUnit, type MemoryUnit } from '../../src/testing';
import { OptionError } from '../../src/validation';

const HOSTS = ['192.168.0.21', '192.168.0.22', '192.168.0.23'];
/** Two harmless rows: each plays 100 ms on a memory unit. */
const SEQ = [modelLight(0), modelLight(0)];

interface Played {
  /** Each event with its frame. */
  readonly events: ReadonlyArray<readonly [number, ShootEvent]>;
  /** The `runSeq` commands each unit started (counted at the units). */
  readonly runSeqs: number[];
}

/** Shoots the three memory units in virtual time (1 ms latency); `setUp` may break one. */
function play(
  sequence: ShotSequence,
  options: ShootOptions = {},
  setUp: (units: MemoryUnit[]) => void = () => undefined,
): Played {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  const events: Array<readonly [number, ShootEvent]> = [];
  const runSeqs = HOSTS.map(() => 0);
  ts.run(() => {
    const network = memoryNetwork({ scheduler: ts, latencyMs: 1 });
    const units = HOSTS.map((host) => memoryUnit(network, { host, rowDurationMs: 100 }));
    units.forEach((unit, i) =>
      unit.events$.subscribe((a: UnitActivity) => {
        if (a.kind === 'command-started' && a.command.includes('boardiocli runSeq'))
          runSeqs[i] = (runSeqs[i] ?? 0) + 1;
      }),
    );
    setUp(units);
    const coordinator: Coordinator = createCoordinator({
      scheduler: ts,
      transport: memoryTransport(network),
    });
    coordinator.shoot(HOSTS, sequence, options).subscribe({
      next: (e) => events.push([ts.now(), e]),
      complete: () => void coordinator.close(),
    });
  });
  return { events, runSeqs };
}

const summaryOf = ({ events }: Played) => {
  const last = events.at(-1)?.[1];
  if (last?.kind !== 'summary') throw new Error('no summary at the end');
  return last;
};

describe('coordinator.shoot in virtual time', () => {
  it('reports the fire spread and each unit run time (per-unit sequences)', () => {
    // the last unit plays one row more: 100 ms longer
    const played = play((unit) => (unit === HOSTS[2] ? [...SEQ, modelLight(0)] : SEQ));
    const summary = summaryOf(played);
    expect(summary.outcome).toBe('completed');
    // every unit fired in the same tick, over the same latency: no spread
    expect(summary.fireSpreadMs).toBe(0);
    const [a, b, c] = summary.units;
    expect(a?.firedAt).toBe(c?.firedAt);
    expect(a?.runMs).toBe(b?.runMs);
    expect((c?.runMs ?? NaN) - (a?.runMs ?? NaN)).toBe(100);
    expect(a?.runMs).toBeGreaterThanOrEqual(200);
    for (const u of summary.units) expect(u.runMs).toBe((u.completedAt ?? NaN) - (u.firedAt ?? NaN));
    expect(played.runSeqs).toEqual([1, 1, 1]);
    // the states of one unit, in order
    const states = played.events.flatMap(([, e]) =>
      e.kind === 'unit' && e.unit === HOSTS[0] ? [e.state] : [],
    );
    expect(states).toEqual(['loading', 'ready', 'fired', 'completed']);
  });

  it('fires nothing when a unit has not confirmed its load by loadDeadlineMs', () => {
    // the third unit's events (its output, its BOARDIO_READY) arrive 5 s late
    const played = play(SEQ, { loadDeadlineMs: 1_000 }, (units) => units[2]?.faults.delay(5_000));
    const summary = summaryOf(played);
    expect(summary.outcome).toBe('not-fired');
    expect(summary.units.map((u) => [u.state, u.reason])).toEqual([
      ['not-fired', undefined],
      ['not-fired', undefined],
      ['failed', 'deadline'],
    ]);
    const failedAt = played.events.find(([, e]) => e.kind === 'unit' && e.state === 'failed')?.[0];
    expect(failedAt).toBe(1_000);
    expect(summary.units[0]?.message).toBe(`not fired: ${HOSTS[2]} not loaded within 1000 ms`);
    expect(played.runSeqs).toEqual([0, 0, 0]);
  });

  it('with dryRun, loads everywhere and fires nothing', () => {
    const played = play(SEQ, { dryRun: true });
    const summary = summaryOf(played);
    expect(summary.outcome).toBe('dry-run');
    expect(summary.fireSpreadMs).toBeUndefined();
    for (const u of summary.units) {
      expect(u.state).toBe('not-fired');
      expect(u.loadedAt).toBeGreaterThan(0);
      expect(u.message).toBe('dry run: loaded, not fired');
    }
    expect(played.runSeqs).toEqual([0, 0, 0]);
  });

  it('checks its arguments when called', () => {
    const coordinator = createCoordinator();
    const shoot = (units: unknown, sequence: unknown, options?: unknown) => () =>
      coordinator.shoot(units as string[], sequence as ShotSequence, options as ShootOptions);
    expect(shoot([], SEQ)).toThrow(OptionError);
    expect(shoot(['10.0.0.1', '10.0.0.1'], SEQ)).toThrow(
      /option units\[1\] must be a unit not already listed/,
    );
    expect(shoot(['10.0.0.1'], 'ALL')).toThrow(/option sequence/);
    expect(shoot(['10.0.0.1'], SEQ, { loadDeadlineMs: -1 })).toThrow(/options\.loadDeadlineMs/);
    expect(shoot(['10.0.0.1'], SEQ, { onLost: 'refire' })).toThrow(/options\.onLost/);
    expect(shoot(['10.0.0.1'], SEQ, { dryRun: 'yes' })).toThrow(/options\.dryRun/);
    expect(shoot([42], SEQ)).toThrow(/units\[0\]/);
    return coordinator.close();
  });
});
