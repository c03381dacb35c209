import * as net from 'node:net';
import { firstValueFrom, type Observable, take, toArray, timeout } from 'rxjs';
import type { AddressInfo } from 'node:net';

/** The listener address of the transport specs (their loopback range is 127.41.0.0/16). */
export const HOST = '127.41.1.1';
/** The default source address of their senders. */
export const SENDER = '127.41.1.2';

/** A client connection and how it ended: `error` is the code it saw (`ECONNRESET`), if any. */
export interface Client {
  readonly socket: net.Socket;
  /** `host:port` of this end, as the listener reports it in `remote`. */
  readonly key: string;
  /** Resolves when the connection is closed, with the error code seen, if any. */
  readonly closed: Promise<string | undefined>;
}

/**
 * Connects from `from` to HOST:port, writes `bytes`, and ends (unless `end` is false). Resolves
 * once connected (or once reset, if the listener resets it before the connect is seen).
 */
export function sendRaw(
  port: number,
  bytes: Uint8Array | string,
  { from = SENDER, end = true }: { from?: string; end?: boolean } = {},
): Promise<Client> {
  const socket = net.connect({ host: HOST, port, localAddress: from });
  let error: string | undefined;
  socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  const closed = new Promise<string | undefined>((resolve) => socket.on('close', () => resolve(error)));
  return new Promise((resolve) => {
    let key = '';
    socket.once('connect', () => {
      key = `${socket.localAddress}:${socket.localPort}`;
      if (end) socket.end(bytes);
      else socket.write(bytes);
      resolve({ socket, key, closed });
    });
    void closed.then(() => resolve({ socket, key, closed }));
  });
}

/** Subscribes to a listener-like source, resolves its bound address, and collects `count` items. */
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

/** Resolves when a TCP connect to HOST:port succeeds (true) or is refused (false). */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port, localAddress: SENDER }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
