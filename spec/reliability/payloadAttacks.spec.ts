import { encodeEvent } from '../../src/protocol';
import { scale, unitIdentity } from '../fixtures';
import { message } from '../helpers/events';
import { connect, sendAndEnd } from '../helpers/sockets';
import { hostsOf, ListenerHarness } from './harness';

// This file's loopback range: 127.41.13.0/24 (spec/helpers/addresses.ts): the listener on .1, good senders from .2.
const AT = hostsOf(__filename);

const unit = unitIdentity({ name: 'unit', ip: AT.from });

/** Resolves once `bytes` are written and the event loop has turned, so that the listener reads them alone. */
const writeAlone = (socket: import('node:net').Socket, bytes: string) =>
  new Promise<void>((resolve) => socket.write(bytes, () => setImmediate(resolve)));

describe('listen() against hostile payloads', () => {
  let harness: ListenerHarness;
  beforeAll(async () => {
    harness = await ListenerHarness.start(AT, { idleTimeoutMs: 20_000, payloadTimeoutMs: 60_000 });
  });
  afterAll(() => harness.stop());

  it('does linear work per byte on a "brace drip": one } at a time after a long unterminated string', async () => {
    const braces = scale(2_000, 20_000);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const drip = await connect(harness);
      await writeAlone(drip.socket, `{"message": "${'x'.repeat(scale(256, 1_000) * 1024)}`);
      let good = 0;
      for (let i = 0; i < braces; i += 1) {
        await writeAlone(drip.socket, '}');
        if (i % 200 === 0) {
          await sendAndEnd(harness, encodeEvent(message(unit, `between-${i}`)));
          good += 1;
        }
      }
      await harness.until(() => harness.reasonCount('event') === good, 'the good events');
      // the good events were parsed, once each; the drip not at all, however many braces came
      expect(parse).toHaveBeenCalledTimes(good);
      drip.socket.end('"}');
      await harness.until(() => harness.reasonCount('type') === 1, 'the drip, decoded once at its end');
      expect(parse).toHaveBeenCalledTimes(good + 1);
      expect(await drip.closed).toMatchObject({ error: 'ECONNRESET' });
    } finally {
      parse.mockRestore();
    }
  });

  it('rejects an unknown field nested 5,000 and 500,000 deep as too-deep, without parsing it, and goes on', async () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const before = harness.reasonCount('too-deep');
      const deep = (depth: number) =>
        `${JSON.stringify(message(unit, 'deep')).slice(0, -1)},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const outcomes = await Promise.all(
        [5_000, 500_000].map((d) => sendAndEnd(harness, Buffer.from(deep(d)))),
      );
      expect(outcomes.map((o) => o.error)).toEqual(['ECONNRESET', 'ECONNRESET']);
      await harness.until(() => harness.reasonCount('too-deep') === before + 2, 'two too-deep rejections');
      expect(parse).not.toHaveBeenCalled();
      const events = harness.reasonCount('event');
      await sendAndEnd(harness, encodeEvent(message(unit, 'after')));
      await harness.until(() => harness.reasonCount('event') === events + 1, 'the next event');
    } finally {
      parse.mockRestore();
    }
  });
});
