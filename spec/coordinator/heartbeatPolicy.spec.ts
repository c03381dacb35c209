import { filter, firstValueFrom, map, take, toArray } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createCoordinator, OptionError, type Coordinator, type CoordinatorOptions } from '../../src';
import { simulateUnit, type SimulatedUnit, type UnitActivity } from '../../src/simulator';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';
import { testScheduler } from '../helpers/events';

// Issue 22, point 3: heartbeats while addressed (the default) or while needed, and a heartbeat
// on the wire before the command after any silence. Virtual time with the memory kit; one spec
// over real sockets (127.117.0.0/24) with a simulated unit.

const UNIT = '10.22.0.1';

/** What a unit saw, in order: `hb` for a heartbeat, `cmd` for a command, and when. */
const requestsOf = (activity: UnitActivity[]) =>
  activity.flatMap((a) => (a.kind === 'request' ? [`${'type_' in a.request ? 'cmd' : 'hb'}@${a.at}`] : []));

/** A memory unit and a coordinator on a fresh network; `t` the coordinator's options. */
function rig(ts: TestScheduler, options: CoordinatorOptions = {}) {
  const network = memoryNetwork({ scheduler: ts });
  const unit = memoryUnit(network, { host: UNIT });
  const activity: UnitActivity[] = [];
  unit.events$.subscribe((a) => activity.push(a));
  const coordinator = createCoordinator({ scheduler: ts, transport: memoryTransport(network), ...options });
  return { unit, activity, coordinator };
}

describe('heartbeat policy (virtual time)', () => {
  it("'while-addressed' (default): keeps heartbeating a unit after its command until close()", () => {
    const ts = testScheduler();
    let expired: number[] = [];
    let beats: string[] = [];
    ts.run(() => {
      const { activity, coordinator } = rig(ts);
      coordinator.command(UNIT, 'echo once').subscribe();
      ts.schedule(() => void coordinator.close(), 59_000);
      ts.schedule(() => {
        expired = activity.filter((a) => a.kind === 'coordinator-expired').map((a) => a.at);
        beats = requestsOf(activity);
      }, 120_000);
    });
    // a heartbeat, the command, then one every 5 s up to close() at 59 s...
    expect(beats).toEqual(['hb@0', 'cmd@0', ...Array.from({ length: 11 }, (_, i) => `hb@${(i + 1) * 5000}`)]);
    expect(expired).toEqual([70_000]); // ...and forgotten only 15 s after the last one
  });

  it("'while-addressed': release(unit) stops them, and the unit forgets the coordinator 15 s later", () => {
    const ts = testScheduler();
    let at: number[] = [];
    let lastBeat = '';
    ts.run(() => {
      const { activity, coordinator } = rig(ts);
      coordinator.command(UNIT, 'echo once').subscribe();
      ts.schedule(() => void coordinator.release(UNIT), 12_000);
      ts.schedule(() => {
        at = activity.filter((a) => a.kind === 'coordinator-expired').map((a) => a.at);
        lastBeat = requestsOf(activity).at(-1)!;
        void coordinator.close();
      }, 60_000);
    });
    expect(lastBeat).toBe('hb@10000');
    expect(at).toEqual([25_000]);
  });

  it('eventsFrom() addresses a unit too: it is heartbeated from then on', () => {
    const ts = testScheduler();
    let beats: string[] = [];
    ts.run(() => {
      const { activity, coordinator } = rig(ts);
      const events = coordinator.eventsFrom(UNIT).subscribe();
      ts.schedule(() => events.unsubscribe(), 1_000);
      ts.schedule(() => ((beats = requestsOf(activity)), void coordinator.close()), 11_000);
    });
    expect(beats).toEqual(['hb@0', 'hb@5000', 'hb@10000']);
  });

  it("'while-needed': heartbeats while the command waits plus one interval; the unit then forgets", () => {
    const ts = testScheduler();
    let at: number[] = [];
    let beats: string[] = [];
    ts.run(() => {
      const { activity, coordinator } = rig(ts, { heartbeat: 'while-needed' });
      coordinator.command(UNIT, 'echo once').subscribe();
      ts.schedule(() => {
        at = activity.filter((a) => a.kind === 'coordinator-expired').map((a) => a.at);
        beats = requestsOf(activity);
      }, 60_000);
    });
    expect(beats).toEqual(['hb@0', 'cmd@0']);
    expect(at).toEqual([15_000]);
  });

  it('after a silence, the heartbeat reaches the unit before the command (and re-introduces the coordinator)', () => {
    const ts = testScheduler();
    let seen: string[] = [];
    ts.run(() => {
      const { activity, coordinator } = rig(ts, { heartbeat: 'while-needed' });
      coordinator.command(UNIT, 'echo first').subscribe();
      ts.schedule(() => coordinator.command(UNIT, 'echo second').subscribe(), 30_000);
      ts.schedule(() => {
        seen = activity
          .filter((a) => a.at >= 30_000)
          .flatMap((a) =>
            a.kind === 'request'
              ? ['type_' in a.request ? 'cmd' : 'hb']
              : a.kind === 'coordinator-added' || a.kind === 'command-started'
                ? [a.kind]
                : [],
          );
      }, 31_000);
    });
    expect(seen).toEqual(['hb', 'coordinator-added', 'cmd', 'command-started']);
  });

  it('back-to-back commands share the heartbeats: no extra heartbeat while the last one is fresh', () => {
    const ts = testScheduler();
    let beats: string[] = [];
    ts.run(() => {
      const { activity, coordinator } = rig(ts);
      for (const [i, t] of [0, 1_000, 4_999, 7_000].entries())
        ts.schedule(() => coordinator.command(UNIT, `echo ${i}`).subscribe(), t);
      ts.schedule(() => ((beats = requestsOf(activity)), void coordinator.close()), 9_000);
    });
    expect(beats).toEqual(['hb@0', 'cmd@0', 'cmd@1000', 'cmd@4999', 'hb@5000', 'cmd@7000']);
  });

  it('checks the option and the target of release() when called', () => {
    expect(() => createCoordinator({ heartbeat: 'sometimes' as never })).toThrow(OptionError);
    expect(() => createCoordinator({ heartbeat: 'sometimes' as never })).toThrow(/heartbeat/);
    const coordinator = createCoordinator({ transport: memoryTransport(memoryNetwork()) });
    expect(() => coordinator.release({ host: '', port: 5000 })).toThrow(OptionError);
    return coordinator.close();
  });
});

