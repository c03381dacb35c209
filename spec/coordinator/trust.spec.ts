import * as net from 'node:net';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  map,
  shareReplay,
  take,
  takeUntil,
  timeout,
  toArray,
  Subject,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  createCoordinator,
  CoordinatorClosedError,
  encodeEvent,
  OutputTimeoutError,
  type Coordinator,
  type LateOutput,
  type Output,
  type UnitInfo,
} from '../../src';
import { untagCommand } from '../../src/protocol/tagged';
import { sendPayload } from '../../src/transport';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';
import { simulateUnit, type Executor, type SimulatedUnit, type UnitActivity } from '../../src/simulator';

// Issue 10: a command's result always belongs to that command. Real sockets, 127.65.0.0/16; the
// units run one command at a time, as pycom does.

const coordinatorFor = (extra: Parameters<typeof createCoordinator>[0] = {}): Coordinator =>
  createCoordinator({ listen: { host: '127.0.0.1', port: 0 }, commandTimeoutMs: 10_000, ...extra });

/** An executor that answers `echo X` at once, and holds `hold X` until released. */
function holdingExecutor() {
  const held = new Map<string, () => void>();
  const holding$ = new Subject<string>();
  const executor: Executor = async (command) => {
    const hold = /^hold (.*)$/.exec(command);
    if (hold !== null) {
      await new Promise<void>((resolve) => {
        held.set(hold[1]!, resolve);
        holding$.next(hold[1]!);
      });
      return { stdout: `${hold[1]}\n` };
    }
    const echo = /^echo (.*)$/s.exec(command);
    return echo ? { stdout: `${echo[1]}\n` } : { stdout: '', stderr: 'not found\n', exitCode: 127 };
  };
  const release = (name: string) => held.get(name)!();
  return { executor, release, holding$ };
}

const activity = <K extends UnitActivity['kind']>(unit: SimulatedUnit, kind: K) =>
  unit.events$.pipe(filter((a): a is Extract<UnitActivity, { kind: K }> => a.kind === kind));

/** The raw `command` field of the next `cmd` request the unit receives. */
const nextCommandText = (unit: SimulatedUnit) =>
  firstValueFrom(
    activity(unit, 'request').pipe(
      map((a) => ('command' in a.request ? a.request.command : undefined)),
      filter((c): c is string => c !== undefined),
    ),
  );

/** Sends an `output` event to the coordinator from `from`, as a unit would. */
async function sendOutput(coordinator: Coordinator, from: string, event: Output): Promise<void> {
  const { port } = await firstValueFrom(coordinator.listening$);
  await lastValueFrom(sendPayload({ host: '127.0.0.1', port }, encodeEvent(event), { localAddress: from }));
}

const outputs = (coordinator: Coordinator, unit: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      firstValueFrom(coordinator.command(unit, `echo answer-${i}`)).then((o) => o.output),
    ),
  );
const expected = (n: number) => Array.from({ length: n }, (_, i) => `answer-${i}\n`);

