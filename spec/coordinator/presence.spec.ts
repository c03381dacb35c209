import { firstValueFrom, take, toArray } from 'rxjs';
import { createCoordinator, type Presence } from '../../src';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';
import { echoExecutor, nextMatching, sleep } from './helpers';

describe('coordinator.connect (heartbeats and presence)', () => {
  let unit: SimulatedUnit | undefined;
  afterEach(async () => unit?.close());

  it('goes pending, connected, lost, and connected again as the unit goes away and comes back', async () => {
    unit = simulateUnit({ host: '127.0.12.2', hardwareReadyDelayMs: 50, executor: echoExecutor });
    await unit.ready;
    const coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      heartbeatIntervalMs: 50,
      lostAfterMs: 300,
    });
    const states: Presence[] = [];
    const done = firstValueFrom(coordinator.connect('127.0.12.2').pipe(take(4), toArray()));
    const sub = coordinator.connect('127.0.12.2').subscribe((p) => states.push(p));
    await nextMatching(coordinator.events$, (e) => e.type_ === 'unit_info');
    await sleep(50);
    expect(states.map((p) => p.state)).toEqual(['pending', 'connected']);
    expect(states[1]).toMatchObject({ unit: '127.0.12.2', id: unit.identity.id });
    await unit.reboot({ downtimeMs: 800 });
    const all = await done;
    sub.unsubscribe();
    expect(all.map((p) => p.state)).toEqual(['pending', 'connected', 'lost', 'connected']);
    expect(all[2]!.reason).toMatch(/refused|ECONNREFUSED/);
    expect(all[2]!.at - all[1]!.at).toBeGreaterThanOrEqual(250);
  });

  it('heartbeats every interval while subscribed, and stops when unsubscribed', async () => {
    unit = simulateUnit({ host: '127.0.12.3', hardwareReadyDelayMs: 10, executor: echoExecutor });
    await unit.ready;
    let heartbeats = 0;
    unit.events$.subscribe((a) => a.kind === 'request' && !('command' in a.request) && heartbeats++);
    const coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      heartbeatIntervalMs: 100,
    });
    const sub = coordinator.connect('127.0.12.3').subscribe();
    await sleep(450);
    sub.unsubscribe();
    const seen = heartbeats;
    expect(seen).toBeGreaterThanOrEqual(4);
    expect(seen).toBeLessThanOrEqual(6);
    await sleep(250);
    expect(heartbeats).toBe(seen);
  });

  it('stays pending while the unit cannot be reached', async () => {
    const coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      heartbeatIntervalMs: 50,
      lostAfterMs: 200,
    });
    const states = await firstValueFrom(coordinator.connect('127.0.12.250').pipe(take(2), toArray()));
    expect(states.map((p) => p.state)).toEqual(['pending', 'lost']);
  });
});

describe('coordinator.unitInfo', () => {
  let unit: SimulatedUnit | undefined;
  afterEach(async () => unit?.close());

  it('replays the unit_info to a subscriber who comes after it arrived', async () => {
    unit = simulateUnit({ host: '127.0.12.4', hardwareReadyDelayMs: 10, executor: echoExecutor });
    await unit.ready;
    const coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      heartbeatIntervalMs: 100,
    });
    const session = coordinator.connect('127.0.12.4').subscribe();
    await nextMatching(coordinator.events$, (e) => e.type_ === 'unit_info');
    await sleep(20);
    const byAddress = await firstValueFrom(coordinator.unitInfo('127.0.12.4'));
    const byId = await firstValueFrom(coordinator.unitInfo(unit.identity.id));
    session.unsubscribe();
    expect(byAddress).toMatchObject({
      type_: 'unit_info',
      id: unit.identity.id,
      unit_type: 'light_array',
      mcu_type: 'RP2040',
    });
    expect(byId).toEqual(byAddress);
    // still there after the listener was released: pycom sends it only once per coordinator
    expect(await firstValueFrom(coordinator.unitInfo('127.0.12.4'))).toEqual(byAddress);
  });
});
