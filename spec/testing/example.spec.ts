import { catchError, map, merge, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createCoordinator, type Coordinator } from 'pycom-rx';
import { memoryNetwork, memoryTransport, memoryUnit } from 'pycom-rx/testing';

/** The application's pipeline under test: one line per unit, its temperature or what went wrong. */
function temperatures(coordinator: Coordinator, units: string[]): Observable<string> {
  return merge(
    ...units.map((unit) =>
      coordinator.command(unit, 'vcgencmd measure_temp', { outputTimeoutMs: 1000 }).pipe(
        map((r) => `${unit} ${r.exitCode === 0 ? r.output.trim() : `failed: ${r.output.trim()}`}`),
        catchError((error: Error) => of(`${unit} ${error.name}`)),
      ),
    ),
  );
}

describe('temperatures', () => {
  it('reads each unit in the time it takes, and names every failure', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: testScheduler });
      memoryUnit(network, {
        host: '10.0.0.1',
        executor: () => ({ stdout: "temp=48.3'C\n", durationMs: 20 }),
      });
      memoryUnit(network, { host: '10.0.0.2', executor: () => ({ stderr: 'no sensor\n', exitCode: 1 }) });
      memoryUnit(network, { host: '10.0.0.3', executor: () => ({ stdout: 'late', durationMs: 5000 }) });
      memoryUnit(network, { host: '10.0.0.4' }).faults.refuseConnections();
      const coordinator = createCoordinator({
        scheduler: testScheduler,
        transport: memoryTransport(network),
      });

      const lines$ = temperatures(coordinator, ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
      expectObservable(lines$).toBe('(ab) 16ms c 979ms (d|)', {
        a: '10.0.0.4 SendError',
        b: '10.0.0.2 failed: no sensor',
        c: "10.0.0.1 temp=48.3'C",
        d: '10.0.0.3 OutputTimeoutError',
      });
      testScheduler.schedule(() => void coordinator.close(), 2000); // heartbeats go on until close()
    });
  });
});
