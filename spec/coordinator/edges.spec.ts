import { lookup } from 'node:dns/promises';
import { firstValueFrom, from, lastValueFrom, type Observable, of, throwError, toArray } from 'rxjs';
import {
  CommandTooLargeError,
  OptionError,
  OutputRejectedError,
  SendError,
  tcpTransport,
  UnitInfoTimeoutError,
  type Coordinator,
  type Transport,
} from '../../src';
import { MAX_COMMAND_BYTES } from '../../src/protocol/commandSize';
import { simulateUnit } from '../../src/simulator';
import { nextMatching } from '../helpers/events';
import { closedAfterEach, echoExecutor } from '../helpers/units';

// This file's loopback ranges: 127.0.31.0/24, 127.0.32.0/24, 127.0.33.0/24 (spec/helpers/addresses.ts).
/**
 * Units on addresses of their own; coordinators listen on 127.0.0.1 (any free port) and send from
 * where the system picks, each closed after its test.
 */
const { coordinatorAt, units } = closedAfterEach('127.0.0.1', { send: undefined, commandTimeoutMs: 20_000 });

/** A transport whose lookup knows the names a test gives it (its own /etc/hosts), and nothing else. */
const withHosts = (hosts: Record<string, string>): Transport => ({
  ...tcpTransport,
  lookup: (host: string, port: number): Observable<string> =>
    Object.hasOwn(hosts, host)
      ? of(hosts[host]!)
      : throwError(() => new SendError(host, port, 'dns', 'ENOTFOUND', 'lookup: ENOTFOUND')),
});

describe('coordinator edges: units by name', () => {
  const start = async (options: Parameters<typeof simulateUnit>[0]) => {
    const unit = simulateUnit(options);
    units.push(unit);
    await unit.ready;
    return unit;
  };

  it('addresses a unit as localhost: the command answers, unit_info comes, presence is connected', async () => {
    // `localhost` is resolved the way the system resolves it (IPv4 first): the unit listens there
    const address = (await lookup('localhost', { family: 4 })).address;
    const unit = await start({ host: address, port: 0, hardwareReadyDelayMs: 0 });
    const c = coordinatorAt();
    const target = { host: 'localhost', port: unit.port };
    const presence = nextMatching(c.connect(target), (p) => p.state === 'connected');
    const out = await firstValueFrom(c.command(target, 'echo by-name; exit 3'));
    expect(out).toMatchObject({ output: 'by-name\n', exitCode: 3 });
    const info = await firstValueFrom(c.unitInfo(target));
    expect(info).toMatchObject({ type_: 'unit_info', id: unit.identity.id });
    expect(await presence).toMatchObject({ state: 'connected', unit: address });
  });

  it('is one unit whatever the spelling: 127.1, ::ffff:127.0.0.1 and [::ffff:7f00:1] share its queue and results', async () => {
    const unit = await start({ host: '127.0.0.1', port: 0, executor: echoExecutor });
    const c = coordinatorAt({ tagged: false }); // untagged: only the source address tells results apart
    const spellings = ['127.1', '::ffff:127.0.0.1', '[::ffff:7f00:1]', '127.0.0.1'];
    const outputs = await Promise.all(
      spellings.map(
        async (host) => (await firstValueFrom(c.command({ host, port: unit.port }, `echo ${host}`))).output,
      ),
    );
    // each answered by its own output: one unit, one queue, matched by its resolved address
    expect(outputs).toEqual(spellings.map((s) => `${s}\n`));
  });

  it('resolves a name the application maps itself, keeps commands to it in order, and fails an unknown name with SendError dns', async () => {
    const unit = await start({ host: '127.0.31.7', executor: echoExecutor, hardwareReadyDelayMs: 0 });
    const c = coordinatorAt({ transport: withHosts({ 'la4-07.rig': '127.0.31.7' }) });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((w) => firstValueFrom(c.command('la4-07.rig', `echo ${w}`))),
    );
    expect(results.map((r) => r.output)).toEqual(['a\n', 'b\n', 'c\n', 'd\n']);
    expect(results.every((r) => r.id === unit.identity.id)).toBe(true);
    const events = await firstValueFrom(c.unitInfo('la4-07.rig'));
    expect(events.id).toBe(unit.identity.id);
    await expect(firstValueFrom(c.command('la4-99.rig', 'echo x'))).rejects.toMatchObject({
      name: 'SendError',
      reason: 'dns',
      host: 'la4-99.rig',
    });
    await expect(firstValueFrom(c.unitInfo('la4-99.rig'))).rejects.toBeInstanceOf(SendError);
  });
});

