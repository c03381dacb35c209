/**
 * The attackers and good senders of bench/attacks.ts, in their own process (so that the listener's
 * CPU, memory and descriptors are its own). Driven over IPC: it receives `{ scenario, port }`,
 * runs it, and answers with every good sender's outcome. Every loop is bounded; the process exits
 * when the parent disconnects.
 */
import * as net from 'node:net';
import { encodeEvent, type Message } from '../../src/protocol';
import {
  Attack,
  goodTraffic,
  OTHER_ADDRESS,
  sendOne,
  type GoodOutcome,
} from '../../spec/reliability/attackers';
import { GOOD_SENDER, LISTEN_HOST } from '../../spec/reliability/harness';

/** The scenarios, by name. */
export const SCENARIOS = [
  'baseline',
  'slowloris-other',
  'slowloris-same',
  'idle-5000',
  'burst',
  'brace-drip',
  'deep',
] as const;
/** One scenario. */
export type Scenario = (typeof SCENARIOS)[number];

/** What the client process answers. */
export interface ClientReport {
  readonly scenario: Scenario;
  /** Per good event: its sender's error code, `''` for a clean close. */
  readonly errors: string[];
  /** Per good event: connect to close, ms. */
  readonly ms: number[];
  /** Hostile connections opened in all. */
  readonly hostile: number;
}

const unit = {
  id: '81639cd4',
  name: 'bench-unit',
  ip: GOOD_SENDER,
  port: 5000,
  version: '0.14.0',
  coordinator: false,
};
const good = (n: number) =>
  encodeEvent({ ...unit, type_: 'message', message: `good-${n}` } satisfies Message);

async function slowlorisUnder(port: number, from: string): Promise<[GoodOutcome[], number]> {
  const attack = new Attack(port, {
    count: 1_100,
    from,
    prefix: '{"type_": "message", "message": "',
    dripMs: 1_000,
  });
  await attack.started;
  const outcomes = await goodTraffic(port, { count: 500, concurrency: 50 }, good);
  await attack.stop();
  return [outcomes, attack.stats.opened];
}

/** One connection: a 1 MB unterminated string (under the 1 MiB limit), then one `}` per ms for `ms`. */
async function braceDrip(port: number, ms: number): Promise<void> {
  const socket = net.connect({ host: LISTEN_HOST, port, localAddress: OTHER_ADDRESS });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await new Promise<void>((resolve) =>
    socket.write(`{"message": "${'x'.repeat(1_000_000)}`, () => resolve()),
  );
  const end = performance.now() + ms;
  while (performance.now() < end && !socket.destroyed) {
    socket.write('}');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  socket.destroy();
}

async function run(scenario: Scenario, port: number): Promise<ClientReport> {
  let outcomes: GoodOutcome[] = [];
  let hostile = 0;
  switch (scenario) {
    case 'baseline':
      outcomes = await goodTraffic(port, { count: 500, concurrency: 50 }, good);
      break;
    case 'slowloris-other':
      [outcomes, hostile] = await slowlorisUnder(port, OTHER_ADDRESS);
      break;
    case 'slowloris-same':
      [outcomes, hostile] = await slowlorisUnder(port, GOOD_SENDER);
      break;
    case 'idle-5000': {
      const attack = new Attack(port, { count: 5_000, from: OTHER_ADDRESS, reconnect: false });
      await attack.started;
      outcomes = await goodTraffic(port, { count: 600, concurrency: 50 }, good);
      await attack.stop();
      hostile = attack.stats.opened;
      break;
    }
    case 'burst':
      for (let wave = 0; wave < 4; wave += 1) {
        const sent = await goodTraffic(port, { count: 1_500, concurrency: 1_500 }, (i) =>
          good(wave * 1_500 + i),
        );
        outcomes.push(...sent.map((o) => ({ ...o, index: wave * 1_500 + o.index })));
      }
      break;
    case 'brace-drip': {
      const drip = braceDrip(port, 5_000);
      outcomes = await goodTraffic(port, { count: 500, concurrency: 4 }, good);
      await drip;
      hostile = 1;
      break;
    }
    case 'deep': {
      const deep = `${JSON.stringify({ ...unit, type_: 'message', message: 'deep' }).slice(0, -1)},"x":${'['.repeat(500_000)}${']'.repeat(500_000)}}`;
      const bytes = Buffer.from(deep);
      const attacks = Array.from({ length: 20 }, (_, i) =>
        sendOne(port, bytes, i, { count: 1, concurrency: 1, from: OTHER_ADDRESS }),
      );
      outcomes = await goodTraffic(port, { count: 500, concurrency: 50 }, good);
      await Promise.all(attacks);
      hostile = 20;
      break;
    }
  }
  return {
    scenario,
    errors: outcomes.map((o) => o.error ?? ''),
    ms: outcomes.map((o) => o.ms),
    hostile,
  };
}

process.on('message', (message: { scenario: Scenario; port: number }) => {
  void run(message.scenario, message.port).then((report) => process.send?.(report));
});
process.on('disconnect', () => process.exit(0));
