import { encodeEvent, type Message } from '../../src/protocol';
import { unitIdentity } from '../fixtures';
import { addressesOf } from '../helpers/addresses';
import { message } from '../helpers/events';
import { sendAndEnd } from '../helpers/sockets';
import { ListenerHarness } from './harness';

// This file's loopback range: 127.41.3.0/24 (spec/helpers/addresses.ts): the listener on .100,
// the senders on .1 to .6.
const LISTENER = { host: addressesOf(__filename).host(100), from: '127.41.3.1' };
const senders = ['127.41.3.1', '127.41.3.2', '127.41.3.3', '127.41.3.4', '127.41.3.5', '127.41.3.6'];
const allowed = new Set(['127.41.3.1', '127.41.3.2']);
const PER_SENDER = 20;

/** The n-th event of the sender at `from` (its id is its address). */
const event = (from: string, n: number): Message =>
  message(unitIdentity({ id: from, name: 'unit', ip: from }), `${from}#${n}`);

const countBy = <T>(items: readonly T[], f: (i: T) => string) =>
  items.reduce((m, i) => m.set(f(i), (m.get(f(i)) ?? 0) + 1), new Map<string, number>());

describe('listen() with an allow filter', () => {
  it('delivers every event of the allowed senders and refuses, and reports, every connection of the others', async () => {
    const asked: string[] = [];
    const harness = await ListenerHarness.start(LISTENER, {
      allow: (address) => {
        asked.push(address);
        return allowed.has(address);
      },
    });
    try {
      const outcomes = await Promise.all(
        senders.flatMap((from) =>
          Array.from({ length: PER_SENDER }, (_, n) =>
            sendAndEnd({ host: harness.host, port: harness.port, from }, encodeEvent(event(from, n)), {
              giveUpMs: 5_000,
            }),
          ),
        ),
      );
      const total = senders.length * PER_SENDER;
      await harness.until(() => harness.count === total, `${total} items`);

      // the filter saw plain IPv4 source addresses, once per connection
      expect(asked.sort()).toEqual(senders.flatMap((s) => Array<string>(PER_SENDER).fill(s)).sort());
      // every refused connection was reset by the listener (its sender sees an error), none left
      // hanging; every allowed one was closed cleanly
      const errors = countBy(
        outcomes.map((o, i) => `${senders[Math.floor(i / PER_SENDER)]} ${o.error ?? 'none'}`),
        (line) => line,
      );
      expect([...errors].sort()).toEqual(
        senders.map((s) => [`${s} ${allowed.has(s) ? 'none' : 'ECONNRESET'}`, PER_SENDER]).sort(),
      );

      const events = harness.items.filter((i) => 'type_' in i);
      const refused = harness.items.filter((i) => !('type_' in i));
      expect(events.map((i) => ('type_' in i && i.type_ === 'message' ? i.message : '')).sort()).toEqual(
        [...allowed].flatMap((from) => Array.from({ length: PER_SENDER }, (_, n) => `${from}#${n}`)).sort(),
      );
      expect(events.every((i) => 'type_' in i && i.id === i.remote.address)).toBe(true);
      expect(
        [...countBy(refused, (i) => `${i.remote.address} ${!('type_' in i) && i.reason}`)].sort(),
      ).toEqual(senders.filter((s) => !allowed.has(s)).map((s) => [`${s} not-allowed`, PER_SENDER]));
      expect(refused.every((i) => !('type_' in i) && i.bytes === 0 && i.excerpt === '')).toBe(true);
      expect(refused[0] !== undefined && !('type_' in refused[0]) && refused[0].message).toMatch(
        /^sender 127\.41\.3\.[3-6] is not allowed$/,
      );
    } finally {
      harness.stop();
    }
  });
});