describe('coordinator edges: arguments checked when the call is made', () => {
  let c: Coordinator;
  beforeEach(() => (c = coordinatorAt({ heartbeatIntervalMs: 20 })));
  afterEach(() => c.close());

  it.each([
    [{ host: '127.0.32.1', port: 70000 }, 'unit.port', 'too-large'],
    [{ host: '127.0.32.1', port: 0 }, 'unit.port', 'too-small'],
    [{ host: '127.0.32.1', port: 5000.5 }, 'unit.port', 'not-integer'],
    [{ host: '' }, 'unit.host', 'type'],
    ['', 'unit', 'type'],
    ['127.0.32.1\n', 'unit', 'type'],
    [null, 'unit', 'type'],
    [5000, 'unit', 'type'],
  ])(
    'a bad target %p throws an OptionError (%s) from every call, and no timer throws later',
    async (target, option, reason) => {
      const calls = [
        () => c.command(target as never, 'echo x'),
        () => c.unitInfo(target as never),
        () => c.connect(target as never),
        () => c.eventsFrom(target as never),
        () => c.runSequence(target as never, []),
      ];
      for (const call of calls) {
        expect(call).toThrow(OptionError);
        try {
          call();
        } catch (e) {
          expect(e).toMatchObject({ option, reason });
        }
      }
      // the coordinator still works, and heartbeats (every 20 ms) run while this command waits
      const unit = simulateUnit({ host: '127.0.32.2', executor: echoExecutor });
      try {
        await unit.ready;
        await nextMatching(c.connect('127.0.32.2'), (p) => p.state === 'connected');
        expect((await firstValueFrom(c.command('127.0.32.2', 'echo ok'))).output).toBe('ok\n');
      } finally {
        await unit.close();
      }
    },
  );

  it.each([
    [{ outputTimeoutMs: NaN }, 'options.outputTimeoutMs', 'not-finite'],
    [{ outputTimeoutMs: '100' }, 'options.outputTimeoutMs', 'type'],
    [{ outputTimeoutMs: 2 ** 31 }, 'options.outputTimeoutMs', 'too-large'],
    [{ outputTimeoutMs: -5 }, 'options.outputTimeoutMs', 'too-small'],
    [{ outputTimeoutMs: 0 }, 'options.outputTimeoutMs', 'too-small'],
    [{ tagged: 'yes' }, 'options.tagged', 'type'],
    ['fast', 'options', 'type'],
  ])('command options %p throw an OptionError (%s)', (options, option, reason) => {
    let thrown: unknown;
    try {
      c.command('127.0.32.3', 'echo x', options as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OptionError);
    expect(thrown).toMatchObject({ option, reason });
  });

  it('unitInfo, runSequence options and the command itself are checked too', () => {
    expect(() => c.unitInfo('127.0.32.3', { timeoutMs: NaN })).toThrow(OptionError);
    expect(() => c.unitInfo('127.0.32.3', { timeoutMs: -1 })).toThrow(OptionError);
    expect(() => c.unitInfo('127.0.32.3', { timeoutMs: Infinity })).not.toThrow();
    expect(() => c.runSequence('127.0.32.3', [], { stepTimeoutMs: '5' as never })).toThrow(OptionError);
    expect(() => c.runSequence('127.0.32.3', [], { run: 1 as never })).toThrow(OptionError);
    expect(() => c.command('127.0.32.3', 42 as never)).toThrow(OptionError);
    expect(() => c.command('127.0.32.3', 'echo \0')).toThrow(RangeError);
  });

  it('refuses a command a unit cannot run, as it would be sent: tagged or not', async () => {
    const huge = 'x'.repeat(MAX_COMMAND_BYTES + 1);
    expect(() => c.command('127.0.32.3', huge)).toThrow(CommandTooLargeError);
    // fits as given, not once tagged
    const edge = `echo ${'y'.repeat(MAX_COMMAND_BYTES - 5 - 10)}`;
    let thrown: unknown;
    try {
      c.command('127.0.32.3', edge);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CommandTooLargeError);
    expect(thrown).toMatchObject({ tagged: true, limit: MAX_COMMAND_BYTES });
    expect((thrown as CommandTooLargeError).bytes).toBeGreaterThan(MAX_COMMAND_BYTES);
    expect(() => c.command('127.0.32.3', edge, { tagged: false })).not.toThrow();
    // multi-byte characters count as their UTF-8 bytes
    expect(() => c.command('127.0.32.3', 'é'.repeat(70_000), { tagged: false })).toThrow(
      CommandTooLargeError,
    );
    // in run(), a bad request is a failed result; the others go on
    const results = await lastValueFrom(
      c
        .run(
          from([
            { unit: '127.0.32.3', command: huge },
            { unit: { host: '127.0.32.3', port: 0 }, command: 'echo x' },
          ]),
        )
        .pipe(toArray()),
    );
    expect(results.map((r) => r.kind === 'failed' && r.error.name)).toEqual([
      'CommandTooLargeError',
      'OptionError',
    ]);
  });
});

describe('coordinator edges: answers that never come', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('unitInfo ends with UnitInfoTimeoutError when the unit already sent it to this coordinator id', async () => {
    const unit = simulateUnit({ host: '127.0.33.1', executor: echoExecutor, hardwareReadyDelayMs: 0 });
    cleanup.push(() => unit.close());
    await unit.ready;
    const first = coordinatorAt({ id: 'c0ffee01' });
    cleanup.push(() => first.close());
    const info = firstValueFrom(first.unitInfo('127.0.33.1')); // binds the listener, held until it answers
    const { port } = await firstValueFrom(first.listening$);
    expect((await info).id).toBe(unit.identity.id);
    await first.close();
    // the application restarts with the same id (and port): pycom does not send unit_info again
    const again = coordinatorAt({ id: 'c0ffee01', listen: { host: '127.0.0.1', port } });
    cleanup.push(() => again.close());
    const error: unknown = await firstValueFrom(again.unitInfo('127.0.33.1', { timeoutMs: 300 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnitInfoTimeoutError);
    expect(error).toMatchObject({ unit: '127.0.33.1', timeoutMs: 300 });
    expect((error as Error).message).toMatch(/once per coordinator id/);
    // a fresh id gets it
    const fresh = coordinatorAt();
    cleanup.push(() => fresh.close());
    expect((await firstValueFrom(fresh.unitInfo('127.0.33.1'))).id).toBe(unit.identity.id);
  });

  it('an output over the listener limit fails its command at once with OutputRejectedError, not a timeout', async () => {
    const unit = simulateUnit({
      host: '127.0.33.2',
      executor: async (command) => ({ stdout: command === 'big' ? 'z'.repeat(8_192) : 'small\n' }),
    });
    cleanup.push(() => unit.close());
    await unit.ready;
    // a 10-minute timeout: only the rejection can end this command within the test's time
    const c = coordinatorAt({
      commandTimeoutMs: 600_000,
      listen: { host: '127.0.0.1', port: 0, maxPayloadBytes: 2_048 },
    });
    cleanup.push(() => c.close());
    const error: unknown = await firstValueFrom(c.command('127.0.33.2', 'big')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputRejectedError);
    expect(error).toMatchObject({ unit: '127.0.33.2', command: 'big', rejection: 'too-large' });
    // the unit's next command is unaffected
    expect((await firstValueFrom(c.command('127.0.33.2', 'small'))).output).toBe('small\n');
  });

  it('a rejected payload from another address fails nothing', async () => {
    const unit = simulateUnit({
      host: '127.0.33.3',
      executor: async () => {
        // while this command runs, a stranger sends a malformed payload to the coordinator
        await firstValueFrom(
          tcpTransport.send({ host: '127.0.0.1', port }, { not: 'an event' } as never),
        ).catch(() => undefined);
        return { stdout: 'mine\n' };
      },
    });
    cleanup.push(() => unit.close());
    await unit.ready;
    const c = coordinatorAt();
    cleanup.push(() => c.close());
    let port = 0;
    const keep = c.listening$.subscribe((a) => (port = a.port));
    cleanup.push(async () => keep.unsubscribe());
    const rejected = nextMatching(c.rejected$, () => true);
    expect((await firstValueFrom(c.command('127.0.33.3', 'x'))).output).toBe('mine\n');
    expect((await rejected).remote.address).toBe('127.0.0.1');
  });
});
