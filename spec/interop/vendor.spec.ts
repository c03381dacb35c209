import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { filter, firstValueFrom } from 'rxjs';
import { createCoordinator } from '../../src';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';

// Peers written in Python from the protocol description alone, not from this library: the
// library's coordinator must work with a pycom-like unit, and its simulated unit with a
// vendor-style coordinator. Addresses: 127.0.21.0/24.
const fixture = (name: string) => join(__dirname, 'fixtures', name);

function start(script: string, args: string[]): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn('python3', [fixture(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  if (done === true) throw new Error('the peer exited early');
  return value;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code)),
  );

describe('interoperability with peers written from the protocol alone', () => {
  it.each([
    ['reads each request to its end', 'eof', '127.0.21.2'],
    ['takes a single read and closes at once', 'once', '127.0.21.3'],
  ])('the coordinator drives a pycom-like unit that %s', async (_name, mode, host) => {
    const unit = start('vendor_unit.py', [host, mode, '3']);
    try {
      expect(await nextLine(unit.lines)).toBe('ready');
      const coordinator = createCoordinator({
        listen: { host: '127.0.0.1', port: 0 },
        commandTimeoutMs: 5000,
      });
      const first = await firstValueFrom(coordinator.command(host, 'echo one'));
      const failed = await firstValueFrom(coordinator.command(host, 'echo x >&2; exit 3'));
      const untagged = await firstValueFrom(
        coordinator.command(host, 'echo out; echo err >&2; exit 2', { tagged: false }),
      );
      expect([first.output, first.exitCode]).toEqual(['one\n', 0]);
      expect([failed.output, failed.exitCode]).toEqual(['x\n', 3]);
      expect([untagged.output, untagged.exitCode]).toEqual(['err\n', undefined]);
      expect(first).toMatchObject({ type_: 'output', id: '81639cd4', ip: host, coordinator: false });
      await coordinator.close();
      expect(await exited(unit.child)).toBe(0);
    } finally {
      unit.child.kill();
    }
  });

  it('the simulated unit serves a vendor-style coordinator (no half-close, reads to EOF)', async () => {
    let unit: SimulatedUnit | undefined;
    const peer = { child: undefined as ChildProcess | undefined };
    try {
      // The hardware becomes ready only once the peer's heartbeat is in, so boardio's boot report
      // (the `message`) reaches it however slowly the peer starts.
      unit = simulateUnit({ host: '127.0.21.4', hardwareReadyDelayMs: 'manual' });
      await unit.ready;
      const known = firstValueFrom(unit.events$.pipe(filter((a) => a.kind === 'coordinator-added')));
      const coordinator = start('vendor_coordinator.py', ['127.0.21.4', '3']);
      peer.child = coordinator.child;
      await known;
      unit.bootHardware();
      const events = [];
      for (let i = 0; i < 3; i++)
        events.push(JSON.parse(await nextLine(coordinator.lines)) as { type_: string; text: string });
      expect(await exited(coordinator.child)).toBe(0);
      expect(events.map((e) => e.type_).sort()).toEqual(['message', 'output', 'unit_info']);
      expect(events).toContainEqual(expect.objectContaining({ type_: 'output', text: 'hi\n' }));
      expect(events).toContainEqual(expect.objectContaining({ type_: 'unit_info', text: 'light_array' }));
    } finally {
      peer.child?.kill();
      await unit?.close();
    }
  });
});