describe('heartbeat ordering at a simulated unit (real sockets)', () => {
  let unit: SimulatedUnit | undefined;
  let coordinator: Coordinator | undefined;
  afterEach(async () => {
    await coordinator?.close();
    await unit?.close();
  });

  it('a command after the unit forgot the coordinator goes after a heartbeat, which the unit takes first', async () => {
    unit = simulateUnit({ host: '127.117.0.2', coordinatorTimeoutMs: 300, hardwareReadyDelayMs: 'manual' });
    await unit.ready;
    coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      heartbeat: 'while-needed',
      heartbeatIntervalMs: 100,
    });
    const kinds = (a: UnitActivity) =>
      a.kind === 'request' ? ('type_' in a.request ? 'cmd' : 'hb') : a.kind;
    const expired = firstValueFrom(unit.events$.pipe(filter((a) => a.kind === 'coordinator-expired')));
    await firstValueFrom(coordinator.command(unit.host, 'echo first'));
    await expired; // the unit forgot the coordinator: silence
    const seen = firstValueFrom(
      unit.events$.pipe(
        map(kinds),
        filter((k) => ['hb', 'cmd', 'coordinator-added', 'command-started'].includes(k)),
        take(4),
        toArray(),
      ),
    );
    const output = await firstValueFrom(coordinator.command(unit.host, 'echo second'));
    expect(output.output).toBe('second\n');
    expect(await seen).toEqual(['hb', 'coordinator-added', 'cmd', 'command-started']);
  });
});
