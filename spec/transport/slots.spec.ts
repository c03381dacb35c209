import { encodeEvent } from '../../src/protocol';
import { listen, type Inbound } from '../../src/transport';
import { unitIdentity } from '../fixtures';
import { addressesOf } from '../helpers/addresses';
import { outputs } from '../helpers/events';
import { collect, endedWith, rawSend, type Endpoint, type OpenConnection } from '../helpers/sockets';

// This file's loopback range: 127.41.4.0/24 (spec/helpers/addresses.ts): listeners on .1, senders from .2.
const addresses = addressesOf(__filename);
const HOST = addresses.host(1);
const SENDER = addresses.host(2);
/** The listener on HOST:`port`, as a sender from `from` reaches it. */
const at = (port: number, from = SENDER): Endpoint => ({ host: HOST, port, from });

const unit = unitIdentity({ name: 'unit', ip: SENDER });
const output = outputs(unit, (n) => `token-${n}`);
const tokens = (items: Inbound[]) =>
  items.map((i) =>
    'type_' in i && i.type_ === 'output'
      ? i.output
      : `${'type_' in i ? 'event' : i.kind}:${!('type_' in i) ? i.reason : ''}`,
  );

/** Opens a connection that sends half an object and then nothing: it holds its slot. */
const holder = (port: number, from = SENDER) => rawSend(at(port, from), '{"type_": "out', { end: false });

describe('listen() connection slots', () => {
  it('reads at most maxConnections at once and lets the others wait: a burst far larger loses nothing', async () => {
    const n = 150;
    const { address, items } = collect(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, maxConnections: 4, maxConnectionsPerAddress: 4 }),
      n,
    );
    const { port } = await address;
    const clients = await Promise.all(
      Array.from({ length: n }, (_, i) => rawSend(at(port), encodeEvent(output(i)))),
    );
    const got = await items;
    expect(tokens(got).sort()).toEqual(Array.from({ length: n }, (_, i) => `token-${i}`).sort());
    expect(await Promise.all(clients.map(endedWith))).toEqual(clients.map(() => undefined));
  });

  it('evicts the connection that held its slot longest without completing, with a reset, to serve a waiting one', async () => {
    const { address, items } = collect(
      (onListening) =>
        listen({
          host: HOST,
          port: 0,
          onListening,
          maxConnections: 2,
          evictAfterMs: 50,
          idleTimeoutMs: 10_000,
        }),
      2,
    );
    const { port } = await address;
    const oldest = await holder(port);
    const younger = await holder(port);
    const good = await rawSend(at(port), encodeEvent(output(1)));
    const got = await items;
    expect(tokens(got).sort()).toEqual(['rejected:evicted', 'token-1']);
    const evicted = got.find((i) => !('type_' in i));
    expect(evicted).toMatchObject({
      excerpt: '{"type_": "out',
      bytes: 14,
      message: expect.stringMatching(
        /^closed to make room for a waiting connection: held a slot for \d+ ms without completing \(14 bytes\)$/,
      ),
    });
    expect(`${evicted?.remote.address}:${evicted?.remote.port}`).toBe(oldest.key);
    // the evicted sender knows its request was not taken; the good one was served
    expect(await endedWith(oldest)).toBe('ECONNRESET');
    expect(await endedWith(good)).toBeUndefined();
    younger.socket.destroy();
  });

  it('never evicts a connection before evictAfterMs: a newcomer waits for a slot instead', async () => {
    const { address, items } = collect(
      (onListening) => listen({ host: HOST, port: 0, onListening, maxConnections: 1, evictAfterMs: 60_000 }),
      2,
    );
    const { port } = await address;
    const slow = await holder(port);
    const waiting = await rawSend(at(port), encodeEvent(output(2)));
    // the holder finishes by itself: then, and only then, the waiting one is read
    slow.socket.end('put", "id": 1}');
    const got = await items;
    expect(tokens(got)).toEqual(['rejected:field', 'token-2']);
    expect(await endedWith(waiting)).toBeUndefined();
  });

  it('caps the slots of one address, so that another address is served while it is full', async () => {
    const other = addresses.host(3);
    const { address, items } = collect(
      (onListening) =>
        listen({
          host: HOST,
          port: 0,
          onListening,
          maxConnections: 8,
          maxConnectionsPerAddress: 1,
          evictAfterMs: 60_000,
        }),
      3,
    );
    const { port } = await address;
    const hog = await holder(port, other);
    const queued = await rawSend(at(port, other), encodeEvent(output(1))); // waits: its address is at its cap
    const served = await rawSend(at(port), encodeEvent(output(2))); // another address: a slot at once
    expect(await endedWith(served)).toBeUndefined();
    hog.socket.end('put", "id": 1}');
    const got = await items;
    expect(tokens(got)).toEqual(['token-2', 'rejected:field', 'token-1']);
    expect(await endedWith(queued)).toBeUndefined();
  });

  it('evicts within the address at its cap, not the slots of other addresses', async () => {
    const attacker = addresses.host(4);
    const { address, items } = collect(
      (onListening) =>
        listen({
          host: HOST,
          port: 0,
          onListening,
          maxConnections: 2,
          maxConnectionsPerAddress: 1,
          evictAfterMs: 50,
          idleTimeoutMs: 10_000,
        }),
      3,
    );
    const { port } = await address;
    const patient = await holder(port); // a slow but legitimate sender of another address
    const hog = await holder(port, attacker);
    const next = await rawSend(at(port, attacker), encodeEvent(output(3)));
    const first = await Promise.race([endedWith(hog), next.closed.then(() => 'next first')]);
    expect(first).toBe('ECONNRESET'); // the attacker's own slot went
    patient.socket.end('put", "id": 1}');
    const got = await items;
    expect(tokens(got)).toEqual(['rejected:evicted', 'token-3', 'rejected:field']);
    expect(got[0]?.remote.address).toBe(attacker);
  });

  it('resets the oldest waiting connection of the busiest address when the waiting room is full', async () => {
    const { address, items } = collect(
      (onListening) =>
        listen({ host: HOST, port: 0, onListening, maxConnections: 1, maxWaiting: 1, evictAfterMs: 60_000 }),
      3,
    );
    const { port } = await address;
    const slow = await holder(port);
    const dropped = await rawSend(at(port), encodeEvent(output(1)));
    const kept: OpenConnection = await rawSend(at(port), encodeEvent(output(2)));
    expect(await endedWith(dropped)).toBe('ECONNRESET');
    slow.socket.end('put", "id": 1}');
    const got = await items;
    expect(tokens(got)).toEqual(['rejected:too-many-connections', 'rejected:field', 'token-2']);
    expect(got[0]).toMatchObject({
      bytes: 0,
      message: expect.stringMatching(/^closed unread: 1 connections were being read and 1 more waiting$/),
    });
    expect(await endedWith(kept)).toBeUndefined();
  });
});
