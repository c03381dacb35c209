import * as net from 'node:net';
import { filter, firstValueFrom, type Observable, ReplaySubject, timeout, toArray, take } from 'rxjs';
import {
  simulateUnit,
  type SimulatedUnit,
  type SimulateUnitOptions,
  type UnitActivity,
} from '../../src/simulator';
import { coordinatorIdentity } from '../fixtures';

/** What a raw request connection saw: the bytes the unit wrote back (pycom writes none). */
export interface RawSendResult {
  readonly answered: Buffer;
}

/**
 * Sends one request the way pycom's peers do, with a raw socket: connect, write the JSON, end,
 * and wait for the unit to close. Resolves with whatever the unit wrote on the connection.
 */
export function sendRaw(host: string, port: number, payload: unknown): Promise<RawSendResult> {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port });
    socket.setTimeout(5000, () => socket.destroy(new Error(`no close from ${host}:${port} within 5 s`)));
    socket.on('connect', () => socket.end(text));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve({ answered: Buffer.concat(chunks) });
    });
  });
}

/** One inbound connection of a {@link RawCollector}: its raw text and, if it parsed, its JSON. */
export interface Inbound {
  readonly text: string;
  readonly json: Record<string, unknown> | undefined;
  readonly remoteAddress: string;
  readonly receivedAt: number;
}

/**
 * A raw TCP listener standing in for a coordinator: one inbound connection = one event, read to
 * its end. Everything is replayed to late waiters.
 */
export class RawCollector {
  readonly items: Inbound[] = [];
  private readonly replay = new ReplaySubject<Inbound>();
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  port = 0;

  /** Starts listening on 127.0.0.1 (a random port unless given). */
  async start(port = 0): Promise<this> {
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => undefined);
      socket.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        const item = { text, json, remoteAddress: socket.remoteAddress ?? '', receivedAt: Date.now() };
        this.items.push(item);
        this.replay.next(item);
        socket.end();
      });
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  /** The parsed events received so far. */
  get events(): Array<Record<string, unknown>> {
    return this.items.flatMap((i) => (i.json === undefined ? [] : [i.json]));
  }

  /** The first inbound item (past or future) matching `predicate`. */
  waitFor(predicate: (item: Inbound) => boolean, ms = 5000): Promise<Inbound> {
    return firstValueFrom(this.replay.pipe(filter(predicate), timeout(ms)));
  }

  /** The first `count` inbound items (past or future). */
  waitForCount(count: number, ms = 5000): Promise<Inbound[]> {
    return firstValueFrom(this.replay.pipe(take(count), toArray(), timeout(ms)));
  }

  /** Stops listening and destroys open connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.replay.complete();
  }
}

/** A coordinator's heartbeat (its identity), sent from 127.0.0.1, events expected on `port`. */
export function heartbeat(port: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...coordinatorIdentity({ name: 'raw-test-coordinator', port }), ...overrides };
}

/** A command request from the coordinator whose listener is on `port`. */
export function command(port: number, commandText: string): Record<string, unknown> {
  return { ...heartbeat(port), type_: 'cmd', command: commandText };
}

/** Records every activity of a unit from now on, replayed to late waiters. */
export function record(events$: Observable<UnitActivity>) {
  const replay = new ReplaySubject<UnitActivity>();
  const all: UnitActivity[] = [];
  events$.subscribe({
    next: (a) => {
      all.push(a);
      replay.next(a);
    },
    complete: () => replay.complete(),
  });
  return {
    all,
    waitFor<K extends UnitActivity['kind']>(
      kind: K,
      predicate: (a: Extract<UnitActivity, { kind: K }>) => boolean = () => true,
      ms = 5000,
    ): Promise<Extract<UnitActivity, { kind: K }>> {
      return firstValueFrom(
        replay.pipe(
          filter((a): a is Extract<UnitActivity, { kind: K }> => a.kind === kind),
          filter(predicate),
          timeout(ms),
        ),
      );
    },
    kinds(): string[] {
      return all.map((a) => a.kind);
    },
  };
}

let sentinels = 0;

/**
 * Sends `echo <a fresh word>` from the coordinator listening on `collector` and waits for its
 * output: every event the unit queued for that coordinator before it is then in
 * `collector.items`, since a unit sends a coordinator its events in order. The way to check that
 * nothing more arrived, without sleeping. Resolves with the items received before the sentinel.
 */
export async function sentinel(host: string, collector: RawCollector): Promise<Inbound[]> {
  const word = `sentinel-${++sentinels}`;
  await sendRaw(host, 5000, command(collector.port, `echo ${word}`));
  const seen = await collector.waitFor((i) => i.json?.['output'] === `${word}\n`);
  return collector.items.slice(0, collector.items.indexOf(seen));
}

/**
 * The common set-up of a simulator spec: a fresh raw collector before each test, and every unit
 * started through `simulateUnit` closed (then the collector) after it.
 */
export function simulatorFixture() {
  let collector: RawCollector | undefined;
  const units: SimulatedUnit[] = [];
  beforeEach(async () => {
    collector = await new RawCollector().start();
  });
  afterEach(async () => {
    for (const unit of units.splice(0)) await unit.close();
    await collector?.close();
  });
  return {
    /** The raw coordinator-side collector of this test. */
    get collector(): RawCollector {
      if (collector === undefined) throw new Error('no collector outside a test');
      return collector;
    },
    /** Starts a unit that is closed after the test. */
    simulateUnit(options: SimulateUnitOptions): SimulatedUnit {
      const unit = simulateUnit(options);
      units.push(unit);
      return unit;
    },
  };
}
