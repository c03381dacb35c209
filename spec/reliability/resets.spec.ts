import * as net from 'node:net';
import { encodeEvent } from '../../src/protocol';
import { connect, resetAfter, sleep } from './clients';
import { GOOD_SENDER, LISTEN_HOST, ListenerHarness } from './harness';

const partial = '{"type_": "output", "id": "81639cd4", "na';

describe('listen() and connections aborted with a RST', () => {
  let harness: ListenerHarness;
  beforeAll(async () => {
    harness = await ListenerHarness.start({ idleTimeoutMs: 2_000 });
  });
  afterAll(() => harness.stop());

  it('rejects a connection aborted before it sent anything as reset', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => resetAfter(harness.port, Buffer.alloc(0), i % 4)));
    await harness.until(() => harness.reasonCount('reset') === 20, '20 resets');
    await sleep(50);
    expect([...harness.byReason]).toEqual([['reset', 20]]);
  });

  it('rejects a payload aborted after its data was read as reset, keeping an excerpt of what came', async () => {
    const { key, socket, closed } = await connect(harness.port);
    socket.write(partial);
    await sleep(100); // let the listener read it
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
    const keys = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const { key, socket, closed } = await connect(harness.port);
        await sleep(20);
        socket.write(partial);
        socket.resetAndDestroy();
        await closed;
        return key;
      }),
    );
    await harness.until(() => keys.every((k) => harness.has(k)), 'an item per connection');
    for (const key of keys) {
      const [item, ...more] = harness.take(key);
      expect(more).toHaveLength(0);
      expect(item).toMatchObject({ kind: 'rejected', excerpt: partial });
      expect(['reset', 'json']).toContain(item!.kind === 'rejected' && item!.reason);
    }
  });

  it('keeps serving valid senders after the aborted ones', async () => {
    const socket = net.connect({ host: LISTEN_HOST, port: harness.port, localAddress: GOOD_SENDER });
    const before = harness.reasonCount('event');
    socket.end(
      encodeEvent({
        id: 'a',
        name: 'u',
        ip: '127.0.0.1',
        port: 5000,
        version: '1',
        coordinator: false,
        type_: 'message',
        message: 'ok',
      }),
    );
    await harness.until(() => harness.reasonCount('event') === before + 1, 'the event');
    expect(harness.error).toBeUndefined();
  });
});
