import * as net from 'node:net';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { firstValueFrom } from 'rxjs';
import { encodeEvent } from '../../src/protocol';
import { listen, listenCause, ListenError } from '../../src/transport';
import { unitIdentity } from '../fixtures';
import { sendAndEnd } from '../helpers/sockets';
import { hostsOf, ListenerHarness } from './harness';

// This file's loopback range: 127.41.20.0/24 (spec/helpers/addresses.ts): the listener on .1, senders from .2.
const AT = hostsOf(__filename);
const HOST = AT.host;

const fixture = path.join(__dirname, 'fixtures', 'bindPrivileged.ts');

/** The lowest port an unprivileged process may bind (Linux sysctl; 1024 elsewhere). */
function unprivilegedPortStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}

/** Where setpriv lives, if anywhere. */
function setpriv(): string | undefined {
  return ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'].find((p) => existsSync(p));
}

/**
 * Runs the bind fixture without privileges: directly when this process is not root, else as
 * `nobody` (uid/gid 65534) through setpriv. Resolves with the fixture's JSON line.
 */
function bindUnprivileged(port: number): Promise<Record<string, unknown>> {
  const node = [process.execPath, '--import', 'tsx', fixture, String(port), HOST];
  const root = process.getuid?.() === 0;
  const tool = setpriv();
  if (root && tool === undefined) {
    throw new Error('running as root without setpriv: cannot drop privileges to provoke EACCES');
  }
  const [file, ...args] = root ? [tool!, '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
  return new Promise((resolve, reject) =>
    execFile(
      file!,
      args,
      { cwd: path.join(__dirname, '..', '..'), timeout: 25_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
      },
    ),
  );
}

describe('listen() bind errors', () => {
  it('errors with an in-use ListenError when another listen() holds the port, and the first keeps serving', async () => {
    const first = await ListenerHarness.start(AT);
    try {
      const error = await firstValueFrom(listen({ host: HOST, port: first.port })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ListenError);
      expect(error).toMatchObject({
        reason: 'in-use',
        code: 'EADDRINUSE',
        host: HOST,
        port: first.port,
      });
      expect((error as Error).message).toBe(
        `cannot listen on ${HOST}:${first.port}: port already in use (EADDRINUSE); stop the other listener or choose another port`,
      );
      const event = encodeEvent({
        ...unitIdentity({ ip: AT.from }),
        type_: 'message',
        message: 'still here',
      });
      await sendAndEnd(first, event);
      await first.until(() => first.reasonCount('event') === 1, 'the event on the first listener');
    } finally {
      first.stop();
    }
  });

  it('errors with an in-use ListenError when a plain server holds the port, on every subscription', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, HOST, resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const source = listen({ host: HOST, port });
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const error = await firstValueFrom(source).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'ListenError', reason: 'in-use', code: 'EADDRINUSE', port });
      }
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('maps permission errors to the access reason', () => {
    expect(listenCause('EACCES')).toBe('access');
    expect(listenCause('EPERM')).toBe('access');
    expect(new ListenError(HOST, 80, 'access', 'EACCES').message).toBe(
      `cannot listen on ${HOST}:80: permission denied (EACCES); ports below 1024 need privileges`,
    );
  });

  it('errors with an access ListenError when an unprivileged process binds a privileged port', async () => {
    const start = unprivilegedPortStart();
    // with ip_unprivileged_port_start = 0 every port is open to everyone: nothing to provoke
    expect(start).toBeGreaterThan(1);
    const port = start - 1;
    const result = await bindUnprivileged(port);
    expect(result).toEqual({
      isListenError: true,
      name: 'ListenError',
      reason: 'access',
      code: 'EACCES',
      host: HOST,
      port,
      uid: process.getuid?.() === 0 ? 65534 : process.getuid?.(),
      message: `cannot listen on ${HOST}:${port}: permission denied (EACCES); ports below 1024 need privileges`,
    });
  }, 30_000);
});