describe('trustworthy command results (tagged commands)', () => {
  const units: SimulatedUnit[] = [];
  const coordinators: Coordinator[] = [];
  const start = async (options: Parameters<typeof simulateUnit>[0]) => {
    const unit = simulateUnit({ hardwareReadyDelayMs: 'manual', ...options });
    units.push(unit);
    await unit.ready;
    return unit;
  };
  const coordinator = (extra?: Parameters<typeof createCoordinator>[0]) => {
    const c = coordinatorFor(extra);
    coordinators.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(coordinators.splice(0).map((c) => c.close()));
    await Promise.all(units.splice(0).map((u) => u.close()));
  });

  it('emits the exit status and exactly what the command printed, stdout and stderr merged (real /bin/sh)', async () => {
    await start({ host: '127.65.0.2' });
    const c = coordinator();
    const failed = await firstValueFrom(c.command('127.65.0.2', 'echo x >&2; exit 3'));
    expect(failed).toMatchObject({ type_: 'output', exitCode: 3, output: 'x\n' });
    const ok = await firstValueFrom(c.command('127.65.0.2', 'echo ok'));
    expect(ok).toMatchObject({ exitCode: 0, output: 'ok\n' });
    const noNewline = await firstValueFrom(
      c.command('127.65.0.2', "printf 'a\\tb'; set -e; false; echo never"),
    );
    expect(noNewline).toMatchObject({ exitCode: 1, output: 'a\tb' });
    const heredoc = await firstValueFrom(c.command('127.65.0.2', "cat <<'EOF'\nit's ) fine\nEOF"));
    expect(heredoc).toMatchObject({ exitCode: 0, output: "it's ) fine\n" });
  });

  it('a late output (after its command timed out) answers no later command and goes to late$', async () => {
    const { executor, release, holding$ } = holdingExecutor();
    const unit = await start({ host: '127.65.0.3', executor });
    const c = coordinator();
    const late = firstValueFrom(c.late$);
    const holding = firstValueFrom(holding$);
    const error = await firstValueFrom(c.command(unit.host, 'hold slow', { outputTimeoutMs: 200 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutputTimeoutError);
    await holding;
    const answers = outputs(c, unit.host, 7); // queued at the unit behind the slow one
    release('slow');
    expect(await late).toMatchObject<Partial<LateOutput>>({
      unit: unit.host,
      command: 'hold slow',
      reason: 'timeout',
      output: expect.objectContaining({ output: 'slow\n', exitCode: 0 }) as never,
    });
    expect(await answers).toEqual(expected(7));
  });

  it('a duplicated output answers nothing; every later command gets its own output', async () => {
    const unit = await start({ host: '127.65.0.4', executor: holdingExecutor().executor });
    const c = coordinator();
    const unmatched: Output[] = [];
    c.unmatched$.subscribe((o) => unmatched.push(o));
    const sent = firstValueFrom(activity(unit, 'event-sent'));
    expect((await firstValueFrom(c.command(unit.host, 'echo first'))).output).toBe('first\n');
    const duplicate = (await sent).event as Output;
    await sendOutput(c, unit.host, duplicate);
    expect(await outputs(c, unit.host, 10)).toEqual(expected(10));
    expect(unmatched.map((o) => o.output)).toEqual(['first\n']);
  });

  it('an output sent from another address never answers a command, even with the right nonce and ip field', async () => {
    const { executor, release, holding$ } = holdingExecutor();
    const unit = await start({ host: '127.65.0.5', executor });
    const c = coordinator();
    const unmatched: Output[] = [];
    c.unmatched$.subscribe((o) => unmatched.push(o));
    const text = nextCommandText(unit);
    const holding = firstValueFrom(holding$);
    const answer = firstValueFrom(c.command(unit.host, 'hold real'));
    const { nonce } = untagCommand(await text)!;
    await holding;
    const spoof = { ...unit.identity, type_: 'output' as const };
    // a blind attacker: no nonce; an on-path one: the right nonce, but from its own address
    await sendOutput(c, '127.65.1.9', { ...spoof, output: 'forged\n' });
    await sendOutput(c, '127.65.1.9', { ...spoof, output: `forged\n\x1epycom-rx ${nonce} 0\x1e` });
    release('real');
    expect(await answer).toMatchObject({ output: 'real\n', exitCode: 0 });
    expect(await outputs(c, unit.host, 20)).toEqual(expected(20));
    expect(unmatched.map((o) => o.output)).toEqual(['forged\n', 'forged\n']);
  });

  it('a cancelled command frees its place: its output goes to late$ and the next command gets its own', async () => {
    const { executor, release, holding$ } = holdingExecutor();
    const unit = await start({ host: '127.65.0.6', executor });
    const c = coordinator();
    const late = firstValueFrom(c.late$);
    const holding = firstValueFrom(holding$);
    const cancel = new Subject<void>();
    const cancelled = lastValueFrom(c.command(unit.host, 'hold gone').pipe(takeUntil(cancel)), {
      defaultValue: 'cancelled',
    });
    await holding;
    cancel.next();
    expect(await cancelled).toBe('cancelled');
    const next = firstValueFrom(c.command(unit.host, 'echo mine'));
    release('gone');
    expect(await late).toMatchObject({ command: 'hold gone', reason: 'cancelled' });
    expect((await next).output).toBe('mine\n');
    // RxJS's own timeout operator cancels the same way
    const holdingAgain = firstValueFrom(holding$.pipe(filter((name) => name === 'again')));
    const timedOut = await firstValueFrom(c.command(unit.host, 'hold again').pipe(timeout(50))).catch(
      (e: unknown) => (e as Error).name,
    );
    expect(timedOut).toBe('TimeoutError');
    const after = firstValueFrom(c.command(unit.host, 'echo after'));
    await holdingAgain;
    release('again');
    expect((await after).output).toBe('after\n');
  });

  it('keeps the unit_info of the unit it heartbeats; a spoofed one from another address changes nothing', async () => {
    const unit = await start({ host: '127.65.0.7', unitInfo: { firmware_version: '1.2.3' } });
    const c = coordinator();
    const known = firstValueFrom(activity(unit, 'coordinator-added'));
    const info = c.unitInfo(unit.host);
    const first = firstValueFrom(info);
    await known;
    unit.bootHardware();
    expect((await first).firmware_version).toBe('1.2.3');
    const spoof: UnitInfo = { ...(await first), firmware_version: '6.6.6' };
    const seen = firstValueFrom(c.events$.pipe(filter((e) => e.type_ === 'unit_info')));
    await sendOutput(c, '127.65.1.9', spoof as never);
    await seen;
    expect((await firstValueFrom(c.unitInfo(unit.host))).firmware_version).toBe('1.2.3');
  });

  it("untagged commands have pycom's own semantics: stdout, or stderr on failure, no exit status", async () => {
    await start({ host: '127.65.0.8' });
    const c = coordinator({ tagged: false });
    const ok = await firstValueFrom(c.command('127.65.0.8', 'echo out; echo err >&2'));
    expect(ok.output).toBe('out\n');
    expect(ok.exitCode).toBeUndefined();
    const failed = await firstValueFrom(c.command('127.65.0.8', 'echo out; echo err >&2; exit 2'));
    expect(failed.output).toBe('err\n');
  });
});

describe('coordinator lifetime and options', () => {
  it('close() fails queued and in-flight commands with CoordinatorClosedError and releases the port', async () => {
    const { executor, holding$ } = holdingExecutor();
    const unit = simulateUnit({ host: '127.65.0.9', executor, hardwareReadyDelayMs: 'manual' });
    await unit.ready;
    try {
      const c = coordinatorFor();
      const { port } = await firstValueFrom(c.listening$);
      const holding = firstValueFrom(holding$);
      const inFlight = firstValueFrom(c.command(unit.host, 'hold forever')).catch((e: unknown) => e);
      const queued = firstValueFrom(c.command(unit.host, 'echo later')).catch((e: unknown) => e);
      const presence$ = c.connect(unit.host).pipe(
        map((p) => p.state),
        shareReplay(),
      );
      const presence = lastValueFrom(presence$.pipe(toArray()));
      await holding;
      await firstValueFrom(presence$.pipe(filter((state) => state === 'connected')));
      await c.close();
      expect(await inFlight).toBeInstanceOf(CoordinatorClosedError);
      expect(await queued).toBeInstanceOf(CoordinatorClosedError);
      // connect() completes (it does not error), and the unit was never shown lost
      expect(await presence).toEqual(['pending', 'connected']);
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((r) => server.close(r));
      const after = await firstValueFrom(c.command(unit.host, 'echo x')).catch((e: unknown) => e);
      expect(after).toBeInstanceOf(CoordinatorClosedError);
    } finally {
      await unit.close();
    }
  });

  it.each([
    [{ listen: { port: 70000 } }, 'listen.port'],
    [{ commandTimeoutMs: Number.NaN }, 'commandTimeoutMs'],
    [{ heartbeatIntervalMs: 0 }, 'heartbeatIntervalMs'],
    [{ lostAfterMs: '15000' as unknown as number }, 'lostAfterMs'],
    [{ concurrency: 1.5 }, 'concurrency'],
    [{ minGapMs: 2 ** 31 }, 'minGapMs'],
  ])('checks options when created: %j', (options, name) => {
    expect(() => createCoordinator(options)).toThrow(name);
  });
});

describe('presence and heartbeat leases', () => {
  it('turns connected when the unit takes heartbeats, though it never sends an event', async () => {
    const unit = simulateUnit({ host: '127.65.0.10', hardwareReadyDelayMs: 'manual' });
    await unit.ready;
    const c = coordinatorFor({ heartbeatIntervalMs: 100 });
    try {
      const states = await firstValueFrom(
        c.connect(unit.host).pipe(
          map((p) => p.state),
          take(2),
          toArray(),
        ),
      );
      expect(states).toEqual(['pending', 'connected']);
    } finally {
      await c.close();
      await unit.close();
    }
  });

  it('turns lost at once, with message refused, when a heartbeat is refused', async () => {
    const c = coordinatorFor({ heartbeatIntervalMs: 100, lostAfterMs: 60_000 });
    try {
      const lost = await firstValueFrom(c.connect('127.65.0.11').pipe(filter((p) => p.state === 'lost')));
      expect(lost.message).toMatch(/^refused/);
    } finally {
      await c.close();
    }
  });

  // virtual time: pycom's own figures (15 s of memory, a heartbeat every 5 s) against a 40 s
  // command, with no real clock that a loaded machine could stretch past the unit's memory
  it('keeps a unit heartbeated while a command runs 40 s, longer than the 15 s the unit remembers it', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const unit = memoryUnit(network, {
        host: '10.65.0.12',
        coordinatorTimeoutMs: 15_000,
        commandTimeoutMs: 60_000, // the unit would kill it after 30 s
        executor: () => ({ stdout: 'long\n', durationMs: 40_000 }),
      });
      const c = createCoordinator({
        scheduler: ts,
        transport: memoryTransport(network),
        heartbeatIntervalMs: 5_000,
        commandTimeoutMs: 60_000,
      });
      const memory$ = unit.events$.pipe(
        filter((a) => a.kind === 'coordinator-added' || a.kind === 'coordinator-expired'),
        map((a) => a.kind),
      );
      expectObservable(memory$, '^ 45s !').toBe('a', { a: 'coordinator-added' });
      expectObservable(c.command(unit.host, 'run long').pipe(map((o) => o.output))).toBe('40s (a|)', {
        a: 'long\n',
      });
      ts.schedule(() => expect(unit.coordinators().map((k) => k.id)).toEqual([c.id]), 40_000);
      ts.schedule(() => void c.close(), 45_000);
    });
  });
});
