import { encodeEvent } from '../../src/protocol';
import { pool } from './attackers';
import { outputs } from '../helpers/events';
import { resetAfter, sendAndEnd, stall, type Endpoint } from '../helpers/sockets';
import { hostsOf, ListenerHarness } from './harness';
import { openFds, settledHeap } from './resources';
import { scale, STRESS, unitIdentity, until } from '../fixtures';

// This file's loopback range: 127.41.11.0/24 (spec/helpers/addresses.ts): the listener on .1, good senders from .2.
const AT = hostsOf(__filename);

const unit = unitIdentity({ name: 'unit', ip: '127.0.0.1' });
const output = outputs(unit, (n) => `token-${n}`);

/**
 * What this process holds open: its file descriptors where /proc says (Linux), else the TCP
 * handles node knows of; the check runs everywhere.
 */
const openSockets = (): number =>
  openFds() ?? process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;

const MAX_BYTES = 8 * 1024;
// long enough that a sender starved of CPU between connect and end is not taken for a stalled one
const IDLE_MS = 1_000;

/** Garbage payloads, each with the reason the listener must give. */
const garbage: readonly [string | Buffer, string][] = [
  ['garbage, not json', 'json'],
  [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'utf8'],
  ['[1,2,3]', 'not-object'],
  ['{"type_":"reboot"}', 'type'],
  [JSON.stringify({ ...unit, type_: 'output', output: 42 }), 'field'],
  ['', 'json'],
];

type Kind = 'valid' | 'garbage' | 'oversized' | 'stalled' | 'reset';
/** The mix, repeated: 4 valid, 3 garbage, 1 oversized, 1 stalled, 1 reset in every 10. */
const pattern: readonly Kind[] = [
  'valid',
  'garbage',
  'valid',
  'oversized',
  'valid',
  'stalled',
  'garbage',
  'reset',
  'valid',
  'garbage',
];

/** What connection `i` of the flood is, and the listener's verdict on it. */
function plan(i: number): { kind: Kind; reason: string } {
  const kind = pattern[i % pattern.length]!;
  switch (kind) {
    case 'valid':
      return { kind, reason: 'event' };
    case 'garbage':
      return { kind, reason: garbage[i % garbage.length]![1] };
    case 'oversized':
      return { kind, reason: 'too-large' };
    case 'stalled':
      return { kind, reason: 'idle-timeout' };
    case 'reset':
      return { kind, reason: 'reset' };
  }
}

async function open(to: Endpoint, i: number): Promise<void> {
  const { kind } = plan(i);
  if (kind === 'valid') await sendAndEnd(to, encodeEvent(output(i)));
  if (kind === 'garbage') await sendAndEnd(to, Buffer.from(garbage[i % garbage.length]![0]));
  if (kind === 'oversized') await sendAndEnd(to, Buffer.alloc(MAX_BYTES * 4, 0x20));
  if (kind === 'stalled') await (await stall(to, Buffer.from(i % 2 === 0 ? '' : '{"type_": "out'))).closed;
  // no data before the RST: with data, Node may see an ordinary end instead (see resets.spec.ts)
  if (kind === 'reset') await resetAfter(to, Buffer.alloc(0), i % 3);
}

function expectedReasons(from: number, count: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = from; i < from + count; i += 1) {
    const { reason } = plan(i);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return counts;
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));

describe('listen() under a mixed flood', () => {
  const connections = scale(2_000, 20_000);
  const concurrency = 48;
  let harness: ListenerHarness;
  // how many times each connection's token came back as an event (valid ones: once, others: never)
  const delivered = new Uint8Array(connections + 1000);

  beforeAll(async () => {
    harness = await ListenerHarness.start(
      AT,
      { maxPayloadBytes: MAX_BYTES, idleTimeoutMs: IDLE_MS, payloadTimeoutMs: 10_000 },
      {
        keep: false,
        onItem: (item) => {
          if ('type_' in item && item.type_ === 'output') {
            const n = Number(item.output.slice('token-'.length));
            delivered[n] = (delivered[n] ?? 0) + 1;
          }
        },
      },
    );
  });
  afterAll(() => harness.stop());

  it(
    `reports exactly what each of ${connections} valid, garbage, oversized, stalled and reset connections was, in bounded memory, and keeps serving`,
    async () => {
      // warm up every path first, so that the baselines do not count first-use allocations
      const warmup = pattern.length * 3;
      await pool(warmup, concurrency, (i) => open(harness, i));
      await harness.until(() => harness.count === warmup, 'the warm-up items');
      const heapBefore = settledHeap();
      const socketsBefore = openSockets();

      await pool(connections, concurrency, (i) => open(harness, warmup + i));
      await harness.until(() => harness.count === warmup + connections, `${connections} items`);

      const expected = expectedReasons(0, warmup + connections);
      expect(sorted(harness.byReason)).toEqual(sorted(expected));
      const wrong = Array.from({ length: warmup + connections }, (_, i) => i).filter(
        (i) => delivered[i] !== (plan(i).kind === 'valid' ? 1 : 0),
      );
      expect(wrong).toEqual([]);
      expect(harness.error).toBeUndefined();

      // no socket, timer or buffer left behind (measured: under 1 MB of growth for 2,000 or 20,000)
      const heapGrowth = settledHeap() - heapBefore;
      expect(heapGrowth).toBeLessThan((STRESS ? 16 : 8) * 1024 * 1024);
      // sockets closing announce nothing to the harness: poll, with a deadline
      await until(
        () => openSockets() <= socketsBefore + 4,
        `the sockets to be released (${socketsBefore} before the flood)`,
        5_000,
      );

      // still serving: a burst of valid events all arrive
      const before = harness.reasonCount('event');
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          sendAndEnd(harness, encodeEvent(output(warmup + connections + i))),
        ),
      );
      await harness.until(
        () => harness.reasonCount('event') === before + 50,
        'the events sent after the flood',
      );
    },
    scale(30_000, 180_000),
  );
});
