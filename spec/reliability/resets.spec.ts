import * as net from 'node:net';
import { encodeEvent } from '../../src/protocol';
import { tcpQueues, unitIdentity, until } from '../fixtures';
import { connect, resetAfter, sendAndEnd } from '../helpers/sockets';
import { hostsOf, ListenerHarness } from './harness';

// This file's loopback range: 127.41.14.0/24 (spec/helpers/addresses.ts): the listener on .1, good senders from .2.
const AT = hostsOf(__filename);

const partial = '{"type_": "output", "id": "81639cd4", "na';

describe('listen() and connections aborted with a RST', () => {
  let harness: ListenerHarness;
  /** Connections the listener has accepted (its `allow` filter sees each one). */
  let accepted = 0;
  beforeAll(async () => {
    const allow = () => {
      accepted += 1;
      return true;
    };
    // no idle timeout within a test: a connection stays until the test resets it, however slow the machine
    harness = await ListenerHarness.start(AT, { idleTimeoutMs: 60_000, allow });
  });
  const ok = encodeEvent({ ...unitIdentity({ ip: '127.0.0.1' }), type_: 'message', message: 'ok' });
  afterAll(() => harness.stop());

  it('rejects a connection aborted before it sent anything as reset', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => resetAfter(harness, Buffer.alloc(0), i % 4)));
    await harness.until(() => harness.reasonCount('reset') === 20, '20 resets');
    // a sentinel: once a later event is out, nothing more comes of the 20 resets
    await sendAndEnd(harness, ok);
    await harness.until(() => harness.reasonCount('event') === 1, 'the sentinel event');
    expect([...harness.byReason]).toEqual([
      ['reset', 20],
      ['event', 1],
    ]);
  });

  it('rejects a payload aborted after its data was read as reset, keeping an excerpt of what came', async () => {
    const { key, socket, closed } = await connect(harness);
    await new Promise<void>((resolve) => socket.write(partial, () => resolve()));
    // the listener has read it: the kernel holds it neither on this side nor on the listener's
    const client = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    const server = { address: AT.host, port: harness.port };
    await until(
      () => tcpQueues(client, server)?.tx === 0 && tcpQueues(server, client)?.rx === 0,
      'the listener to read the partial payload',
    );
    socket.resetAndDestroy();
    await closed;
    await harness.until(() => harness.has(key), 'the rejection');
    expect(harness.take(key)).toEqual([
      expect.objectContaining({ kind: 'rejected', reason: 'reset', excerpt: partial, bytes: partial.length }),
    ]);
  });

  it('never delivers a payload whose abort arrives together with its data, though Node reports it as ended (json)', async () => {
    // write and RST in one tick: the listener sees data and hang-up in one wake-up, which
    // libuv turns into an ordinary end of stream, so the truncated text is decoded and rejected
    const before = accepted;
    const connections = await Promise.all(Array.from({ length: 10 }, () => connect(harness)));
    await until(() => accepted >= before + 10, 'the listener to accept the 10 connections');
    for (const { socket } of connections) {
      socket.write(partial);
      socket.resetAndDestroy();
    }
    await Promise.all(connections.map((c) => c.closed));
    const keys = connections.map((c) => c.key);
    await harness.until(() => keys.every((k) => harness.has(k)), 'an item per connection');
    for (const key of keys) {
      const [item, ...more] = harness.take(key);
      expect(more).toHaveLength(0);
      expect(item).toMatchObject({ kind: 'rejected', excerpt: partial });
      expect(['reset', 'json']).toContain(!('type_' in item!) && item!.reason);
    }
  });

  it('keeps serving valid senders after the aborted ones', async () => {
    const socket = net.connect({ host: AT.host, port: harness.port, localAddress: AT.from });
    const before = harness.reasonCount('event');
    socket.end(ok);
    await harness.until(() => harness.reasonCount('event') === before + 1, 'the event');
    expect(harness.error).toBeUndefined();
  });
});
