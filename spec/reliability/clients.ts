import * as net from 'node:net';
import { GOOD_SENDER, LISTEN_HOST } from './harness';

/** What a client connection ended as. */
export interface Outcome {
  /** Source address and port, as the listener will report them (see keyOf). */
  readonly key: string;
  /** The error code the client saw, if any (EPIPE, ECONNRESET when the server cut it short). */
  readonly error: string | undefined;
}

/** Where a client connects from (default {@link GOOD_SENDER}), to which host (default {@link LISTEN_HOST}), and how long it waits at most for the server to close. */
export interface ClientOptions {
  readonly localAddress?: string;
  readonly host?: string;
  readonly giveUpMs?: number;
}

/** A client connection, while it is open: its key, and when it ends. */
export interface OpenConnection {
  readonly key: string;
  readonly socket: net.Socket;
  /** When the connection was established (`performance.now()`). */
  readonly connectedAt: number;
  /** Resolves when the connection is closed (by either side). */
  readonly closed: Promise<Outcome>;
}

/**
 * Connects to the listener's host and port and resolves once connected. The connection is
 * destroyed, and `closed` resolves with a `give-up` error, if nothing closes it within `giveUpMs`.
 * A connection that the listener resets before the connect is seen (it may do so at once, e.g. an
 * `allow` refusal) resolves as connected (key `''`) and already closed with `ECONNRESET`.
 */
export function connect(port: number, options: ClientOptions = {}): Promise<OpenConnection> {
  const host = options.host ?? LISTEN_HOST;
  const socket = net.connect({ host, port, localAddress: options.localAddress ?? GOOD_SENDER });
  let error: string | undefined;
  const giveUp = setTimeout(() => {
    error ??= 'give-up';
    socket.destroy();
  }, options.giveUpMs ?? 15_000);
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
      // reset before the connect was seen: the listener accepted it and reset it at once (the
      // source port is then unknown, so the key is empty)
      if (error === 'ECONNRESET') resolve({ key, socket, closed, connectedAt: performance.now() });
      else reject(new Error(`connect to ${host}:${port} failed: ${error}`));
    });
  });
}

/** Connects, writes `bytes`, ends, and resolves when the server has closed the connection. */
export async function sendAndEnd(port: number, bytes: Uint8Array, options?: ClientOptions): Promise<Outcome> {
  const connection = await connect(port, options);
  connection.socket.end(bytes);
  return connection.closed;
}

/**
 * Connects and writes `bytes` (possibly none), then stays silent without ending: the server
 * must close it at its idle timeout. Resolves with the open connection.
 */
export async function stall(
  port: number,
  bytes: Uint8Array,
  options?: ClientOptions,
): Promise<OpenConnection> {
  const connection = await connect(port, options);
  if (bytes.length > 0) connection.socket.write(bytes);
  return connection;
}

/** Connects, writes `bytes` (if any), waits `delayMs`, then aborts the connection with a RST. */
export async function resetAfter(
  port: number,
  bytes: Uint8Array,
  delayMs: number,
  options?: ClientOptions,
): Promise<Outcome> {
  const connection = await connect(port, options);
  if (bytes.length > 0) await new Promise<void>((resolve) => connection.socket.write(bytes, () => resolve()));
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  connection.socket.resetAndDestroy();
  return connection.closed;
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

export { sleep } from '../fixtures';
