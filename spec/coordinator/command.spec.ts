import * as net from 'node:net';
import { concat, defer, firstValueFrom, from, ignoreElements, lastValueFrom, tap, toArray } from 'rxjs';
import { ListenError, OutputTimeoutError, SendError, send, readTrailer } from '../../src';
import { untagCommand } from '../../src/protocol/tagged';
import { simulateUnit, simulateUnits, type SimulatedUnit, type UnitActivity } from '../../src/simulator';
import { nextMatching } from '../helpers/events';
import { canConnect } from '../helpers/sockets';
import { closedAfterEach, echoExecutor } from '../helpers/units';

// This file's loopback range: 127.0.10.0/23 (spec/helpers/addresses.ts). Coordinators listen on
// 127.0.0.1 and send from where the system picks; every coordinator is closed after its test: by
// default it heartbeats the units it addressed until then.
const { coordinatorAt } = closedAfterEach('127.0.0.1', { send: undefined });

describe('coordinator commands', () => {
  let unit: SimulatedUnit;
  afterEach(async () => unit?.close());

  it('sends a shell command to a unit and emits its output (real /bin/sh)', async () => {
    unit = simulateUnit({ host: '127.0.10.2', hardwareReadyDelayMs: 10 });
    await unit.ready;
    const coordinator = coordinatorAt();
    const output = await firstValueFrom(coordinator.command('127.0.10.2', 'echo hi; echo there'));
    expect(output).toMatchObject({
      type_: 'output',
      output: 'hi\nthere\n',
      id: unit.identity.id,
      ip: '127.0.10.2',
    });
    const failing = await firstValueFrom(coordinator.command('127.0.10.2', 'ls /no-such-dir'));
    expect(failing.output).toMatch(/No such file or directory/);
  });

  it('sends the coordinator identity with the bound port and the address that reaches the unit', async () => {
    unit = simulateUnit({ host: '127.0.10.3', executor: echoExecutor });
    await unit.ready;
    const requests: UnitActivity[] = [];
    unit.events$.subscribe((a) => a.kind === 'request' && requests.push(a));
    const coordinator = coordinatorAt({ name: 'rig-7', id: 'abcdef12', tagged: false });
    let port = 0;
    const keep = coordinator.listening$.subscribe((a) => (port = a.port));
    await firstValueFrom(coordinator.command('127.0.10.3', 'echo x'));
    keep.unsubscribe();
    const identity = { id: 'abcdef12', name: 'rig-7', ip: '127.0.0.1', port, coordinator: true };
    // a heartbeat first (the unit had never heard this coordinator), then the command
    expect(requests[0]).toMatchObject({ kind: 'request', request: identity });
    expect(requests[0]).not.toHaveProperty('request.type_');
    expect(requests[1]).toMatchObject({
      kind: 'request',
      request: {
        id: 'abcdef12',
        name: 'rig-7',
        ip: '127.0.0.1',
        port,
        coordinator: true,
        type_: 'cmd',
        command: 'echo x',
      },
    });
    expect(port).toBeGreaterThan(0);
  });

  it('sends commands to the same unit one at a time: the next leaves only after the previous output', async () => {
    unit = simulateUnit({ host: '127.0.10.4', executor: echoExecutor, commandConcurrency: 4 });
    await unit.ready;
    const log: string[] = [];
    unit.events$.subscribe((a) => {
      if (a.kind === 'request' && 'command' in a.request)
        log.push(`request ${untagCommand(a.request.command)?.command}`);
      if (a.kind === 'command-finished') log.push(`output ${readTrailer(a.output)?.output.trim()}`);
    });
    const coordinator = coordinatorAt();
    const outputs = await Promise.all(
      ['a', 'b', 'c'].map((t) => firstValueFrom(coordinator.command('127.0.10.4', `echo ${t}`))),
    );
    expect(outputs.map((o) => o.output)).toEqual(['a\n', 'b\n', 'c\n']);
    expect(log).toEqual([
      'request echo a',
      'output a',
      'request echo b',
      'output b',
      'request echo c',
      'output c',
    ]);
  });

  it('fails with an OutputTimeoutError when no output comes in time, and the next command still works', async () => {
    unit = simulateUnit({ host: '127.0.10.5', executor: echoExecutor });
    await unit.ready;
    unit.faults.dropNext(1);
    const coordinator = coordinatorAt();
    const keep = coordinator.events$.subscribe();
    const error = await firstValueFrom(
      coordinator.command('127.0.10.5', 'echo lost', { outputTimeoutMs: 300 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputTimeoutError);
    expect(error).toMatchObject({ unit: '127.0.10.5', timeoutMs: 300 });
    const next = await firstValueFrom(coordinator.command('127.0.10.5', 'echo found'));
    keep.unsubscribe();
    expect(next.output).toBe('found\n');
  });

  it('fails with a SendError when the unit is unreachable, without waiting for a timeout', async () => {
    // an output timeout of a day: a SendError can only come from the refused connection
    const coordinator = coordinatorAt({ commandTimeoutMs: 86_400_000 });
    const error = await firstValueFrom(coordinator.command('127.0.10.250', 'echo x')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ reason: 'refused', host: '127.0.10.250' });
  });

  it('fails with a ListenError when its port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as net.AddressInfo;
    const coordinator = coordinatorAt({ listen: { host: '127.0.0.1', port } });
    const error = await firstValueFrom(coordinator.command('127.0.10.250', 'echo x')).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => blocker.close(r));
    expect(error).toBeInstanceOf(ListenError);
    expect(error).toMatchObject({ reason: 'in-use', port });
  });

  it('reports outputs that no command waits for on unmatched$', async () => {
    unit = simulateUnit({ host: '127.0.10.6', executor: echoExecutor });
    await unit.ready;
    const coordinator = coordinatorAt();
    const unmatched = nextMatching(coordinator.unmatched$, () => true);
    const bound = await firstValueFrom(coordinator.listening$); // bound by the subscription above
    const stray = {
      ...coordinator.identity('127.0.0.1'),
      port: bound.port,
      type_: 'cmd' as const,
      command: 'echo stray',
    };
    await lastValueFrom(send('127.0.10.6', stray), { defaultValue: undefined });
    expect((await unmatched).output).toBe('stray\n');
  });

  it('releases the port once every subscriber is gone and the unit released', async () => {
    unit = simulateUnit({ host: '127.0.10.7', executor: echoExecutor });
    await unit.ready;
    const coordinator = coordinatorAt();
    const address = await firstValueFrom(coordinator.listening$);
    await firstValueFrom(coordinator.command('127.0.10.7', 'echo bye'));
    await coordinator.release('127.0.10.7'); // addressed units keep the listener bound until then
    // released once release() resolves: nothing to wait for
    expect(await canConnect({ host: '127.0.0.1', port: address.port })).toBe(false);
  });
});

