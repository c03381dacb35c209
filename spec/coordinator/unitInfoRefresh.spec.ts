import { firstValueFrom } from 'rxjs';
import {
  createCoordinator,
  OptionError,
  UnitInfoTimeoutError,
  type Coordinator,
  type Received,
  type UnitInfo,
} from '../../src';
import { simulateUnit, type SimulatedUnit, type UnitActivity } from '../../src/simulator';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';
import { testScheduler } from '../helpers/events';

// Issue 22, point 4: unitInfo(unit, { refresh }) asks a unit for its unit_info again, with one
// heartbeat from a fresh coordinator id ('fresh-id'). Virtual time with the memory kit; one spec
// over real sockets (127.117.1.0/24) with a simulated unit.

const UNIT = '10.22.1.1';

describe('unitInfo refresh (virtual time)', () => {
  it("a restarted application with the same id gets no unit_info; with refresh it does ('fresh-id')", () => {
    const ts = testScheduler();
    const got: Array<string> = [];
    const ids: string[] = [];
    ts.run(() => {
      const network = memoryNetwork({ scheduler: ts });
      const unit = memoryUnit(network, { host: UNIT });
      unit.events$.subscribe((a: UnitActivity) => a.kind === 'request' && ids.push(a.request.id));
      const options = { id: 'feedc0de', scheduler: ts, transport: memoryTransport(network) };
      const first = createCoordinator(options);
      first.unitInfo(UNIT).subscribe(() => got.push(`first@${ts.now()}`));
      ts.schedule(() => void first.close(), 1_000);
      ts.schedule(() => {
        const again = createCoordinator(options); // the same id, address and port: "the same coordinator"
        again.unitInfo(UNIT, { timeoutMs: 3_000 }).subscribe({
          error: (e: unknown) => got.push(`${(e as Error).name}@${ts.now()}`),
        });
        ts.schedule(() => {
          again.unitInfo(UNIT, { refresh: true }).subscribe((info: UnitInfo) => {
            got.push(`refreshed@${ts.now()} ${info.mac_address}`);
          });
          ts.schedule(() => void again.close(), 1_000);
        }, 4_000);
      }, 2_000);
    });
    expect(got.slice(0, 2)).toEqual(['first@0', 'UnitInfoTimeoutError@5000']);
    expect(got[2]).toMatch(/^refreshed@6000 dc:a6:32:/);
    // one heartbeat only came from another id: the refresh
    expect(ids.filter((id) => id !== 'feedc0de')).toHaveLength(1);
  });

  it('refresh replaces the cached unit_info, and a later unitInfo() gives the refreshed one', () => {
    const ts = testScheduler();
    const firmware: string[] = [];
    ts.run(() => {
      const network = memoryNetwork({ scheduler: ts });
      memoryUnit(network, { host: UNIT, unitInfo: { firmware_version: '1.2.4' } });
      const coordinator = createCoordinator({ scheduler: ts, transport: memoryTransport(network) });
      const read = (refresh: boolean) =>
        coordinator
          .unitInfo(UNIT, { refresh })
          .subscribe((i) => firmware.push(`${(i as Received).receivedAt}`));
      read(false);
      ts.schedule(() => read(false), 1_000); // cached: the same event
      ts.schedule(() => read(true), 2_000); // asked again: a new event
      ts.schedule(() => read(false), 3_000); // cached: the refreshed one
      ts.schedule(() => void coordinator.close(), 4_000);
    });
    expect(firmware).toEqual(['0', '0', '2000', '2000']);
  });

  it('checks refresh when called', () => {
    const coordinator = createCoordinator({ transport: memoryTransport(memoryNetwork()) });
    expect(() => coordinator.unitInfo(UNIT, { refresh: 'rejoin' as never })).toThrow(OptionError);
    expect(() => coordinator.unitInfo(UNIT, { refresh: 'rejoin' as never })).toThrow(/refresh/);
    expect(() => coordinator.unitInfo(UNIT, { refresh: 'fresh-id' })).not.toThrow();
    return coordinator.close();
  });
});

describe('unitInfo refresh at a simulated unit (real sockets)', () => {
  let unit: SimulatedUnit | undefined;
  const coordinators: Coordinator[] = [];
  afterEach(async () => {
    await Promise.all(coordinators.splice(0).map((c) => c.close()));
    await unit?.close();
  });

  it('gets unit_info again for a coordinator the unit already informed', async () => {
    unit = simulateUnit({ host: '127.117.1.2', hardwareReadyDelayMs: 0 });
    await unit.ready;
    const make = (port: number) => {
      const c = createCoordinator({ id: 'c0ffee01', listen: { host: '127.0.0.1', port } });
      coordinators.push(c);
      return c;
    };
    const first = make(0);
    const { mac_address } = await firstValueFrom(first.unitInfo(unit.host));
    const { port } = unit.coordinators()[0]!; // the port its heartbeats named
    await first.close();
    const again = make(port); // the same id, address and port: no unit_info by itself
    const error = await firstValueFrom(again.unitInfo(unit.host, { timeoutMs: 300 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnitInfoTimeoutError);
    const info = await firstValueFrom(again.unitInfo(unit.host, { refresh: 'fresh-id' }));
    expect(info.mac_address).toBe(mac_address);
    expect((info as Received).remote.address).toBe('127.117.1.2');
  });

  it("gets nothing from a unit that sends unit_info once per address: an UnitInfoTimeoutError (doctor's case)", async () => {
    unit = simulateUnit({ host: '127.117.1.3', hardwareReadyDelayMs: 0, unitInfoOncePer: 'address' });
    await unit.ready;
    const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
    coordinators.push(coordinator);
    await firstValueFrom(coordinator.unitInfo(unit.host));
    const refreshed = firstValueFrom(coordinator.unitInfo(unit.host, { refresh: true, timeoutMs: 300 }));
    expect(await refreshed.catch((e: unknown) => e)).toBeInstanceOf(UnitInfoTimeoutError);
  });
});
