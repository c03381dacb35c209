import * as net from 'node:net';
import { firstValueFrom, Subscription, take, toArray, timeout } from 'rxjs';
import { encodeEvent } from '../../src/protocol';
import { listen, listenPayloads, ListenError, type Inbound, type Rejected } from '../../src/transport';
import { OptionError } from '../../src/validation';
import { unitIdentity } from '../fixtures';
import { addressesOf } from '../helpers/addresses';
import { outputs } from '../helpers/events';
import { canConnect, collect, endedWith, rawSend, type Endpoint } from '../helpers/sockets';

// This file's loopback range: 127.41.2.0/24 (spec/helpers/addresses.ts): listeners on .1, senders from .2.
const addresses = addressesOf(__filename);
const HOST = addresses.host(1);
const SENDER = addresses.host(2);
/** The listener on HOST:`port`, as a sender from `from` reaches it. */
const at = (port: number, from = SENDER): Endpoint => ({ host: HOST, port, from });

const unit = unitIdentity({ name: 'unit', ip: SENDER });
const output = outputs(unit, (n) => `token-${n}\n`);

function rejected(items: Inbound[]): Rejected[] {
  return items.filter((i): i is Rejected => !('type_' in i));
}

const subs: Subscription[] = [];
afterEach(() => subs.splice(0).forEach((s) => s.unsubscribe()));

