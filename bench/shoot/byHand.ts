/**
 * The hand-written fire of bench/shoot.ts: raw `node:net`, no library, against the same simulated
 * units as the coordinator. Its own server (127.0.0.1, any port) reads each inbound event to its
 * end and `JSON.parse`s it, and counts the `message` events by text (`BOARDIO_READY`, `Sequence
 * complete`), which is all a round needs to know that the units are loaded, or done.
 *
 * A round loads first (`boardiocli uSeq` on every unit, untimed, then every `BOARDIO_READY`), then
 * fires `boardiocli runSeq` one of two ways:
 *
 * - `floor`: open a connection to every unit and wait until all are connected, then write every
 *   payload (built beforehand) and end it, in one synchronous loop. What the units' process itself
 *   can receive: no connection is accepted during the fire, no byte is built during it.
 * - `connect`: what a sender that connects at fire time does (the library's `send`): in one loop,
 *   connect to every unit; write and end each payload in that connection's `connect` callback.
 */
import * as net from 'node:net';

/** A unit, as the fire needs it. */
export interface HandTarget {
  readonly host: string;
  readonly port: number;
}

/** How the hand-written fire sends `runSeq`. */
export type HandWay = 'floor' | 'connect';

const LOAD = 'boardiocli uSeq';
const FIRE = 'boardiocli runSeq';
const READY = 'BOARDIO_READY';
const COMPLETE = 'Sequence complete';

interface Waiter {
  readonly message: string;
  readonly count: number;
  readonly resolve: () => void;
}

/** The hand-written fire, with its server for the units' events. */
export class HandFire {
  private readonly seen = new Map<string, number>();
  private waiters: Waiter[] = [];

  private constructor(
    private readonly server: net.Server,
    private readonly port: number,
  ) {}

  /** Starts the server for the units' events on 127.0.0.1 (any free port). */
  static start(): Promise<HandFire> {
    return new Promise((resolve, reject) => {
      let fire: HandFire | undefined;
      const server = net.createServer((socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('end', () => {
          socket.destroy();
          fire?.take(Buffer.concat(chunks));
        });
        socket.on('error', () => socket.destroy());
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        fire = new HandFire(server, (server.address() as net.AddressInfo).port);
        resolve(fire);
      });
    });
  }

  /**
   * One round on `units`: load everywhere, then fire one way; resolves once every unit said
   * `Sequence complete`. Rejects when a phase takes longer than `timeoutMs`.
   */
  async round(units: readonly HandTarget[], way: HandWay, timeoutMs: number): Promise<void> {
    this.seen.clear();
    const loads = units.map((u) => sendNow(u, this.payload(LOAD)));
    await this.waitFor(READY, units.length, timeoutMs, 'loaded');
    await Promise.all(loads);
    const payload = this.payload(FIRE);
    const sockets =
      way === 'floor'
        ? await connectAll(units, timeoutMs).then((all) => {
            for (const s of all) s.end(payload); // the burst
            return all;
          })
        : units.map((u) => {
            const s = net.connect(u);
            s.on('connect', () => s.end(payload));
            return s;
          });
    await Promise.all(sockets.map(closed));
    await this.waitFor(COMPLETE, units.length, timeoutMs, 'completed');
  }

  /** Closes the server. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private payload(command: string): Buffer {
    return Buffer.from(
      JSON.stringify({
        id: 'f1a0f1a0',
        name: 'by-hand',
        ip: '127.0.0.1',
        port: this.port,
        version: '1.0.0',
        coordinator: true,
        type_: 'cmd',
        command,
      }),
    );
  }

  private take(bytes: Buffer): void {
    let event: { type_?: unknown; message?: unknown };
    try {
      event = JSON.parse(bytes.toString('utf8')) as typeof event;
    } catch {
      return;
    }
    if (event.type_ !== 'message' || typeof event.message !== 'string') return;
    const n = (this.seen.get(event.message) ?? 0) + 1;
    this.seen.set(event.message, n);
    this.waiters = this.waiters.filter((w) => {
      if (w.message !== event.message || n < w.count) return true;
      w.resolve();
      return false;
    });
  }

  private waitFor(message: string, count: number, timeoutMs: number, what: string): Promise<void> {
    if ((this.seen.get(message) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = [...this.seen].map(([m, n]) => `${n}× ${m}`).join(', ') || 'nothing';
        reject(new Error(`by hand: not ${what} within ${timeoutMs} ms (units said: ${seen})`));
      }, timeoutMs);
      const waiter: Waiter = {
        message,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }
}

/** Connects, writes and ends, as pycom's peers do; resolves when the unit closed the connection. */
function sendNow(unit: HandTarget, payload: Buffer): Promise<void> {
  const socket = net.connect(unit);
  socket.on('connect', () => socket.end(payload));
  return closed(socket);
}

/** Resolves when the socket closed; rejects on an error (which also closes it). */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

/** Opens a connection to every unit; resolves once all are connected (destroys them all on an error). */
function connectAll(units: readonly HandTarget[], timeoutMs: number): Promise<net.Socket[]> {
  const sockets = units.map((u) => net.connect(u));
  const all = Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.once('connect', resolve);
          s.once('error', reject);
        }),
    ),
  );
  return new Promise((resolve, reject) => {
    const fail = (e: unknown) => {
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const timer = setTimeout(
      () => fail(new Error(`by hand: not connected within ${timeoutMs} ms`)),
      timeoutMs,
    );
    all.then(() => {
      clearTimeout(timer);
      resolve(sockets);
    }, fail);
  });
}
