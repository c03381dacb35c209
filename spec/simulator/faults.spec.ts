import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { simulateUnit, type Executor } from '../../src/simulator';
import { Faults } from '../../src/unit/faults';
import { SendError } from '../../src/transport';
import { until } from '../fixtures';
import { command, heartbeat } from '../helpers/events';
import { RawCollector, sendRequest } from '../helpers/sockets';
import { record, sentinel, simulatorFixture } from '../helpers/units';

/** `true` while a process with this id exists (and is not a reaped zombie). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('simulated unit: faults and delivery failures', () => {
  const fx = simulatorFixture();

  // Faults act on delivery: a function executor keeps these tests independent of /bin/sh timing.
  const echo: Executor = (text) => ({ stdout: `${text.replace(/^echo /, '')}\n` });
  const start = async (host: string, extra: Parameters<typeof simulateUnit>[0] = {}) => {
    const u = fx.simulateUnit({ host, hardwareReadyDelayMs: 0, executor: echo, ...extra });
    const activity = record(u.events$);
    await u.ready;
    if (extra.hardwareReadyDelayMs === 'manual') u.bootHardware();
    await activity.waitFor('hardware-ready');
    return { u, activity };
  };

  it('drops the next N events', async () => {
    const { u, activity } = await start('127.0.1.70');
    u.faults.dropNext(2);
    for (const n of [1, 2, 3]) await sendRequest(u.host, 5000, command(fx.collector.port, `echo ${n}`));
    const [only] = await fx.collector.waitForCount(1);
    expect(only!.json?.['output']).toBe('3\n');
    expect(await sentinel(u.host, fx.collector)).toEqual([only]);
    const dropped = activity.all.filter((a) => a.kind === 'event-faulted');
    expect(dropped.map((a) => a.kind === 'event-faulted' && [a.fault, a.event.type_])).toEqual([
      ['drop', 'output'],
      ['drop', 'output'],
    ]);
  });

  it('sends malformed JSON instead of the next event, then recovers', async () => {
    const { u } = await start('127.0.1.71');
    u.faults.malformNext();
    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo one'));
    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo two'));
    const [broken, good] = await fx.collector.waitForCount(2);
    expect(broken!.json).toBeUndefined();
    expect(broken!.text.startsWith(`{"id":"${u.identity.id}"`)).toBe(true);
    expect(() => JSON.parse(broken!.text)).toThrow();
    expect(good!.json?.['output']).toBe('two\n');
  });

  it('connects and closes without sending, instead of the next event', async () => {
    const { u, activity } = await start('127.0.1.72');
    u.faults.emptyNext();
    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo lost'));
    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo kept'));
    const [empty, good] = await fx.collector.waitForCount(2);
    expect(empty!.text).toBe('');
    expect(good!.json?.['output']).toBe('kept\n');
    expect((await activity.waitFor('event-faulted')).fault).toBe('empty');
  });

  it('delays events, keeping their order', async () => {
    const { u } = await start('127.0.1.73');
    u.faults.delay(250);
    const t0 = Date.now();
    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo a'));
    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo b'));
    const [a, b] = await fx.collector.waitForCount(2);
    expect(a!.receivedAt - t0).toBeGreaterThanOrEqual(240);
    expect(b!.receivedAt - a!.receivedAt).toBeGreaterThanOrEqual(240);
    expect([a!.json?.['output'], b!.json?.['output']]).toEqual(['a\n', 'b\n']);
  });

  it('stops delaying once the delay is set back to 0', () => {
    const faults = new Faults();
    faults.delay(250);
    expect(faults.take()).toEqual({ action: 'send', delayMs: 250 });
    faults.delay(0);
    expect(faults.take()).toEqual({ action: 'send', delayMs: 0 });
    expect(() => faults.delay(-1)).toThrow(RangeError);
  });

  it('clear() cancels pending faults', async () => {
    const { u } = await start('127.0.1.74');
    u.faults.dropNext(5);
    u.faults.malformNext(5);
    u.faults.clear();
    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo fine'));
    expect((await fx.collector.waitForCount(1))[0]!.json?.['output']).toBe('fine\n');
    expect(() => u.faults.dropNext(-1)).toThrow(RangeError);
  });

  it('reboots: refuses connections while down, forgets coordinators, kills commands, boots again', async () => {
    const { u, activity } = await start('127.0.1.75', {
      executor: 'shell',
      hardwareReadyDelayMs: 'manual',
      rowDurationMs: 1,
      homeFiles: { 'la4_sequence_standalone.csv': 'LED_FAN,1\n' },
    });
    await sendRequest(u.host, 5000, heartbeat(fx.collector.port));
    await fx.collector.waitFor((i) => i.json?.['type_'] === 'unit_info');
    expect(u.coordinators()).toHaveLength(1);
    const pidFile = path.join(u.home, 'pid');
    await sendRequest(
      u.host,
      5000,
      command(fx.collector.port, 'echo $$ > "$HOME/pid"; sleep 30; echo never'),
    );
    await until(
      () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'),
      'the pid file',
    );
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    const before = fx.collector.items.length;

    // Down for longer than a connection attempt takes on any machine; the test waits for it.
    const rebooted = u.reboot({ downtimeMs: 1_000 });
    const reboot = await activity.waitFor('reboot');
    await expect(sendRequest(u.host, 5000, heartbeat(fx.collector.port))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect(u.coordinators()).toEqual([]);
    expect(u.hardwareReady).toBe(false);
    await rebooted;

    await sendRequest(u.host, 5000, heartbeat(fx.collector.port));
    await activity.waitFor('coordinator-added', (a) => a.at >= reboot.at);
    u.bootHardware(); // the hardware comes up with a coordinator known: it hears the boot sequence
    const after = await fx.collector.waitForCount(before + 3);
    expect(after.slice(before).map((i) => i.json?.['type_'] === 'unit_info' || i.json?.['message'])).toEqual([
      true, // unit_info again: the unit forgot who had it
      'BOARDIO_READY', // the standalone sequence ran at boot
      'Sequence complete',
    ]);
    await until(() => !alive(pid), `the killed command (pid ${pid}) to exit`);
    expect(await sentinel(u.host, fx.collector)).toHaveLength(before + 3); // and no "never"
    expect(activity.kinds().filter((k) => k === 'listening')).toHaveLength(2);
    expect(activity.all.filter((a) => a.kind === 'command-finished' && a.command.includes('never'))).toEqual(
      [],
    );
  });

  it('reports a delivery failure when the coordinator listener is down, and keeps running', async () => {
    const { u, activity } = await start('127.0.1.76');
    const gone = await new RawCollector().start();
    const deadPort = gone.port;
    await gone.close();
    await sendRequest(u.host, 5000, command(deadPort, 'echo lost'));
    const failed = await activity.waitFor('delivery-failed');
    expect(failed.to).toEqual({ host: '127.0.0.1', port: deadPort });
    expect(failed.event).toMatchObject({ type_: 'output', output: 'lost\n' });
    expect(failed.error).toBeInstanceOf(SendError);
    expect((failed.error as SendError).reason).toBe('refused');

    await sendRequest(u.host, 5000, command(fx.collector.port, 'echo alive'));
    expect((await fx.collector.waitForCount(1))[0]!.json?.['output']).toBe('alive\n');
  });

  it('counts an event as sent after the delivery timeout when the coordinator keeps the connection open', async () => {
    const sockets: net.Socket[] = [];
    const stuck = net.createServer((socket) => {
      sockets.push(socket); // reads, never closes
    });
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    try {
      // a delivery timeout long enough to connect and write on a loaded machine
      const { u, activity } = await start('127.0.1.77', { deliveryTimeoutMs: 1_000 });
      await sendRequest(u.host, 5000, command((stuck.address() as net.AddressInfo).port, 'echo hi'));
      const sent = await activity.waitFor('event-sent');
      expect(sent.event).toMatchObject({ type_: 'output', output: 'hi\n' });
      expect(activity.all.filter((a) => a.kind === 'delivery-failed')).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stuck.close(resolve));
    }
  });
});
