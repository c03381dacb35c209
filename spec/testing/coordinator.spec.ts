import { map } from 'rxjs';
import { createCoordinator } from '../../src/coordinator';
import { memoryNetwork, memoryTransport, memoryUnit, unitInfoEvent } from '../../src/testing';
import { testScheduler } from '../helpers/events';

const scheduler = testScheduler;

const UNIT = '192.168.0.23';

describe('pycom-rx/testing with a coordinator', () => {
  it('shows presence in virtual time: connected at once, lost when the unit refuses, back after', () => {
    const testScheduler = scheduler();
    testScheduler.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: testScheduler });
      const unit = memoryUnit(network, { host: '192.168.0.23' });
      const coordinator = createCoordinator({
        scheduler: testScheduler,
        transport: memoryTransport(network),
      });
      testScheduler.schedule(() => unit.faults.refuseConnections(), 7_000);
      testScheduler.schedule(() => unit.faults.refuseConnections(false), 12_000);
      const states$ = coordinator.connect('192.168.0.23').pipe(map((p) => p.state));
      expectObservable(states$, '^ 20s !').toBe('(pc) 9996ms l 4999ms c', {
        p: 'pending', // at once
        c: 'connected', // the first heartbeat was taken
        l: 'lost', // the heartbeat at 10 s was refused
      });
      testScheduler.schedule(() => void coordinator.close(), 30_000); // heartbeats go on until close()
    });
  });

  it('gives unit_info once the hardware is ready, then completes', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const unit = memoryUnit(network, { host: UNIT, hardwareReadyDelayMs: 'manual' });
      const coordinator = createCoordinator({ scheduler: ts, transport: memoryTransport(network) });
      ts.schedule(() => unit.bootHardware(), 300);
      expectObservable(coordinator.unitInfo(UNIT), '^ 1s !').toBe('300ms (i|)', {
        // as received: the event, where it came from and when
        i: {
          ...unitInfoEvent({ host: UNIT }),
          remote: { address: UNIT, port: expect.any(Number) },
          receivedAt: 300,
        },
      });
      ts.schedule(() => void coordinator.close(), 2_000);
    });
  });

  it('reports an output that came after its command timed out on late$', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      memoryUnit(network, { host: UNIT, executor: () => ({ stdout: 'slow\n', durationMs: 2_000 }) });
      const coordinator = createCoordinator({ scheduler: ts, transport: memoryTransport(network) });
      coordinator.command(UNIT, 'slow', { outputTimeoutMs: 500 }).subscribe({ error: () => undefined });
      const late$ = coordinator.late$.pipe(map((l) => `${l.reason} ${l.output.output}`));
      expectObservable(late$, '^ 3s !').toBe('2s a', { a: 'timeout slow\n' });
      ts.schedule(() => void coordinator.close(), 4_000);
    });
  });
});
