import * as net from 'node:net';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { decodeRequest, type Command } from '../../src/protocol';
import { send, SendError, sendPayload } from '../../src/transport';
import { either as E } from 'fp-ts';
import { OptionError } from '../../src/validation';
import { coordinatorIdentity, until } from '../fixtures';
import type { EventEmitter } from 'node:events';

const me = coordinatorIdentity({ name: 'rig' });
const cmd: Command = { ...me, type_: 'cmd', command: 'echo hi' };

/** A server that behaves like pycom: reads to the end, closes, never answers. */
async function pycomLike(
  onRequest: (bytes: Buffer) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => {
      onRequest(Buffer.concat(chunks));
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** The first `event` of `emitter`; rejects, saying what it waited for, when none came within `ms`. */
function nextEvent<T = unknown>(emitter: EventEmitter, event: string, what: string, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const onEvent = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    emitter.once(event, onEvent);
  });
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('send', () => {
  it('writes one JSON request on a fresh connection and completes once the unit has it', async () => {
    const received: Buffer[] = [];
    const unit = await pycomLike((b) => received.push(b));
    await lastValueFrom(send({ host: '127.0.0.1', port: unit.port }, cmd), { defaultValue: undefined });
    await unit.close();
    expect(received).toHaveLength(1);
    expect(decodeRequest(received[0]!)).toEqual(E.right(cmd));
  });

  it('does nothing until subscribed', async () => {
    const received: Buffer[] = [];
    const unit = await pycomLike((b) => received.push(b));
    const request$ = send({ host: '127.0.0.1', port: unit.port }, cmd);
    // a sentinel request, sent and taken after request$ was made: nothing else came before it
    const sentinel = { ...cmd, command: 'sentinel' };
    await lastValueFrom(send({ host: '127.0.0.1', port: unit.port }, sentinel));
    expect(received.map((b) => decodeRequest(b))).toEqual([E.right(sentinel)]);
    received.length = 0;
    await lastValueFrom(request$, { defaultValue: undefined });
    await lastValueFrom(request$, { defaultValue: undefined });
    await unit.close();
    expect(received).toHaveLength(2);
  });

  it('reports the local address it used', async () => {
    const unit = await pycomLike(() => undefined);
    let local = { address: '', port: 0 };
    await lastValueFrom(
      send({ host: '127.0.0.1', port: unit.port }, cmd, { onConnect: (l) => (local = l) }),
      {
        defaultValue: undefined,
      },
    );
    await unit.close();
    expect(local.address).toBe('127.0.0.1');
    expect(local.port).toBeGreaterThan(0);
  });

  it('fails with SendError "refused" when nothing listens', async () => {
    const port = await closedPort();
    const error = await firstValueFrom(send({ host: '127.0.0.1', port }, cmd)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ host: '127.0.0.1', port, reason: 'refused', code: 'ECONNREFUSED' });
    // the system error itself, as ES2022's cause
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
    expect((error as Error).message).toMatch(`cannot send to 127.0.0.1:${port}`);
  });

  it('fails with SendError "timeout" when the request cannot be written in time (the peer never reads)', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const huge = Buffer.alloc(64 * 1024 * 1024, 0x20); // far more than the socket buffers hold
    const error = await firstValueFrom(
      sendPayload({ host: '127.0.0.1', port }, huge, { timeoutMs: 300 }),
    ).catch((e: unknown) => e);
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
    expect(error).toMatchObject({ name: 'SendError', reason: 'timeout' });
    expect((error as Error).message).toMatch(/could not be written within 300 ms/);
  });

  it('completes after timeoutMs when the peer has everything but keeps the connection open', async () => {
    const received: Buffer[] = [];
    const sockets: net.Socket[] = [];
    let ended!: () => void;
    const end = new Promise<void>((resolve) => (ended = resolve));
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      sockets.push(s);
      s.on('data', (c) => received.push(c));
      s.on('end', () => ended()); // the peer has everything: the sender ended its side
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const outcome = await lastValueFrom(send({ host: '127.0.0.1', port }, cmd, { timeoutMs: 200 })).catch(
      (e: unknown) => e,
    );
    await end;
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
    expect(outcome).toMatchObject({ host: '127.0.0.1', port, local: { address: '127.0.0.1' } });
    expect(decodeRequest(Buffer.concat(received))).toEqual(E.right(cmd));
  });

  it('fails with SendError "reset" when the peer resets the connection', async () => {
    const server = net.createServer((s) => s.resetAndDestroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const error = await firstValueFrom(
      sendPayload({ host: '127.0.0.1', port }, Buffer.alloc(4 * 1024 * 1024)),
    ).catch((e: unknown) => e);
    await new Promise((r) => server.close(r));
    expect(error).toMatchObject({ name: 'SendError', reason: 'reset' });
  });

  it('fails with SendError "dns" for a host name that does not resolve', async () => {
    const error = await firstValueFrom(send({ host: 'no-such-unit.invalid', port: 5000 }, cmd)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'SendError', reason: 'dns' });
  });

  it('destroys the socket when unsubscribed before the hand-over', async () => {
    const tcp = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    // allowHalfOpen: the server never answers nor ends, so the hand-over cannot finish by itself;
    // a client that goes away gives the held socket 'end', but that socket stays open until destroyed
    const server = net.createServer({ allowHalfOpen: true });
    const accepted = nextEvent<net.Socket>(server, 'connection', 'the server to accept the connection');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const events: string[] = [];
    const sub = send({ host: '127.0.0.1', port }, cmd).subscribe({
      complete: () => events.push('complete'),
      error: () => events.push('error'),
    });
    const held = await accepted.catch((e: unknown) => {
      sub.unsubscribe();
      server.close();
      throw e;
    });
    held.resume(); // flowing, so that the end of the stream is announced whatever was written before it
    const clientGone = nextEvent(held, 'end', "the server side to see the client's socket end");
    try {
      const during = tcp();
      sub.unsubscribe();
      await clientGone;
      await until(() => tcp() === during - 1, "the client's socket to be released", 5_000);
      expect(tcp()).toBe(during - 1); // the client's socket is gone
    } finally {
      held.destroy();
      await new Promise((r) => server.close(r));
    }
    expect(events).toEqual([]);
  });
});

describe('send() options', () => {
  it.each([
    ['127.41.1.1', { timeoutMs: NaN }, 'timeoutMs', 'not-finite'],
    ['127.41.1.1', { connectTimeoutMs: 2 ** 31 }, 'connectTimeoutMs', 'too-large'],
    ['127.41.1.1', { connectTimeoutMs: '300' }, 'connectTimeoutMs', 'type'],
    [{ host: '127.41.1.1', port: 70000 }, {}, 'target.port', 'too-large'],
    [{ host: '127.41.1.1', port: '5000' }, {}, 'target.port', 'type'],
    [{ host: '' }, {}, 'target.host', 'type'],
    ['127.41.1.1 ', {}, 'target', 'type'],
    [42, {}, 'target', 'type'],
    [{ host: '127.41.1.1', port: 0 }, {}, 'target.port', 'too-small'],
  ])('throws an OptionError when called with %p and %p', (target, options, option, reason) => {
    const calls = [
      () => send(target as never, cmd, options as never),
      () => sendPayload(target as never, Buffer.from('{}'), options as never),
    ];
    for (const call of calls) {
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(OptionError);
      expect(thrown).toMatchObject({ option, reason });
    }
  });
});
