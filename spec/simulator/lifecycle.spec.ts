import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { isLoopbackAddress, simulateUnit, UnsafeAddressError } from '../../src/simulator';
import { until } from '../fixtures';
import { command, heartbeat } from '../helpers/events';
import { RawCollector, sendRequest } from '../helpers/sockets';
import { record } from '../helpers/units';

const RESOURCES = ['TCPServerWrap', 'TCPSocketWrap', 'ProcessWrap', 'PipeWrap', 'FSReqCallback'];
const resources = () => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo())
    if (RESOURCES.includes(r)) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};

describe('simulated unit: safety and lifecycle', () => {
  const afterCleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const clean of afterCleanup.splice(0)) await clean();
  });

  it.each(['0.0.0.0', '192.168.0.23', '::', '10.1.2.3', 'example.com', '128.0.0.1'])(
    'refuses to bind %s without allowNonLoopback',
    (host) => {
      expect(() => simulateUnit({ host })).toThrow(UnsafeAddressError);
    },
  );

  it('tells loopback addresses apart', () => {
    for (const host of [
      '127.0.0.1',
      '127.255.0.9',
      'localhost',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.1.93',
    ])
      expect([host, isLoopbackAddress(host)]).toEqual([host, true]);
    for (const host of ['126.0.0.1', '::2', '::ffff:10.0.0.1', '1::1', 'localhost.example.com'])
      expect([host, isLoopbackAddress(host)]).toEqual([host, false]);
  });

  it('allows another address only when asked explicitly', async () => {
    const unit = simulateUnit({ host: '0.0.0.0', port: 0, allowNonLoopback: true });
    await unit.close(); // closed before it bound: nothing was exposed
    await expect(unit.ready).rejects.toThrow(/closed/);
  });

  it('binds port 0 to a free port and reports it in its identity', async () => {
    const unit = simulateUnit({ host: '127.0.1.90', port: 0, hardwareReadyDelayMs: 0 });
    try {
      await unit.ready;
      expect(unit.port).toBeGreaterThan(0);
      expect(unit.identity.port).toBe(unit.port);
    } finally {
      await unit.close();
    }
  });

  it('rejects requests that are too large', async () => {
    const unit = simulateUnit({ host: '127.0.1.91', hardwareReadyDelayMs: 0, maxRequestBytes: 100 });
    try {
      const activity = record(unit.events$);
      await unit.ready;
      await sendRequest('127.0.1.91', 5000, command(1, 'echo ' + 'x'.repeat(200))).catch(() => undefined);
      expect((await activity.waitFor('request-rejected')).reason).toBe('too-large');
      expect(activity.kinds()).not.toContain('command-started');
    } finally {
      await unit.close();
    }
  });

  it('close() releases the port, kills commands, removes the home, completes events$, leaves no handles', async () => {
    const pidDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pycom-sim-spec-'));
    afterCleanup.push(() => fs.rmSync(pidDir, { recursive: true, force: true }));
    const pidFile = path.join(pidDir, 'pid');
    const baseline = resources();
    const collector = await new RawCollector().start();
    afterCleanup.push(() => collector.close());
    const unit = simulateUnit({
      host: '127.0.1.92',
      hardwareReadyDelayMs: 10_000,
      coordinatorTimeoutMs: 10_000,
    });
    afterCleanup.push(() => unit.close());
    const all = lastValueFrom(unit.events$.pipe(toArray()));
    const activity = record(unit.events$);
    await unit.ready;
    await sendRequest('127.0.1.92', 5000, heartbeat(collector.port));
    await sendRequest(
      '127.0.1.92',
      5000,
      command(collector.port, `echo $$ > '${pidFile}'; sleep 30 & sleep 30`),
    );
    await activity.waitFor('command-started');
    await until(
      () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'),
      "the command's shell to write its pid",
    );
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(unit.coordinators()).toHaveLength(1);

    const t0 = Date.now();
    await Promise.all([unit.close(), unit.close()]);
    expect(Date.now() - t0).toBeLessThan(20_000); // not the 30 s of the command
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(fs.existsSync(unit.home)).toBe(false);
    expect(fs.existsSync(path.dirname(unit.home))).toBe(false);
    const kinds = (await all).map((a) => a.kind);
    expect(kinds[kinds.length - 1]).toBe('closed');
    await expect(unit.reboot()).rejects.toThrow(/closed/);

    // The port is free again at once.
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(5000, '127.0.1.92', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
    await collector.close();
    // closed handles leave node's list on a later turn of the event loop: wait for it, with a deadline
    const { FSReqCallback: _b, ...before } = baseline;
    const left = () => {
      const { FSReqCallback: _a, ...rest } = resources();
      return rest;
    };
    await until(
      () => isDeepStrictEqual(left(), before),
      `the handles to be back to ${JSON.stringify(before)}`,
      5_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; left: ${JSON.stringify(left())}`);
    });
  });
});
