import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Executor } from '../../src/simulator';
import { command } from '../helpers/events';
import { sendRequest } from '../helpers/sockets';
import { record, sentinel, simulatorFixture } from '../helpers/units';

describe('simulated unit: commands', () => {
  const fx = simulatorFixture();

  const outputOf = async (host: string, text: string) => {
    const before = fx.collector.items.length;
    const sent = await sendRequest(host, 5000, command(fx.collector.port, text));
    expect(sent.answered.length).toBe(0);
    const [, item] = await fx.collector
      .waitForCount(before + 1)
      .then((items) => [items, items[before]!] as const);
    return item.json;
  };

  it('runs `echo hi` and sends output "hi\\n" to the sender, with the unit identity', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.30', id: '0badc0de', hardwareReadyDelayMs: 0 });
    await unit.ready;
    const event = await outputOf('127.0.1.30', 'echo hi');
    expect(event).toEqual({
      id: '0badc0de',
      name: 'rigsters-controller',
      ip: '127.0.1.30',
      port: 5000,
      version: '0.14.0',
      coordinator: false,
      type_: 'output',
      output: 'hi\n',
    });
    // The sender never heartbeated: outputs go to it anyway, and it is not a known coordinator.
    expect(unit.coordinators()).toEqual([]);
  });

  it('sends stderr when the command fails', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.31', hardwareReadyDelayMs: 0 });
    const activity = record(unit.events$);
    await unit.ready;
    const event = await outputOf('127.0.1.31', 'echo partial; echo "no such thing" >&2; exit 3');
    expect(event?.['output']).toBe('no such thing\n');
    const finished = await activity.waitFor('command-finished');
    expect(finished).toMatchObject({
      exitCode: 3,
      stdout: 'partial\n',
      stderr: 'no such thing\n',
      timedOut: false,
    });
    expect((await outputOf('127.0.1.31', 'ls /nonexistent-pycom-sim'))?.['output']).toMatch(
      /nonexistent-pycom-sim/,
    );
  });

  it('runs in a private home with boardiocli on PATH and none of the host environment', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.32', hardwareReadyDelayMs: 0 });
    await unit.ready;
    const event = await outputOf(
      '127.0.1.32',
      'pwd; echo "$HOME"; command -v boardiocli; echo "[$JEST_WORKER_ID]"',
    );
    const home = fs.realpathSync(unit.home);
    expect(event?.['output']).toBe(
      `${home}\n${unit.home}\n${path.join(path.dirname(unit.home), 'bin', 'boardiocli')}\n[]\n`,
    );
    await outputOf('127.0.1.32', "printf 'x' > ~/file.txt");
    expect(fs.readFileSync(path.join(unit.home, 'file.txt'), 'utf8')).toBe('x');
  });

  it('kills a command after the timeout, with its background jobs', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.33', hardwareReadyDelayMs: 0, commandTimeoutMs: 300 });
    const activity = record(unit.events$);
    await unit.ready;
    const started = Date.now();
    const event = await outputOf('127.0.1.33', 'sleep 60 & sleep 60; echo never');
    expect(Date.now() - started).toBeLessThan(20_000); // not the 60 s of the command
    expect(event?.['output']).toBe('pycom-sim: command timed out after 300 ms\n');
    const finished = await activity.waitFor('command-finished');
    expect(finished).toMatchObject({ timedOut: true, exitCode: 124 });
  });

  it('cuts outputs at maxOutputBytes', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.34', hardwareReadyDelayMs: 0, maxOutputBytes: 1000 });
    const activity = record(unit.events$);
    await unit.ready;
    const event = await outputOf('127.0.1.34', 'head -c 100000 /dev/zero | tr "\\0" a');
    expect(event?.['output']).toBe('a'.repeat(1000));
    expect((await activity.waitFor('command-finished')).truncated).toBe(true);
  });

  it('runs commands one at a time, in arrival order, by default', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.35', hardwareReadyDelayMs: 0 });
    await unit.ready;
    await sendRequest('127.0.1.35', 5000, command(fx.collector.port, 'sleep 0.2; echo first'));
    await sendRequest('127.0.1.35', 5000, command(fx.collector.port, 'echo second'));
    const items = await fx.collector.waitForCount(2);
    expect(items.map((i) => i.json?.['output'])).toEqual(['first\n', 'second\n']);
  });

  it('uses a function executor for exact outputs, delays and failures', async () => {
    const seen: string[] = [];
    const executor: Executor = async (text, { signal }) => {
      seen.push(text);
      if (text === 'uptime') return { stdout: ' 10:00:00 up 1 day\n' };
      if (text === 'slow') {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { stdout: 'late\n' };
      }
      if (text === 'hang') return new Promise(() => signal.addEventListener('abort', () => undefined));
      if (text === 'throw') throw new Error('executor exploded');
      return { stdout: 'ignored', stderr: 'sh: 1: nope: not found\n', exitCode: 127 };
    };
    const unit = fx.simulateUnit({
      host: '127.0.1.36',
      hardwareReadyDelayMs: 0,
      executor,
      commandTimeoutMs: 400,
    });
    await unit.ready;
    expect((await outputOf('127.0.1.36', 'uptime'))?.['output']).toBe(' 10:00:00 up 1 day\n');
    const t0 = Date.now();
    expect((await outputOf('127.0.1.36', 'slow'))?.['output']).toBe('late\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect((await outputOf('127.0.1.36', 'nope'))?.['output']).toBe('sh: 1: nope: not found\n');
    expect((await outputOf('127.0.1.36', 'throw'))?.['output']).toBe('executor exploded');
    expect((await outputOf('127.0.1.36', 'hang'))?.['output']).toBe(
      'pycom-sim: command timed out after 400 ms\n',
    );
    expect(seen).toEqual(['uptime', 'slow', 'nope', 'throw', 'hang']);
  });

  it('reports the request and the command lifecycle on events$', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.37', hardwareReadyDelayMs: 0 });
    const activity = record(unit.events$);
    await unit.ready;
    await outputOf('127.0.1.37', 'echo hi');
    await activity.waitFor('event-sent');
    await sentinel('127.0.1.37', fx.collector);
    await activity.waitFor(
      'event-sent',
      (a) => a.event.type_ === 'output' && a.event.output.startsWith('sentinel-'),
    );
    // (hardware-ready and boot's boardio-message, to nobody, come at their own time)
    const kinds = activity.kinds().filter((k) => k !== 'hardware-ready' && k !== 'boardio-message');
    const once = ['request', 'command-started', 'command-finished', 'event-sent'];
    expect(kinds).toEqual(['listening', ...once, ...once]); // the second time: the sentinel
    const sent = await activity.waitFor('event-sent');
    expect(sent.to).toEqual({ host: '127.0.0.1', port: fx.collector.port });
  });
});
