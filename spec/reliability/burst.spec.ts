import { encodeEvent } from '../../src/protocol';
import type { ListenOptions } from '../../src/transport';
import { scale, unitIdentity } from '../fixtures';
import { goodTraffic } from './attackers';
import { outputs } from '../helpers/events';
import { stall } from '../helpers/sockets';
import { hostsOf, ListenerHarness } from './harness';

// This file's loopback range: 127.41.10.0/24 (spec/helpers/addresses.ts): the listener on .1, good senders from .2.
const AT = hostsOf(__filename);

const unit = unitIdentity({ name: 'unit', ip: AT.from });
const output = outputs(unit, (n) => `burst-${n}`);

/** Sends `count` events all at once; returns per event how often it arrived, and each sender's outcome. */
async function burst(listener: Omit<ListenOptions, 'onListening' | 'host'>, count: number) {
  const delivered = new Uint8Array(count);
  const harness = await ListenerHarness.start(AT, listener, {
    keep: false,
    onItem: (item) => {
      if ('type_' in item && item.type_ === 'output')
        delivered[Number(item.output.slice('burst-'.length))]! += 1;
    },
  });
  try {
    const outcomes = await goodTraffic(
      harness.port,
      { host: harness.host, from: harness.from, count, concurrency: count, giveUpMs: 45_000 },
      (i) => encodeEvent(output(i)),
    );
    return { delivered, outcomes, harness };
  } finally {
    harness.stop();
  }
}

describe('listen() under a burst of legitimate senders', () => {
  const count = scale(400, 1_500);

  it(
    `takes every one of ${count} events sent at once, with ${scale('16 slots', 'the default limits')}, each sender closed cleanly`,
    async () => {
      const { delivered, outcomes, harness } = await burst(scale({ maxConnections: 16 }, {}), count);
      expect(outcomes.filter((o) => o.error !== undefined)).toEqual([]);
      expect([...delivered].filter((d) => d !== 1)).toEqual([]);
      expect(harness.reasonCount('event')).toBe(count);
      expect(harness.count).toBe(count);
    },
    scale(30_000, 120_000),
  );

  it('never loses an event silently, even when the waiting room is too small for the burst', async () => {
    const count = scale(100, 1_500);
    const delivered = new Uint8Array(count);
    const harness = await ListenerHarness.start(
      AT,
      { maxConnections: 2, maxWaiting: 4, evictAfterMs: 60_000 },
      {
        keep: false,
        onItem: (item) => {
          if ('type_' in item && item.type_ === 'output')
            delivered[Number(item.output.slice('burst-'.length))]! += 1;
        },
      },
    );
    try {
      // two slow senders hold both slots: the burst can only wait, and the room holds four
      const holders = [await stall(harness, Buffer.from('{')), await stall(harness, Buffer.from('{'))];
      const sent = goodTraffic(
        harness.port,
        { host: harness.host, from: harness.from, count, concurrency: count, giveUpMs: 45_000 },
        (i) => encodeEvent(output(i)),
      );
      await harness.until(() => harness.reasonCount('too-many-connections') === count - 4, 'the overflow');
      for (const h of holders) h.socket.end('}');
      const outcomes = await sent;
      // every sender knows: a clean close means its event arrived, a reset that it did not
      for (const o of outcomes) {
        if (o.error === undefined) expect([o.index, delivered[o.index]]).toEqual([o.index, 1]);
        else expect([o.index, o.error, delivered[o.index]]).toEqual([o.index, 'ECONNRESET', 0]);
      }
      expect(outcomes.filter((o) => o.error === undefined)).toHaveLength(4);
      expect(harness.reasonCount('event')).toBe(4);
    } finally {
      harness.stop();
    }
  });
});
