import * as net from 'node:net';
import { simulateUnits, type SimulatedUnits } from '../../src/simulator';
import { jsonLines, LOOPBACK_LISTENER, occupy, runCli, startCli, type CliResult } from './helpers';

// Addresses: 127.0.9.0/24 belongs to this file and spec/cli/discoverOptions.spec.ts (127.0.9.100
// to spec/cli/demo.spec.ts): .0/28 and .32/29 below, .48/28 and .64/28 in the second describe,
// .80/28 in discoverOptions.spec.ts.

/**
 * A server on `host` (free port) that takes requests as pycom does (reads to the end, closes),
 * and never sends anything back: it responds to a probe, but never with a unit_info.
 * `acceptedBefore()` connects once more and resolves with the number of connections accepted
 * before that one (the system accepts them in order).
 */
async function notPycom(
  host: string,
): Promise<{ port: number; acceptedBefore: () => Promise<number>; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const accepted: number[] = []; // the remote port of every connection, in order
  const server = net.createServer((socket) => {
    sockets.add(socket);
    accepted.push(socket.remotePort ?? 0);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.resume().on('end', () => socket.end());
    server.emit('accepted');
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  const acceptedBefore = () =>
    new Promise<number>((resolve, reject) => {
      const sentinel = net.connect({ host, port }, () => {
        const check = () => {
          const index = accepted.indexOf(sentinel.localPort ?? -1);
          if (index < 0) return;
          server.off('accepted', check);
          sentinel.destroy();
          resolve(index);
        };
        server.on('accepted', check);
        check();
      });
      sentinel.on('error', reject);
    });
  return {
    port,
    acceptedBefore,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('pycom-rx discover', () => {
  let units: SimulatedUnits;
  let runs: Record<'human' | 'json' | 'none', Promise<CliResult>>;

  beforeAll(async () => {
    // 127.0.9.0/28 holds 127.0.9.1 .. 127.0.9.14: units on .3 and .4
    units = simulateUnits(2, { base: '127.0.9.3', hardwareReadyDelayMs: 20 });
    await units.ready;
    runs = {
      human: runCli(['discover', '--subnet', '127.0.9.0/28', ...LOOPBACK_LISTENER]),
      json: runCli([
        'discover',
        '--subnet',
        '127.0.9.0/28',
        '--preferred',
        '127.0.9.4',
        '--json',
        ...LOOPBACK_LISTENER,
      ]),
      none: runCli(['discover', '--subnet', '127.0.9.32/29', '--no-info', '--connect-timeout', '200']),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(runs ?? {}));
    await units?.close();
  });

  it('lists the responders and their unit_info', async () => {
    const result = await runs.human;
    expect(result.code).toBe(0);
    for (const unit of units.units) {
      expect(result.stdout).toMatch(
        new RegExp(`^${unit.host.replace(/\./g, '\\.')} +responds on port 5000$`, 'm'),
      );
      expect(result.stdout).toContain(
        `unit  rigsters-controller  id ${unit.identity.id}  light_array  RP2040`,
      );
    }
    expect(result.stderr).toMatch(
      /scanned 14 addresses of 127\.0\.9\.0\/28 in \d+\.\d s: 2 responders, 2 units/,
    );
  });

  it('prints one JSON object per responder and unit, the preferred address first (probes in parallel)', async () => {
    const result = await runs.json;
    expect(result.code).toBe(0);
    const items = jsonLines(result.stdout);
    expect(items[0]).toEqual({ kind: 'found', address: '127.0.9.4', preferred: true });
    expect(items).toContainEqual({ kind: 'found', address: '127.0.9.3', preferred: false });
    expect(items.filter((i) => i.kind === 'unit').map((i) => i.address)).toEqual(
      expect.arrayContaining(['127.0.9.3', '127.0.9.4']),
    );
    expect(items).toHaveLength(4);
  });

  it('exits 3 when nothing responds', async () => {
    const result = await runs.none;
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/scanned 6 addresses of 127\.0\.9\.32\/29 in \d+\.\d s: 0 responders\n$/);
  });
});

describe('pycom-rx discover: options and outcomes', () => {
  // 127.0.9.49 .. .51 on port 5077: .48/30 holds .49 and .50; .51 is its broadcast address
  let units: SimulatedUnits;

  beforeAll(async () => {
    units = simulateUnits(3, { base: '127.0.9.49', port: 5077, hardwareReadyDelayMs: 20 });
    await units.ready;
  });

  afterAll(() => units?.close());

  it.each([
    [
      ['--unit-port', '0'],
      "option '--unit-port <port>' argument '0' is invalid. expected an integer 1..65535.",
    ],
    [
      ['--unit-port', '65536'],
      "option '--unit-port <port>' argument '65536' is invalid. expected an integer 1..65535.",
    ],
    [
      ['--concurrency', '1025'],
      "option '--concurrency <n>' argument '1025' is invalid. expected an integer 1..1024.",
    ],
    [
      ['--connect-timeout', '0'],
      "option '--connect-timeout <ms>' argument '0' is invalid. expected an integer 1..60000.",
    ],
    [
      ['--connect-timeout', 'soon'],
      "option '--connect-timeout <ms>' argument 'soon' is invalid. expected an integer 1..60000.",
    ],
  ])('exits 2 and scans nothing on a bad %j', async (options, message) => {
    const result = await runCli(['discover', '--subnet', '127.0.9.48/30', ...options, ...LOOPBACK_LISTENER]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('scanned');
    expect(result.stdout).toBe('');
  });

  it('--no-info --unit-port: lists the responders on that port, the preferred one first, and no unit_info', async () => {
    // .51 is preferred but outside the subnet: never probed, though a unit answers there
    const result = await runCli([
      'discover',
      '--subnet',
      '127.0.9.48/30',
      '--unit-port',
      '5077',
      '--preferred',
      '127.0.9.51',
      '127.0.9.50',
      '--no-info',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(/^127\.0\.9\.50 +responds on port 5077 \(preferred address\)$/),
      expect.stringMatching(/^127\.0\.9\.49 +responds on port 5077$/),
      '',
    ]);
    // no ", N units" without unit_info
    expect(result.stderr).toMatch(/^scanned 2 addresses of 127\.0\.9\.48\/30 in \d+\.\d s: 2 responders\n$/);
  });

  it('--no-info --json: one "found" object per responder, nothing else', async () => {
    const result = await runCli([
      'discover',
      '--subnet',
      '127.0.9.48/30',
      '--unit-port',
      '5077',
      '--no-info',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const items = jsonLines(result.stdout);
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([
        { kind: 'found', address: '127.0.9.49', preferred: false },
        { kind: 'found', address: '127.0.9.50', preferred: false },
      ]),
    );
  });

  it('says which responder sent no unit_info within --timeout, and still exits 0 (something responded)', async () => {
    const peer = await notPycom('127.0.9.56');
    try {
      const at = ['--subnet', '127.0.9.56/32', '--unit-port', String(peer.port), '--timeout', '300'];
      const [human, json] = await Promise.all([
        runCli(['discover', ...at, ...LOOPBACK_LISTENER]),
        runCli(['discover', ...at, '--json', ...LOOPBACK_LISTENER]),
      ]);
      expect(human.code).toBe(0);
      expect(human.stdout.split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^127\\.0\\.9\\.56 +responds on port ${peer.port}$`)),
        expect.stringMatching(
          /^127\.0\.9\.56 +no unit_info within 300 ms \(not pycom, still booting, or busy\)$/,
        ),
        '',
      ]);
      expect(human.stderr).toMatch(
        /scanned 1 address of 127\.0\.9\.56\/32 in \d+\.\d s: 1 responder, 0 units\n$/,
      );
      expect(json.code).toBe(0);
      expect(jsonLines(json.stdout)).toEqual([
        { kind: 'found', address: '127.0.9.56', preferred: false },
        { kind: 'no-info', address: '127.0.9.56', waitedMs: 300 },
      ]);
    } finally {
      await peer.close();
    }
  });

  it("exits 4, before probing anything, when the listener's port is in use", async () => {
    const blocker = await occupy('127.0.9.64');
    const peer = await notPycom('127.0.9.65');
    try {
      const result = await runCli([
        'discover',
        '--subnet',
        '127.0.9.65/32',
        '--unit-port',
        String(peer.port),
        '--host',
        '127.0.9.64',
        '--port',
        String(blocker.port),
      ]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(
        `pycom-rx: cannot listen on 127.0.9.64:${blocker.port}: port already in use`,
      );
      expect(result.stderr).toContain('use --port (0 = any free port) or --host');
      expect(result.stdout).toBe('');
      expect(await peer.acceptedBefore()).toBe(0); // the responder was never probed
    } finally {
      await blocker.close();
      await peer.close();
    }
  });

  it('on Ctrl-C while waiting for unit_info: exits 130 and says how many responders it was waiting for', async () => {
    const peer = await notPycom('127.0.9.66');
    try {
      const cli = startCli([
        'discover',
        '--subnet',
        '127.0.9.66/32',
        '--unit-port',
        String(peer.port),
        '--timeout',
        '600000',
        ...LOOPBACK_LISTENER,
      ]);
      // found and the last progress come together: the scan is over once the line is out
      await cli.waitFor(/responds on port/, 'stdout');
      cli.interrupt();
      const result = await cli.exited;
      expect(result.code).toBe(130);
      expect(result.stderr).toMatch(
        /pycom-rx: discover interrupted by Ctrl-C while waiting for the unit_info of 1 responder \(0 so far\)\n/,
      );
      expect(result.stderr).toMatch(
        /interrupted; scanned 1 address of 127\.0\.9\.66\/32 in \d+\.\d s: 1 responder, 0 units\n/,
      );
      expect(result.stdout).not.toContain('no unit_info');
    } finally {
      await peer.close();
    }
  });
});
