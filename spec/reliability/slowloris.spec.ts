import { monitorEventLoopDelay } from 'node:perf_hooks';
import { encodeEvent } from '../../src/protocol';
import type { Inbound } from '../../src/transport';
import { pool } from './attackers';
import { messages } from '../helpers/events';
import { sendAndEnd, stall, type OpenConnection } from '../helpers/sockets';
import { hostsOf, keyOf, ListenerHarness } from './harness';
import { fdLimit } from './resources';
import { scale, sleep, unitIdentity } from '../fixtures';

// This file's loopback range: 127.41.15.0/24 (spec/helpers/addresses.ts): the listener on .1, good senders from .2.
const AT = hostsOf(__filename);

const unit = unitIdentity({ name: 'unit', ip: '127.0.0.1' });
const message = messages(unit, (n) => `beat-${n}`);

const IDLE_MS = 300;
/** Idle sockets: hundreds normally, thousands under STRESS (two descriptors each, so capped). */
const IDLE_SOCKETS = Math.min(scale(300, 3_000), Math.floor((fdLimit() - 256) / 2));

describe('listen() against a slowloris', () => {
  let harness: ListenerHarness;
  beforeAll(async () => {
    harness = await ListenerHarness.start(AT, {
      idleTimeoutMs: IDLE_MS,
      payloadTimeoutMs: 20_000,
      maxConnections: IDLE_SOCKETS + 256,
    });
  });
  afterAll(() => harness.stop());

  it(
    `closes each of ${IDLE_SOCKETS} idle sockets at the idle timeout while valid events keep flowing`,
    async () => {
      // valid traffic from start to end, a few senders at a time
      let flowing = true;
      const validKeys: string[] = [];
      const traffic = (async () => {
        for (let n = 0; flowing && n < 100_000; n += 4) {
          const batch = await Promise.all(
            [0, 1, 2, 3].map((k) => sendAndEnd(harness, encodeEvent(message(n + k)))),
          );
          validKeys.push(...batch.map((o) => o.key));
        }
      })();
      await sleep(20);

      // the idle sockets: half send nothing, half a few bytes, then both go silent
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const idle: OpenConnection[] = await pool(IDLE_SOCKETS, 50, (i) =>
        stall(harness, Buffer.from(i % 2 === 0 ? '' : '{"type_": "mes')),
      );
      const closedAfter = await Promise.all(
        idle.map(async (c) => ({ ...(await c.closed), ms: performance.now() - c.connectedAt })),
      );
      lag.disable();
      // Node starts a timer from the event loop's cached clock, which lags by up to one busy turn
      const slackMs = lag.max / 1e6 + 5;
      flowing = false;
      await traffic;
      const afterwards = await Promise.all(
        [1, 2, 3].map((k) => sendAndEnd(harness, encodeEvent(message(-k)))),
      );
      validKeys.push(...afterwards.map((o) => o.key));

      const total = IDLE_SOCKETS + validKeys.length;
      await harness.until(() => harness.count === total, `${total} items`);

      // every idle socket: closed by the server, at (not before) the idle timeout, reported once
      expect(closedAfter.filter((c) => c.error === 'give-up')).toEqual([]);
      expect(Math.min(...closedAfter.map((c) => c.ms))).toBeGreaterThanOrEqual(IDLE_MS - slackMs);
      expect(Math.max(...closedAfter.map((c) => c.ms))).toBeLessThan(10_000);
      // (compared as sorted lists: a source port may be reused once its connection is closed)
      const keysWhere = (f: (i: Inbound) => boolean) =>
        harness.items
          .filter(f)
          .map((i) => keyOf(i.remote))
          .sort();
      const isIdle = (i: Inbound) => !('type_' in i) && i.reason === 'idle-timeout';
      expect(keysWhere(isIdle)).toEqual(idle.map((c) => c.key).sort());
      expect(harness.reasonCount('idle-timeout')).toBe(IDLE_SOCKETS);

      // every valid event delivered, once, some of them while the idle sockets were held open
      expect(keysWhere((i) => 'type_' in i)).toEqual([...validKeys].sort());
      expect(harness.reasonCount('event')).toBe(validKeys.length);
      const lastIdleClose = harness.items.findLastIndex((i) => !('type_' in i));
      const firstEvent = harness.items.findIndex((i) => 'type_' in i);
      expect(firstEvent).toBeGreaterThanOrEqual(0);
      expect(firstEvent).toBeLessThan(lastIdleClose);
      expect(harness.error).toBeUndefined();
    },
    scale(30_000, 120_000),
  );
});
