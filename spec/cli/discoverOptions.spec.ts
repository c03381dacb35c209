import * as net from 'node:net';
import { EXIT } from '../../src/cli/exitCodes';
import type { CliIO } from '../../src/cli/io';
import { runCli } from '../../src/cli/program';

// Issue 25: what `pycom-rx discover` shows on a terminal (the progress bar, which a spawned
// CLI's pipe never gets) and on a Ctrl-C before the first probe is done. In-process (runCli with
// a fake io), real sockets. Addresses: 127.0.9.80/28 (the rest of 127.0.9.0/24 belongs to
// spec/cli/discover.spec.ts).

/** One write of the CLI, to stdout or stderr, in the order they came. */
type Write = readonly ['out' | 'err', string];

/** A fake io whose stderr is a terminal (`isTTY`); every write kept in order; `stop()` is Ctrl-C. */
function terminalIo() {
  const writes: Write[] = [];
  const controller = new AbortController();
  const io: CliIO = {
    stdout: { write: (s: string) => writes.push(['out', s]) },
    stderr: { write: (s: string) => writes.push(['err', s]), isTTY: true },
    signal: controller.signal,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
  const text = (stream: 'out' | 'err') =>
    writes
      .filter(([s]) => s === stream)
      .map(([, t]) => t)
      .join('');
  return { io, writes, text, stop: () => controller.abort('SIGINT') };
}

/**
 * A server on `host` (free port) that reads what it is sent and then closes, as pycom does, or
 * with `hold`, keeps every connection open (a probe then waits for its hand-over timeout).
 * `connected` resolves on the first connection.
 */
async function responder(host: string, { hold = false } = {}) {
  const sockets = new Set<net.Socket>();
  let onConnection!: () => void;
  const connected = new Promise<void>((resolve) => (onConnection = resolve));
  const server = net.createServer({ allowHalfOpen: hold }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
    if (!hold) socket.on('end', () => socket.end());
    onConnection();
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connected,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const CLEAR = '\r\x1b[2K';

describe('pycom-rx discover on a terminal', () => {
  it('draws a progress bar on stderr, clears it for each line on stdout and before the summary', async () => {
    // 127.0.9.80/30: .81 refuses, .82 responds; one probe at a time, in ascending order
    const peer = await responder('127.0.9.82');
    try {
      const terminal = terminalIo();
      const code = await runCli(
        [
          'discover',
          '--subnet',
          '127.0.9.80/30',
          '--unit-port',
          String(peer.port),
          '--concurrency',
          '1',
          '--no-info',
        ],
        terminal.io,
      );
      expect(code).toBe(EXIT.ok);
      const half = `scanning 127.0.9.80/30 [${'#'.repeat(12)}${'.'.repeat(12)}] 1/2, 0 found`;
      const full = `scanning 127.0.9.80/30 [${'#'.repeat(24)}] 2/2, 1 found`;
      expect(terminal.writes).toEqual([
        ['err', `${CLEAR}${half}`],
        ['err', CLEAR], // the bar goes for the line...
        ['out', expect.stringMatching(new RegExp(`^127\\.0\\.9\\.82 +responds on port ${peer.port}\\n$`))],
        ['err', half], // ...and comes back under it
        ['err', `${CLEAR}${full}`],
        ['err', CLEAR],
        [
          'err',
          expect.stringMatching(/^scanned 2 addresses of 127\.0\.9\.80\/30 in \d+\.\d s: 1 responder\n$/),
        ],
      ]);
    } finally {
      await peer.close();
    }
  });

  it('on Ctrl-C before the first probe is done: exits 130, "0 of ? probed", nothing on stdout', async () => {
    // the peer takes the probe's connection and keeps it: the probe is not done for a second
    const peer = await responder('127.0.9.85', { hold: true });
    try {
      const terminal = terminalIo();
      const exited = runCli(
        ['discover', '--subnet', '127.0.9.85/32', '--unit-port', String(peer.port), '--no-info'],
        terminal.io,
      );
      await Promise.race([
        peer.connected,
        exited.then((code) => {
          throw new Error(`discover exited ${code} before probing: ${terminal.text('err')}`);
        }),
      ]);
      terminal.stop();
      expect(await exited).toBe(EXIT.interrupted);
      expect(terminal.text('out')).toBe('');
      const stderr = terminal.text('err');
      expect(stderr).toContain(
        'pycom-rx: discover interrupted by Ctrl-C while scanning 127.0.9.85/32 (0 of ? probed, 0 responding)\n',
      );
      expect(stderr).toMatch(
        /interrupted; scanned 0 addresses of 127\.0\.9\.85\/32 in \d+\.\d s: 0 responders\n/,
      );
      expect(stderr).not.toContain('scanning 127.0.9.85/32 ['); // no bar: no probe was done
    } finally {
      await peer.close();
    }
  });
});
