import * as net from 'node:net';
import { encodeEvent } from '../../src/protocol';
import { unitIdentity } from '../fixtures';
import { jsonLines, startCli, type CliProcess } from './helpers';

/** This file's loopback range is 127.57.0.0/16 (spec/helpers/addresses.ts): the CLI's listener binds here. */
const HOST = '127.57.7.1';
const LISTENER = ['--host', HOST, '--port', '0'];
/** Six CLIs start at once: on a loaded 2-core machine that takes a while (a bound, not a pace). */
const START_MS = 90_000;
jest.setTimeout(START_MS + 30_000);
const startSlow = (args: string[]) => startCli(args, { timeoutMs: START_MS + 20_000 });

/** A peer that accepts connections and never answers nor closes; resolves `taken` when one sends data. */
async function silentPeer(host: string): Promise<{ port: number; taken: Promise<void>; close: () => void }> {
  const sockets = new Set<net.Socket>();
  let take!: () => void;
  const taken = new Promise<void>((resolve) => (take = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => take());
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    taken,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** Interrupts once `ready` has happened; resolves with how the process ended. */
async function interruptWhen(cli: CliProcess, ready: Promise<unknown>) {
  try {
    await ready;
    cli.interrupt();
    return await cli.exited;
  } finally {
    cli.child.kill('SIGKILL');
  }
}

describe('pycom-rx on Ctrl-C', () => {
  it('exits 130 from every command, at the stage it is in, and says what it interrupted', async () => {
    const sendPeer = await silentPeer('127.57.7.30');
    const runPeer = await silentPeer('127.57.7.31');
    const responder = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => responder.listen({ host: '127.57.9.1', port: 0 }, resolve));
    const responderPort = (responder.address() as net.AddressInfo).port;
    try {
      const listen = startSlow(['listen', ...LISTENER]);
      const heartbeat = startSlow(['heartbeat', '127.57.7.9', ...LISTENER]);
      const simulate = startSlow(['simulate', '--units', '1', '--base', '127.57.7.20', '--ready-delay', '0']);
      const send = startSlow(['send', `127.57.7.30:${sendPeer.port}`, '--cmd', 'sleep 60', ...LISTENER]);
      const run = startSlow(['run', `127.57.7.31:${runPeer.port}`, '--preset', 'ALL', '--json', ...LISTENER]);
      const discover = startSlow([
        'discover',
        '--subnet',
        '127.57.0.0/16',
        '--preferred',
        '127.57.9.1',
        '--unit-port',
        String(responderPort),
        '--no-info',
        '--concurrency',
        '1',
      ]);
      const [l, h, s, se, r, d] = await Promise.all([
        interruptWhen(listen, listen.waitFor(/listening on/, 'stderr', START_MS)),
        interruptWhen(heartbeat, heartbeat.waitFor(/heartbeats to 127\.57\.7\.9/, 'stderr', START_MS)),
        interruptWhen(simulate, simulate.waitFor(/running \(Ctrl-C to stop\)/, 'stderr', START_MS)),
        interruptWhen(send, sendPeer.taken),
        interruptWhen(run, runPeer.taken),
        interruptWhen(discover, discover.waitFor(/responds on port/, 'stdout', START_MS)),
      ]);
      expect([l, h, s, se, r, d].map((result) => result.code)).toEqual([130, 130, 130, 130, 130, 130]);
      expect(l.stderr).toMatch(
        /pycom-rx: listen interrupted by Ctrl-C while listening on 127\.57\.7\.1:\d+ \(0 events, 0 rejected so far\)/,
      );
      expect(h.stderr).toMatch(
        /pycom-rx: heartbeat interrupted by Ctrl-C while heartbeating 127\.57\.7\.9 \((pending|lost)\)/,
      );
      expect(s.stderr).toMatch(/pycom-rx: simulate interrupted by Ctrl-C while running 1 simulated unit\n/);
      expect(s.stderr).toContain('stopped');
      expect(se.stderr).toMatch(
        /pycom-rx: send interrupted by Ctrl-C while waiting for the output of "sleep 60" from 127\.57\.7\.30:\d+ \(once sent, the command runs on the unit to its end\)/,
      );
      expect(r.stderr).toMatch(
        /pycom-rx: run interrupted by Ctrl-C while running the sequence on 127\.57\.7\.31:\d+ \(uploading\)/,
      );
      expect(d.stderr).toMatch(
        /pycom-rx: discover interrupted by Ctrl-C while scanning 127\.57\.0\.0\/16 \(\d+ of 65534 probed, 1 responding\)/,
      );
      expect(d.stderr).toMatch(/interrupted; scanned \d+ addresses of 127\.57\.0\.0\/16/);
    } finally {
      sendPeer.close();
      runPeer.close();
      responder.close();
    }
  }, 60_000);

  // Whether the second Ctrl-C lands during the clean-up ("again: exiting at once") or after it
  // (the command's code at once) depends on how fast the clean-up is; either way the process must
  // end with 130, never be killed by the signal, and say once what it interrupted.
  it('exits with 130, not killed by the signal, when Ctrl-C comes a second time', async () => {
    const peer = await silentPeer('127.57.7.32');
    const cli = startCli(['send', `127.57.7.32:${peer.port}`, '--cmd', 'sleep 60', ...LISTENER]);
    try {
      await peer.taken;
      cli.interrupt();
      await cli.waitFor(/send interrupted by Ctrl-C/, 'stderr');
      cli.interrupt();
      const result = await cli.exited;
      expect(result).toMatchObject({ code: 130, signal: null });
      expect(result.stderr.match(/send interrupted by Ctrl-C/g)).toHaveLength(1);
    } finally {
      cli.child.kill('SIGKILL');
      peer.close();
    }
  }, 30_000);
});

describe('pycom-rx listen prints any accepted event safely', () => {
  it('escapes terminal control characters, serialises nested unknown fields, and rejects hostile nesting', async () => {
    const human = startCli(['listen', ...LISTENER]);
    const json = startCli(['listen', '--json', ...LISTENER]);
    try {
      const event = {
        ...unitIdentity({ ip: '127.57.7.2' }),
        type_: 'message',
        message: 'ok\u001b[2J\u001b]0;pwned\u0007\nforged line',
        extra: JSON.parse(`${'['.repeat(10)}1${']'.repeat(10)}`) as unknown,
      };
      const deep = `${JSON.stringify(event).slice(0, -1)},"x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
      for (const cli of [human, json]) {
        const [, port] = await cli.waitFor(/listening on 127\.57\.7\.1:(\d+)/, 'stderr');
        for (const payload of [encodeEvent(event as never), Buffer.from(deep)]) {
          const socket = net.connect({ host: HOST, port: Number(port), localAddress: '127.57.7.2' }, () =>
            socket.end(payload),
          );
          socket.on('error', () => undefined);
          await new Promise((resolve) => socket.on('close', resolve));
        }
        await cli.waitFor(/too-deep/, 'stdout');
        cli.interrupt();
      }
      const [h, j] = await Promise.all([human.exited, json.exited]);
      expect([h.code, j.code]).toEqual([130, 130]);
      // human: one line per item, no raw control character reaches the terminal
      const lines = h.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      // eslint-disable-next-line no-control-regex
      expect(h.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(lines[0]).toContain('ok\\u001b[2J\\u001b]0;pwned\\u0007\\u000aforged line');
      expect(lines[1]).toMatch(/rejected\s+too-deep: nested deeper than 16 levels/);
      // JSON: every line parses, the event whole, the deep one a rejection
      const items = jsonLines(j.stdout);
      expect(items).toEqual([
        expect.objectContaining(event),
        expect.objectContaining({ kind: 'rejected', reason: 'too-deep' }),
      ]);
    } finally {
      human.child.kill('SIGKILL');
      json.child.kill('SIGKILL');
    }
  }, 60_000);
});