describe('listen', () => {
  it('yields exactly one received item per connection, for N concurrent senders, each closed cleanly', async () => {
    const n = 200;
    const { address, items } = collect((onListening) => listen({ host: HOST, port: 0, onListening }), n);
    const { port } = await address;
    const clients = await Promise.all(
      Array.from({ length: n }, (_, i) => rawSend(at(port), encodeEvent(output(i)))),
    );
    const got = await items;
    expect(got.every((i) => 'type_' in i)).toBe(true);
    const texts = got.map((i) => ('type_' in i && i.type_ === 'output' ? i.output : '')).sort();
    expect(texts).toEqual(Array.from({ length: n }, (_, i) => `token-${i}\n`).sort());
    expect(await Promise.all(clients.map(endedWith))).toEqual(clients.map(() => undefined));
    const first = got[0]!;
    expect(first.remote.address).toBe(SENDER);
    expect(first.remote.port).toBeGreaterThan(0);
    expect(first.receivedAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('reads a payload that arrives in many small chunks until the peer ends it', async () => {
    const { address, items } = collect((onListening) => listen({ host: HOST, port: 0, onListening }), 1);
    const { port } = await address;
    const bytes = encodeEvent(output(7));
    const { socket } = await rawSend(at(port), bytes.subarray(0, 5), { end: false });
    for (let i = 5; i < bytes.length; i += 7)
      await new Promise<void>((resolve) => socket.write(bytes.subarray(i, i + 7), () => resolve()));
    socket.end();
    const [item] = await items;
    expect(item).toMatchObject(output(7));
  });

  it('turns every kind of bad input into a rejected item, resets its sender, and keeps serving valid senders in between', async () => {
    const { address, items } = collect(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, maxPayloadBytes: 1024 * 1024, idleTimeoutMs: 300 }),
      16,
    );
    const { port } = await address;
    const valid = () => rawSend(at(port), encodeEvent(output(1)));
    const good = [await valid()];
    const bad = [await rawSend(at(port), 'garbage, not json')];
    good.push(await valid());
    bad.push(
      await rawSend(at(port), '{"type_": "output", "id":'),
      await rawSend(at(port), Buffer.from([0x7b, 0xc3, 0x28, 0x7d])),
    );
    good.push(await valid());
    bad.push(await rawSend(at(port), JSON.stringify({ ...unit, type_: 'output', output: 42 })));
    bad.push(await rawSend(at(port), JSON.stringify({ ...unit, type_: 'reboot' })));
    good.push(await valid());
    bad.push(await rawSend(at(port), Buffer.alloc(2 * 1024 * 1024, 0x20), { end: false }));
    bad.push(await rawSend(at(port), '', { end: false })); // sends nothing, stays open: idle timeout
    bad.push(await rawSend(at(port), '{"type_": "out', { end: false })); // half a payload, then stalls
    const aborted = await rawSend(at(port), '{"type_": "output"', { end: false });
    aborted.socket.resetAndDestroy(); // data and RST together: reported as reset, or as json (see RejectReason)
    good.push(await valid());
    bad.push(await rawSend(at(port), ''));
    good.push(await valid());
    const got = await items;
    const events = got.filter((i) => 'type_' in i);
    expect(events).toHaveLength(6);
    const reasons = rejected(got).map((r) => r.reason);
    const abortedAs = reasons.includes('reset') ? 'reset' : 'json';
    expect(reasons.sort()).toEqual(
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
        abortedAs,
      ].sort(),
    );
    // nothing taken, nothing closed cleanly: every bad sender saw a reset, every good one a clean close
    expect(await Promise.all(bad.map(endedWith))).toEqual(bad.map(() => 'ECONNRESET'));
    expect(await Promise.all(good.map(endedWith))).toEqual(good.map(() => undefined));
    const tooLarge = rejected(got).find((r) => r.reason === 'too-large')!;
    expect(tooLarge.message).toMatch(/larger than 1048576 bytes/);
    const field = rejected(got).find((r) => r.reason === 'field')!;
    expect(field.message).toMatch(/`output`: expected string, got 42/);
    expect(field.excerpt).toContain('"output":42');
    const stalled = rejected(got).find((r) => r.reason === 'idle-timeout' && r.bytes > 0)!;
    expect(stalled.excerpt).toBe('{"type_": "out');
  });

  it('takes a whole JSON object at once from a peer that does not end its side, and closes it cleanly', async () => {
    const { address, items } = collect(
      (onListening) => listen({ host: HOST, port: 0, onListening, idleTimeoutMs: 5000 }),
      2,
    );
    const { port } = await address;
    // a closing brace inside a string, and an escaped quote, do not end the object
    const event = { ...output(5), output: 'a } "quoted" \\ }' };
    const bytes = encodeEvent(event);
    const first = await rawSend(at(port), bytes.subarray(0, 20), { end: false });
    for (let i = 20; i < bytes.length; i += 3) first.socket.write(bytes.subarray(i, i + 3));
    expect(await endedWith(first)).toBeUndefined(); // this side closed it: pycom's behaviour for a request
    const nested = await rawSend(at(port), '{"a": {"b": 1}', { end: false }); // ends with } but is not whole
    const marker = await rawSend(at(port), encodeEvent(output(6)), { end: false });
    expect(await endedWith(marker)).toBeUndefined();
    nested.socket.end('}');
    const got = await items;
    expect(got.map((i) => 'type_' in i)).toEqual([true, true]);
    expect(got[0]).toMatchObject(event);
    expect(got[1]).toMatchObject(output(6));
    const [late] = await firstValueFrom(
      listen({ host: HOST, port: 0, onListening: (a) => void rawSend(at(a.port), '{"a": {"b": 1}}') }).pipe(
        take(1),
        toArray(),
        timeout(5000),
      ),
    );
    expect(late).toMatchObject({ kind: 'rejected', reason: 'type' });
  });

  it('waits for the end of the connection when completeOnJson is off', async () => {
    const { address, items } = collect(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, idleTimeoutMs: 200, completeOnJson: false }),
      1,
    );
    const { port } = await address;
    const client = await rawSend(at(port), encodeEvent(output(6)), { end: false });
    const [item] = await items;
    expect(item).toMatchObject({ kind: 'rejected', reason: 'idle-timeout' });
    expect(await endedWith(client)).toBe('ECONNRESET');
  });

  it('rejects a payload that trickles in too slowly even if it never goes idle', async () => {
    const { address, items } = collect(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, idleTimeoutMs: 1000, payloadTimeoutMs: 200 }),
      1,
    );
    const { port } = await address;
    const { socket, closed } = await rawSend(at(port), '{', { end: false });
    const drip = setInterval(() => socket.writable && socket.write(' '), 20);
    const [item] = await items;
    clearInterval(drip);
    expect(item).toMatchObject({ kind: 'rejected', reason: 'too-slow' });
    expect((await closed).error).toBe('ECONNRESET');
  });

  it('resets and reports the senders that the allow filter refuses, without reading them', async () => {
    const other = addresses.host(9);
    const { address, items } = collect(
      (onListening) => listen({ host: HOST, port: 0, onListening, allow: (a) => a === SENDER }),
      2,
    );
    const { port } = await address;
    const allowed = await rawSend(at(port), encodeEvent(output(1)));
    expect(await endedWith(allowed)).toBeUndefined();
    const refused = await rawSend(at(port, other), encodeEvent(output(2)));
    expect(await endedWith(refused)).toBe('ECONNRESET');
    const got = await items;
    expect(got[0]).toMatchObject(output(1));
    expect(got[1]).toMatchObject({
      kind: 'rejected',
      reason: 'not-allowed',
      remote: { address: other },
      bytes: 0,
    });
  });

  it('errors with a ListenError naming host and port when the port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, HOST, r));
    const { port } = blocker.address() as net.AddressInfo;
    const error = await firstValueFrom(listen({ host: HOST, port })).catch((e: unknown) => e);
    await new Promise((r) => blocker.close(r));
    expect(error).toBeInstanceOf(ListenError);
    expect(error).toMatchObject({ host: HOST, port, reason: 'in-use', code: 'EADDRINUSE' });
    expect((error as Error).cause).toMatchObject({ code: 'EADDRINUSE' });
    expect((error as Error).message).toMatch(`cannot listen on ${HOST}:${port}: port already in use`);
  });

  it('errors with a ListenError when the address does not exist here', async () => {
    const error = await firstValueFrom(listen({ host: '192.0.2.1', port: 0 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ListenError', reason: 'address' });
  });

  it('binds when subscribed, and on unsubscribe resets open connections and releases the port at once', async () => {
    const bound = new Promise<number>((resolve) => {
      subs.push(listen({ host: HOST, port: 0, onListening: (a) => resolve(a.port) }).subscribe());
    });
    const port = await bound;
    expect(await canConnect(at(port))).toBe(true);
    // an open, silent connection must not keep the port; its sender learns it was not taken
    const lingering = await rawSend(at(port), '{', { end: false });
    subs.pop()!.unsubscribe();
    expect(await endedWith(lingering)).toBe('ECONNRESET');
    expect(await canConnect(at(port))).toBe(false);
    const again = firstValueFrom(
      listen({
        host: HOST,
        port,
        onListening: () => void rawSend(at(port), encodeEvent(output(9))),
      }).pipe(take(1), toArray(), timeout(5000)),
    );
    expect(await again).toMatchObject([output(9)]);
  });
});

describe('listen() options', () => {
  it.each([
    [{ port: 70000 }, 'port', 'too-large'],
    [{ port: -1 }, 'port', 'too-small'],
    [{ port: 5000.5 }, 'port', 'not-integer'],
    [{ port: '5000' }, 'port', 'type'],
    [{ idleTimeoutMs: NaN }, 'idleTimeoutMs', 'not-finite'],
    [{ payloadTimeoutMs: 2 ** 31 }, 'payloadTimeoutMs', 'too-large'],
    [{ payloadTimeoutMs: 0 }, 'payloadTimeoutMs', 'too-small'],
    [{ maxConnections: 0 }, 'maxConnections', 'too-small'],
    [{ maxConnectionsPerAddress: Infinity }, 'maxConnectionsPerAddress', 'not-finite'],
    [{ maxWaiting: -1 }, 'maxWaiting', 'too-small'],
    [{ evictAfterMs: '1s' }, 'evictAfterMs', 'type'],
    [{ maxPayloadBytes: 0 }, 'maxPayloadBytes', 'too-small'],
    [{ backlog: null }, 'backlog', 'type'],
    [{ maxDepth: 0 }, 'maxDepth', 'too-small'],
  ])('throws an OptionError naming the option when called with %p', (options, option, reason) => {
    for (const make of [listen, listenPayloads]) {
      let thrown: unknown;
      try {
        make(options as never);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(OptionError);
      expect(thrown).toBeInstanceOf(RangeError);
      expect(thrown).toMatchObject({ option, reason });
      expect((thrown as Error).message).toMatch(new RegExp(`^option ${option} must be `));
    }
  });

  it('accepts the limits at their bounds', () => {
    expect(() =>
      listen({ port: 65535, payloadTimeoutMs: 2 ** 31 - 1, maxWaiting: 0, evictAfterMs: 0, maxDepth: 1 }),
    ).not.toThrow();
  });
});
