import { filter, firstValueFrom, lastValueFrom, ReplaySubject, toArray } from 'rxjs';
import type { Coordinator } from '../../src/coordinator';
import type { ShootEvent } from '../../src/coordinator/shootTypes';
import { closedAfterEach, type UnitAt } from '../helpers/units';
import { ledFan, modelLight } from '../../src/sequence/builders';

// This file's loopback range: 127.163.0.0/16. Coordinators listen and send from 127.163.0.1.
const COORDINATOR_HOST = '127.163.0.1';
const SEQ = [ledFan(1), modelLight(0), modelLight(0)];

const { coordinatorAt, unitAt } = closedAfterEach(COORDINATOR_HOST);

/** Units on `hosts`, closed after the test, with what they do recorded from the start; once ready. */
async function unitsAt(hosts: ReadonlyArray<string>) {
  const at = hosts.map((host) => unitAt(host));
  await Promise.all(at.map(({ unit }) => unit.ready));
  return at;
}

/** The `runSeq` commands a unit started so far (counted at the unit). */
const runSeqs = (at: UnitAt) => at.commands().filter((c) => c === 'boardiocli runSeq').length;

const shot = (events$: ReturnType<Coordinator['shoot']>) => lastValueFrom(events$.pipe(toArray()));
const summaryOf = (events: ShootEvent[]) => {
  const last = events.at(-1);
  if (last?.kind !== 'summary') throw new Error('no summary at the end');
  return last;
};

describe('coordinator.shoot over real sockets', () => {
  it('fires no unit when one unit of three refuses its sequence (runSeq counted at the units)', async () => {
    const hosts = ['127.163.1.2', '127.163.1.3', '127.163.1.4'];
    const at = await unitsAt(hosts);
    const coordinator = coordinatorAt();
    // boardio refuses an empty file ("is empty"): the second unit gets one
    const events = await shot(coordinator.shoot(hosts, (unit) => (unit === hosts[1] ? [] : SEQ)));
    const summary = summaryOf(events);
    expect(summary.outcome).toBe('not-fired');
    expect(summary.fireSpreadMs).toBeUndefined();
    expect(summary.units.map((u) => [u.unit, u.state, u.reason])).toEqual([
      [hosts[0], 'not-fired', undefined],
      [hosts[1], 'failed', 'boardio'],
      [hosts[2], 'not-fired', undefined],
    ]);
    expect(summary.units[1]?.message).toBe('la4_sequence.csv is empty');
    expect(events.some((e) => e.kind === 'unit' && e.state === 'fired')).toBe(false);
    for (const unit of at) await unit.sentinel(coordinator);
    expect(at.map((unit) => runSeqs(unit))).toEqual([0, 0, 0]);
  });

  it('fires every unit exactly once when all accept, and follows each to completion', async () => {
    const hosts = ['127.163.2.2', '127.163.2.3', '127.163.2.4'];
    const at = await unitsAt(hosts);
    const coordinator = coordinatorAt();
    const events = await shot(coordinator.shoot(hosts, SEQ));
    const summary = summaryOf(events);
    expect(summary.outcome).toBe('completed');
    for (const u of summary.units) {
      expect(u.state).toBe('completed');
      expect(u.loadedAt).toBeLessThanOrEqual(u.firedAt ?? NaN);
      expect(u.runMs).toBe((u.completedAt ?? NaN) - (u.firedAt ?? NaN));
    }
    const fired = summary.units.map((u) => u.firedAt ?? NaN);
    expect(summary.fireSpreadMs).toBe(Math.max(...fired) - Math.min(...fired));
    // every unit was ready before the first one was fired
    const firstFire = Math.min(...fired);
    expect(summary.units.every((u) => (u.loadedAt ?? Infinity) <= firstFire)).toBe(true);
    for (const unit of at) await unit.sentinel(coordinator);
    expect(at.map((unit) => runSeqs(unit))).toEqual([1, 1, 1]);
  });

  it('reports a unit lost between its load and the fire, and fires and completes the others', async () => {
    const hosts = ['127.163.3.2', '127.163.3.3', '127.163.3.4'];
    const at = await unitsAt(hosts);
    // one load at a time: the first unit is ready while the others still load
    const coordinator = coordinatorAt({ concurrency: 1 });
    const events = new ReplaySubject<ShootEvent>();
    coordinator.shoot(hosts, SEQ).subscribe(events);
    const readyFirst = (e: ShootEvent) => e.kind === 'unit' && e.unit === hosts[0] && e.state === 'ready';
    await firstValueFrom(events.pipe(filter(readyFirst)));
    await at[0]?.unit.close(); // powered off before the fire
    const summary = summaryOf(await lastValueFrom(events.pipe(toArray())));
    expect(summary.outcome).toBe('partial');
    const [lost, ...others] = summary.units;
    expect(lost?.state).toBe('failed');
    expect(['lost', 'unreachable']).toContain(lost?.reason);
    expect(lost?.firedAt).toBeUndefined();
    expect(others.map((u) => u.state)).toEqual(['completed', 'completed']);
    for (const unit of at.slice(1)) await unit.sentinel(coordinator);
    expect(at.slice(1).map((unit) => runSeqs(unit))).toEqual([1, 1]);
  });
});
