import { filter, firstValueFrom, lastValueFrom, map, NEVER, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createCoordinator, type Coordinator } from '../../src/coordinator';
import { readTrailer } from '../../src/protocol/tagged';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';
import { simulateUnit, TIMEOUT_EXIT_CODE, type ActivityOf, type SimulatedUnit } from '../../src/simulator';

// Issue 25: a simulated unit that stops a command after its own `commandTimeoutMs` answers it as
// `timeout(1)` inside the coordinator's wrapper would: a tagged command still gets its trailer
// (exit status 124), so the coordinator has its result at once instead of waiting for its own,
// much longer, timeout. Real sockets, then the memory unit (the same engine) in virtual time.
// Addresses: 127.43.7.0/24 belongs to this file.

const UNIT = '127.43.7.2';
const STOPPED = 'pycom-sim: command timed out after 300 ms\n';

describe("a simulated unit's own command limit (commandTimeoutMs)", () => {
  let unit: SimulatedUnit;
  let coordinator: Coordinator;

  beforeAll(async () => {
    unit = simulateUnit({ host: UNIT, port: 0, hardwareReadyDelayMs: 0, commandTimeoutMs: 300 });
    await unit.ready;
    // far longer than the unit's limit: a result before it can only come from the unit
    coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 }, commandTimeoutMs: 20_000 });
  });

  afterAll(async () => {
    await coordinator?.close();
    await unit?.close();
  });

  /** The next `command-finished` activity of the unit. */
  const nextFinished = () =>
    firstValueFrom(
      unit.events$.pipe(filter((a): a is ActivityOf<'command-finished'> => a.kind === 'command-finished')),
    );

  // a regression (no trailer) leaves the coordinator waiting its 20 s: this test's 15 s fail first
  it('answers a tagged command it stops with the trailer: the coordinator reports exit code 124 and the message', async () => {
    const finished = nextFinished();
    const results = await lastValueFrom(
      coordinator
        .run(of({ unit: { host: UNIT, port: unit.port }, command: 'sleep 5', outputTimeoutMs: 20_000 }))
        .pipe(toArray()),
    );
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result?.kind).toBe('output');
    if (result?.kind !== 'output') return;
    expect(result.output.exitCode).toBe(TIMEOUT_EXIT_CODE);
    expect(TIMEOUT_EXIT_CODE).toBe(124);
    expect(result.output.output).toBe(STOPPED);
    // what the unit sent: the wrapper's answer (exit 0), the message, then the trailer with 124
    const activity = await finished;
    expect(activity).toMatchObject({ timedOut: true, exitCode: 0, stderr: '' });
    expect(readTrailer(activity.output)).toMatchObject({ exitCode: 124, output: STOPPED });
  }, 15_000);

  it('answers an untagged command it stops as before: the message alone, no exit code', async () => {
    const finished = nextFinished();
    const output = await firstValueFrom(
      coordinator.command({ host: UNIT, port: unit.port }, 'sleep 5', {
        tagged: false,
        outputTimeoutMs: 20_000,
      }),
    );
    expect(output.output).toBe(STOPPED);
    expect(output.exitCode).toBeUndefined();
    expect(await finished).toMatchObject({ timedOut: true, exitCode: 124, stdout: '', stderr: STOPPED });
  }, 15_000);

  it('goes on with the next command after one it stopped', async () => {
    const output = await firstValueFrom(coordinator.command({ host: UNIT, port: unit.port }, 'echo next'));
    expect(output).toMatchObject({ output: 'next\n', exitCode: 0 });
  });
});

describe("a memory unit's own command limit (the same engine, in virtual time)", () => {
  it("answers a tagged command it stops with exit code 124 at its limit, not at the coordinator's", () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const unit = memoryUnit(network, { host: '10.43.7.2', commandTimeoutMs: 100, executor: () => NEVER });
      const c = createCoordinator({
        scheduler: ts,
        transport: memoryTransport(network),
        commandTimeoutMs: 20_000,
      });
      const result$ = c
        .command(unit.host, 'hang')
        .pipe(map((o) => ({ exitCode: o.exitCode, output: o.output })));
      expectObservable(result$).toBe('100ms (a|)', {
        a: { exitCode: 124, output: 'pycom-sim: command timed out after 100 ms\n' },
      });
      ts.schedule(() => void c.close(), 200);
    });
  });
});
