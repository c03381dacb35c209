import * as net from 'node:net';
import { firstValueFrom, Subscription, take, toArray, timeout } from 'rxjs';
import { encodeEvent, type Output } from '../../src/protocol';
import { listen, ListenError, type Inbound, type Rejected } from '../../src/transport';
import { canConnect, rawReset, rawSend, startCollecting } from '../helpers/net';

/** This file's listener address (its loopback range is 127.41.0.0/16). */
const HOST = '127.41.1.1';
import { unitIdentity } from '../fixtures';

const unit = unitIdentity({ name: 'unit', ip: '127.0.0.1' });
const output = (n: number): Output => ({ ...unit, type_: 'output', output: `token-${n}\n` });

function rejected(items: Inbound[]): Rejected[] {
  return items.filter((i): i is Rejected => i.kind === 'rejected');
}

describe('listen', () => {
  it('yields exactly one received item per connection, for N concurrent senders', async () => {
    const n = 200;
    const { address, items } = startCollecting(
      (onListening) => listen({ host: HOST, port: 0, onListening }),
      n,
    );
    const { port } = await address;
    await Promise.all(Array.from({ length: n }, (_, i) => rawSend(port, encodeEvent(output(i)))));
    const got = await items;
    expect(got.every((i) => i.kind === 'event')).toBe(true);
    const texts = got
      .map((i) => (i.kind === 'event' && i.event.type_ === 'output' ? i.event.output : ''))
      .sort();
    expect(texts).toEqual(Array.from({ length: n }, (_, i) => `token-${i}\n`).sort());
    const first = got[0]!;
    expect(first.remote.address).toBe(HOST);
    expect(first.remote.port).toBeGreaterThan(0);
    expect(first.receivedAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('reads a payload that arrives in many small chunks until the peer ends it', async () => {
    const { address, items } = startCollecting(
      (onListening) => listen({ host: HOST, port: 0, onListening }),
      1,
    );
    const { port } = await address;
    const bytes = encodeEvent(output(7));
    const socket = await rawSend(port, bytes.subarray(0, 5), { end: false });
    for (let i = 5; i < bytes.length; i += 7) {
      socket.write(bytes.subarray(i, i + 7));
      await new Promise((r) => setTimeout(r, 1));
    }
    socket.end();
    const [item] = await items;
    expect(item).toMatchObject({ kind: 'event', event: output(7) });
  });

  it('turns every kind of bad input into a rejected item and keeps serving valid senders in between', async () => {
    const { address, items } = startCollecting(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, maxPayloadBytes: 1024 * 1024, idleTimeoutMs: 300 }),
      16,
    );
    const { port } = await address;
    const valid = () => rawSend(port, encodeEvent(output(1)));
    await valid();
    await rawSend(port, 'garbage, not json');
    await valid();
    await rawSend(port, '{"type_": "output", "id":');
    await rawSend(port, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]));
    await valid();
    await rawSend(port, JSON.stringify({ ...unit, type_: 'output', output: 42 }));
    await rawSend(port, JSON.stringify({ ...unit, type_: 'reboot' }));
    await valid();
    const big = await rawSend(port, Buffer.alloc(2 * 1024 * 1024, 0x20), { end: false });
    big.on('error', () => undefined);
    await rawSend(port, '', { end: false }); // sends nothing, stays open: idle timeout
    await rawSend(port, '{"type_": "out', { end: false }); // half a payload, then stalls
    await rawReset(port, '{"type_": "output"');
    await valid();
    await rawSend(port, '');
    await valid();
    const got = await items;
    const events = got.filter((i) => i.kind === 'event');
    expect(events).toHaveLength(6);
    const reasons = rejected(got)
      .map((r) => r.reason)
      .sort();
    expect(reasons).toEqual(
      [
        'json',
        'json',
        'json',
        'utf8',
        'field',
        'type',
        'too-large',
        'idle-timeout',
        'idle-timeout',
        'reset',
      ].sort(),
    );
    const tooLarge = rejected(got).find((r) => r.reason === 'too-large')!;
    expect(tooLarge.message).toMatch(/larger than 1048576 bytes/);
    const field = rejected(got).find((r) => r.reason === 'field')!;
    expect(field.message).toMatch(/`output`: expected string, got 42/);
    expect(field.excerpt).toContain('"output":42');
    const stalled = rejected(got).find((r) => r.reason === 'idle-timeout' && r.bytes > 0)!;
    expect(stalled.excerpt).toBe('{"type_": "out');
  });

  it('takes a whole JSON object at once from a peer that does not end its side, and closes it', async () => {
    const { address, items } = startCollecting(
      (onListening) => listen({ host: HOST, port: 0, onListening, idleTimeoutMs: 5000 }),
      2,
    );
    const { port } = await address;
    const bytes = encodeEvent(output(5));
    const socket = await rawSend(port, bytes.subarray(0, 20), { end: false });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    await new Promise((r) => setTimeout(r, 30));
    socket.write(bytes.subarray(20));
    await closed; // this side closed it: pycom's behaviour for a request
    const nested = await rawSend(port, '{"a": {"b": 1}', { end: false }); // ends with } but is not whole
    nested.on('error', () => undefined);
    const got = await Promise.race([items, new Promise<Inbound[]>((r) => setTimeout(() => r([]), 300))]);
    expect(got).toEqual([]); // only one item so far: the nested one is still waiting
    nested.end('}');
    const [first, second] = await items;
    expect(first).toMatchObject({ kind: 'event', event: output(5) });
    expect(second).toMatchObject({ kind: 'rejected', reason: 'type' });
  });

  it('waits for the end of the connection when completeOnJson is off', async () => {
    const { address, items } = startCollecting(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, idleTimeoutMs: 200, completeOnJson: false }),
      1,
    );
    const { port } = await address;
    const socket = await rawSend(port, encodeEvent(output(6)), { end: false });
    socket.on('error', () => undefined);
    const [item] = await items;
    expect(item).toMatchObject({ kind: 'rejected', reason: 'idle-timeout' });
  });

  it('rejects a payload that trickles in too slowly even if it never goes idle', async () => {
    const { address, items } = startCollecting(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, idleTimeoutMs: 1000, payloadTimeoutMs: 200 }),
      1,
    );
    const { port } = await address;
    const socket = await rawSend(port, '{', { end: false });
    const drip = setInterval(() => socket.writable && socket.write(' '), 20);
    socket.on('error', () => undefined);
    const [item] = await items;
    clearInterval(drip);
    socket.destroy();
    expect(item).toMatchObject({ kind: 'rejected', reason: 'too-slow' });
  });

  it('refuses and reports the senders that the allow filter rejects, without decoding them', async () => {
    const { address, items } = startCollecting(
      (onListening) => listen({ host: '0.0.0.0', port: 0, onListening, allow: (a) => a === '127.0.0.1' }),
      2,
    );
    const { port } = await address;
    await rawSend(port, encodeEvent(output(1)), { host: '127.0.0.1' });
    await new Promise((r) => setTimeout(r, 50));
    const other = new net.Socket();
    other.on('error', () => undefined);
    await new Promise<void>((resolve) =>
      other.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.9' }, () => {
        other.end(encodeEvent(output(2)));
        resolve();
      }),
    );
    const got = await items;
    expect(got[0]).toMatchObject({ kind: 'event', event: output(1) });
    expect(got[1]).toMatchObject({
      kind: 'rejected',
      reason: 'not-allowed',
      remote: { address: '127.0.0.9' },
    });
  });

  it('refuses connections beyond maxConnections and reports each one', async () => {
    const { address, items } = startCollecting(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, maxConnections: 2, idleTimeoutMs: 500 }),
      4,
    );
    const { port } = await address;
    const open = [await rawSend(port, '{', { end: false }), await rawSend(port, '{', { end: false })];
    await new Promise((r) => setTimeout(r, 50));
    const extra = await rawSend(port, encodeEvent(output(3)));
    extra.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const extra2 = await rawSend(port, encodeEvent(output(4)));
    extra2.on('error', () => undefined);
    const got = await items;
    open.forEach((s) => s.destroy());
    const reasons = got.map((i) => (i.kind === 'rejected' ? i.reason : i.kind));
    expect(reasons.filter((r) => r === 'too-many-connections')).toHaveLength(2);
    expect(reasons.filter((r) => r === 'idle-timeout')).toHaveLength(2);
  });

  it('errors with a ListenError naming host and port when the port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, HOST, r));
    const { port } = blocker.address() as net.AddressInfo;
    const error = await firstValueFrom(listen({ host: HOST, port })).catch((e: unknown) => e);
    await new Promise((r) => blocker.close(r));
    expect(error).toBeInstanceOf(ListenError);
    expect(error).toMatchObject({ host: HOST, port, cause: 'in-use', code: 'EADDRINUSE' });
    expect((error as Error).message).toMatch(`cannot listen on ${HOST}:${port}: port already in use`);
  });

  it('errors with a ListenError when the address does not exist here', async () => {
    const error = await firstValueFrom(listen({ host: '192.0.2.1', port: 0 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ListenError', cause: 'address' });
  });

  it('binds when subscribed and releases the port on unsubscribe, so it binds again at once', async () => {
    const bound = new Promise<number>((resolve) => {
      const sub = listen({ host: HOST, port: 0, onListening: (a) => resolve(a.port) }).subscribe();
      subs.push(sub);
    });
    const port = await bound;
    expect(await canConnect(port)).toBe(true);
    // an open, silent connection must not keep the port
    const lingering = await rawSend(port, '{', { end: false });
    lingering.on('error', () => undefined);
    subs.pop()!.unsubscribe();
    await new Promise((r) => setTimeout(r, 20));
    expect(await canConnect(port)).toBe(false);
    const again = listen({ host: HOST, port }).pipe(take(1), toArray(), timeout(5000));
    const got = firstValueFrom(again);
    await new Promise((r) => setTimeout(r, 20));
    await rawSend(port, encodeEvent(output(9)));
    expect(await got).toMatchObject([{ kind: 'event', event: output(9) }]);
  });
});

const subs: Subscription[] = [];
afterEach(() => subs.splice(0).forEach((s) => s.unsubscribe()));
