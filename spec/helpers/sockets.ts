import * as net from 'node:net';
import { filter, firstValueFrom, type Observable, ReplaySubject, take, timeout, toArray } from 'rxjs';
import type { AddressInfo } from 'node:net';

/**
 * Raw TCP on loopback, for the specs: clients that connect, send, stall or reset as a test needs
 * and report how their connection ended, and a raw listener that stands in for a coordinator. No
 * address is built in but 127.0.0.1: a spec passes its own (spec/helpers/addresses.ts).
 */

/** Where a raw client connects: a listener's host and port, and the source address to connect from. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** The client's own address (its `localAddress`); default: the one the system picks. */
  readonly from?: string;
}

/** How a client connection ended. */
export interface Outcome {
  /** `address:port` of the client's end, as the listener reports its `remote`; `''` if never connected. */
  readonly key: string;
  /** The error code the client saw (`ECONNRESET`, `EPIPE`, `give-up`...), if any. */
  readonly error: string | undefined;
}

/** A client connection: its socket, its key, and how it ends. */
export interface OpenConnection {
  readonly key: string;
  readonly socket: net.Socket;
  /** When it was established (`performance.now()`). */
  readonly connectedAt: number;
  /** Resolves when the connection is closed (by either side), with how it ended. */
  readonly closed: Promise<Outcome>;
}

/** The error code `connection` ended with (`ECONNRESET`...), or `undefined` for a clean close. */
export const endedWith = async (connection: OpenConnection): Promise<string | undefined> =>
  (await connection.closed).error;

/** How long a client waits at most for its connection to close. */
export interface ClientOptions {
  /** Then it destroys the socket and its outcome is `give-up`. Default 15 s. */
  readonly giveUpMs?: number;
}

/**
 * Connects to `to` and resolves once connected. A connection the listener resets before the
 * connect is seen (an `allow` refusal may be that quick) resolves too, with key `''`, already
 * closed with `ECONNRESET`; any other failure to connect rejects.
 */
export function connect(to: Endpoint, { giveUpMs = 15_000 }: ClientOptions = {}): Promise<OpenConnection> {
  const socket = net.connect({ host: to.host, port: to.port, localAddress: to.from });
  let error: string | undefined;
  const giveUp = setTimeout(() => {
    error ??= 'give-up';
    socket.destroy();
  }, giveUpMs);
  socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  let key = '';
  const closed = new Promise<Outcome>((resolve) =>
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ key, error });
    }),
  );
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      key = `${socket.localAddress}:${socket.localPort}`;
      resolve({ key, socket, closed, connectedAt: performance.now() });
    });
    void closed.then(() => {
      if (error === 'ECONNRESET') resolve({ key, socket, closed, connectedAt: performance.now() });
      else reject(new Error(`connect to ${to.host}:${to.port} failed: ${error}`));
    });
  });
}

/** Connects, writes `bytes`, and ends (or, with `end: false`, leaves the connection open). */
export async function rawSend(
  to: Endpoint,
  bytes: Uint8Array | string,
  { end = true, ...options }: ClientOptions & { end?: boolean } = {},
): Promise<OpenConnection> {
  const connection = await connect(to, options);
  if (end) connection.socket.end(bytes);
  else connection.socket.write(bytes);
  return connection;
}

/** Connects, writes `bytes`, ends, and resolves when the listener has closed the connection. */
export async function sendAndEnd(to: Endpoint, bytes: Uint8Array, options?: ClientOptions): Promise<Outcome> {
  return (await rawSend(to, bytes, options)).closed;
}

/**
 * Connects and writes `bytes` (possibly none), then stays silent without ending: the listener
 * must close it at its idle timeout. Resolves with the open connection.
 */
export function stall(to: Endpoint, bytes: Uint8Array, options?: ClientOptions): Promise<OpenConnection> {
  return rawSend(to, bytes, { ...options, end: false });
}

/** Connects, writes `bytes` (if any), waits `delayMs`, then aborts the connection with a RST. */
export async function resetAfter(
  to: Endpoint,
  bytes: Uint8Array,
  delayMs: number,
  options?: ClientOptions,
): Promise<Outcome> {
  const connection = await connect(to, options);
  if (bytes.length > 0) await new Promise<void>((resolve) => connection.socket.write(bytes, () => resolve()));
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  connection.socket.resetAndDestroy();
  return connection.closed;
}

/** Resolves when a TCP connect to `to` succeeds (true) or fails (false). */
export function canConnect(to: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: to.host, port: to.port, localAddress: to.from }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** What a unit wrote back on a request's connection (pycom writes nothing). */
export interface RequestResult {
  readonly answered: Buffer;
}

/**
 * Sends one request the way pycom's peers do: connect to `host:port`, write the JSON of
 * `payload` (a string as it is), end, and wait for the peer to close. Rejects on a connection
 * error or when the peer has not closed within 5 s.
 */
export function sendRequest(host: string, port: number, payload: unknown): Promise<RequestResult> {
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

/**
 * Subscribes to a listener-like source (`make` gets the `onListening` callback to pass on),
 * resolves its bound address, and collects its first `count` items (rejects after `ms`).
 */
export function collect<T>(
  make: (onListening: (a: AddressInfo) => void) => Observable<T>,
  count: number,
  ms = 15_000,
): { address: Promise<AddressInfo>; items: Promise<T[]> } {
  let resolveAddress!: (a: AddressInfo) => void;
  const address = new Promise<AddressInfo>((r) => (resolveAddress = r));
  const items = firstValueFrom(make(resolveAddress).pipe(take(count), toArray(), timeout(ms)));
  return { address, items };
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
