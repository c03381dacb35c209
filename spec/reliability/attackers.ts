import * as net from 'node:net';
import { addressesOf } from '../helpers/addresses';
import { GOOD_SENDER, LISTEN_HOST } from './harness';

/**
 * The hostile connections and the good senders of the reliability specs and of the attack
 * benchmark (bench/attacks.ts). The defaults (listener {@link LISTEN_HOST}, good senders
 * {@link GOOD_SENDER}, other attackers {@link OTHER_ADDRESS}) are the benchmark's addresses: a spec
 * passes the hosts of its own range (`host`, `from`).
 */

/** The source address of the attack benchmark's attackers that are not the good senders. */
export const OTHER_ADDRESS = addressesOf('bench/attacks.ts').host(141, 0, 1);

/** What a group of hostile connections has done so far. */
export interface AttackStats {
  /** Connections opened. */
  opened: number;
  /** Connections the listener closed with a reset (evicted, timed out...). */
  resets: number;
  /** Connections the listener closed cleanly. */
  cleanCloses: number;
  /** Connections that could not even be established. */
  failed: number;
}

/** How a group of hostile connections behaves. */
export interface AttackOptions {
  /** Connections held open at once. */
  readonly count: number;
  /** Where they come from. */
  readonly from: string;
  /** The listener's address (default {@link LISTEN_HOST}). */
  readonly host?: string;
  /** Bytes written on connect (default none). */
  readonly prefix?: string;
  /** Write one more byte every `dripMs` (slowloris); none: stay silent. */
  readonly dripMs?: number;
  /** Open a new connection whenever one is closed (default true). */
  readonly reconnect?: boolean;
  /** Stop reconnecting after this many connections in all (a bound: default 20 × count). */
  readonly maxOpened?: number;
}

/**
 * Hostile connections held against a listener: silent ones (idle) or slowloris ones that drip a
 * byte at a time, each replaced by a new one as soon as the listener closes it. Bounded: they stop
 * reconnecting after `maxOpened` connections, and `stop()` closes them all.
 */
export class Attack {
  readonly stats: AttackStats = { opened: 0, resets: 0, cleanCloses: 0, failed: 0 };
  private readonly sockets = new Set<net.Socket>();
  private running = true;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private settle: (() => void) | undefined;
  /** Resolves once `count` connections have been established for the first time. */
  readonly started: Promise<void>;

  constructor(
    private readonly port: number,
    private readonly options: AttackOptions,
  ) {
    let established = 0;
    let resolveStarted!: () => void;
    this.started = new Promise((resolve) => (resolveStarted = resolve));
    const onFirst = () => {
      established += 1;
      if (established === options.count) resolveStarted();
    };
    // open the first ones in small batches, so that the listen backlog is not what is measured
    let next = 0;
    const batch = () => {
      for (let i = 0; i < 50 && next < options.count && this.running; i += 1, next += 1) this.open(onFirst);
      if (next < options.count && this.running) setImmediate(batch);
    };
    batch();
    if (options.dripMs !== undefined)
      this.timer = setInterval(() => {
        for (const socket of this.sockets) if (socket.writable && !socket.connecting) socket.write(' ');
      }, options.dripMs);
  }

  /** Connections open right now. */
  get openCount(): number {
    return this.sockets.size;
  }

  /** Stops reconnecting, closes every connection; resolves when all are closed. */
  stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.sockets.size === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => (this.settle = resolve));
    for (const socket of this.sockets) socket.destroy();
    return done;
  }

  private open(onConnect?: () => void): void {
    const { options } = this;
    const max = options.maxOpened ?? options.count * 20;
    if (!this.running || this.stats.opened >= max) return;
    this.stats.opened += 1;
    const socket = net.connect({
      host: options.host ?? LISTEN_HOST,
      port: this.port,
      localAddress: options.from,
    });
    this.sockets.add(socket);
    let error: string | undefined;
    let connected = false;
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.once('connect', () => {
      connected = true;
      onConnect?.();
      if (options.prefix !== undefined && options.prefix !== '') socket.write(options.prefix);
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (!connected) {
        this.stats.failed += 1;
        onConnect?.();
      } else if (error === 'ECONNRESET') this.stats.resets += 1;
      else if (error === undefined) this.stats.cleanCloses += 1;
      if (this.running && options.reconnect !== false) setImmediate(() => this.open());
      if (!this.running && this.sockets.size === 0) this.settle?.();
    });
  }
}

/** How one good sender's connection ended. */
export interface GoodOutcome {
  /** The index of the event it carried. */
  readonly index: number;
  /** The error code it saw (`ECONNRESET`...), `give-up`, or undefined for a clean close. */
  readonly error: string | undefined;
  /** From connect to close, in ms. */
  readonly ms: number;
}

/** How good senders behave: pycom's way (connect, write, end, wait for the close). */
export interface GoodOptions {
  /** How many events in all. */
  readonly count: number;
  /** Senders at once. */
  readonly concurrency: number;
  /** Where they come from (default {@link GOOD_SENDER}). */
  readonly from?: string;
  /** The listener's address (default {@link LISTEN_HOST}). */
  readonly host?: string;
  /** A sender gives up (and records `give-up`) after this long. Default 60 s. */
  readonly giveUpMs?: number;
}

/** Sends one payload the way pycom does; resolves with how the connection ended. */
export function sendOne(
  port: number,
  bytes: Uint8Array,
  index: number,
  options: GoodOptions,
): Promise<GoodOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(
      { host: options.host ?? LISTEN_HOST, port, localAddress: options.from ?? GOOD_SENDER },
      () => socket.end(bytes),
    );
    let error: string | undefined;
    const giveUp = setTimeout(() => {
      error ??= 'give-up';
      socket.destroy();
    }, options.giveUpMs ?? 60_000);
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ index, error, ms: performance.now() - started });
    });
  });
}

/** Sends `count` events, `concurrency` at a time; resolves with every sender's outcome. */
export async function goodTraffic(
  port: number,
  options: GoodOptions,
  payload: (index: number) => Uint8Array,
): Promise<GoodOutcome[]> {
  const outcomes: GoodOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      const index = next;
      next += 1;
      outcomes.push(await sendOne(port, payload(index), index, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker));
  return outcomes.sort((a, b) => a.index - b.index);
}

/** Runs `task(0..count-1)` with at most `concurrency` running at once; resolves with the results. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