describe('coordinator.run', () => {
  it('matches every output to its own command: 20 units x 100 commands, units in parallel', async () => {
    const sim = simulateUnits(20, { base: '127.0.11.2', executor: echoExecutor, hardwareReadyDelayMs: 10 });
    await sim.ready;
    try {
      const coordinator = coordinatorAt();
      const jobs = sim.units.flatMap((u, i) =>
        Array.from({ length: 100 }, (_, n) => ({ unit: u.host, command: `echo token-${i}-${n}`, index: n })),
      );
      // interleave the units, as a real pipeline would
      jobs.sort((a, b) => a.index - b.index);
      const results = await lastValueFrom(coordinator.run(from(jobs)).pipe(toArray()));
      expect(results).toHaveLength(2000);
      for (const r of results) {
        expect(r.kind).toBe('output');
        if (r.kind === 'output') {
          expect(r.output.output).toBe(`${r.request.command.slice(5)}\n`);
          expect(r.output.ip).toBe(r.unit);
        }
      }
      // per unit, results come back in the order the commands were given
      for (const u of sim.units) {
        const mine = results.filter((r) => r.unit === u.host).map((r) => r.request.index);
        expect(mine).toEqual(Array.from({ length: 100 }, (_, n) => n));
      }
    } finally {
      await sim.close();
    }
  }, 120_000);

  it('keeps going when one unit stops mid-run: its commands fail, the others finish', async () => {
    const sim = simulateUnits(3, { base: '127.0.11.40', executor: echoExecutor, hardwareReadyDelayMs: 10 });
    await sim.ready;
    try {
      const coordinator = coordinatorAt({ commandTimeoutMs: 500 });
      const round = (n: number) => sim.units.map((u) => ({ unit: u.host, command: `echo ${n}` }));
      const dying = sim.units[1]!;
      // the unit stops once it has answered its 10th command, before its 11th is given
      let answered!: () => void;
      const tenAnswered = new Promise<void>((resolve) => (answered = resolve));
      let seen = 0;
      const jobs = concat(
        from(Array.from({ length: 10 }, (_, n) => round(n)).flat()),
        defer(() => tenAnswered.then(() => dying.close())).pipe(ignoreElements()),
        from(Array.from({ length: 20 }, (_, n) => round(10 + n)).flat()),
      );
      const results = await lastValueFrom(
        coordinator.run(jobs).pipe(
          tap((r) => {
            if (r.unit === dying.host && ++seen === 10) answered();
          }),
          toArray(),
        ),
      );
      const kinds = (host: string) => results.filter((r) => r.unit === host).map((r) => r.kind);
      expect(kinds(sim.units[0]!.host)).toEqual(Array.from({ length: 30 }, () => 'output'));
      expect(kinds(sim.units[2]!.host)).toEqual(Array.from({ length: 30 }, () => 'output'));
      expect(kinds(dying.host)).toEqual([
        ...Array.from({ length: 10 }, () => 'output'),
        ...Array.from({ length: 20 }, () => 'failed'),
      ]);
      // a stopped unit refuses the connection: each command says so at once, none waits for a timeout
      const errors = results.flatMap((r) => (r.unit === dying.host && r.kind === 'failed' ? [r.error] : []));
      expect(errors).toEqual(
        Array.from({ length: 20 }, () => expect.objectContaining({ name: 'SendError', reason: 'refused' })),
      );
    } finally {
      await sim.close();
    }
  });
});
