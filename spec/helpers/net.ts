import * as net from 'node:net';
import { firstValueFrom, type Observable, take, toArray, timeout } from 'rxjs';
import type { AddressInfo } from 'node:net';

/** Opens a raw connection, writes `bytes`, and ends it (or leaves it open when `end` is false). */
export function rawSend(
  port: number,
  bytes: Uint8Array | string,
  { host = '127.0.0.1', end = true }: { host?: string; end?: boolean } = {},
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => {
      if (end) socket.end(bytes);
      else socket.write(bytes);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/** Connects, writes part of a payload, then resets the connection (RST). */
export function rawReset(port: number, bytes: string, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => {
      socket.write(bytes, () => {
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 20);
      });
    });
    socket.on('error', reject);
  });
}

/** Subscribes to a listener-like source, resolves its bound address, and collects `count` items. */
export function startCollecting<T>(
  make: (onListening: (a: AddressInfo) => void) => Observable<T>,
  count: number,
  ms = 15000,
): { address: Promise<AddressInfo>; items: Promise<T[]> } {
  let resolveAddress!: (a: AddressInfo) => void;
  const address = new Promise<AddressInfo>((r) => (resolveAddress = r));
  const items = firstValueFrom(make(resolveAddress).pipe(take(count), toArray(), timeout(ms)));
  return { address, items };
}

/** Resolves when a TCP connect to host:port succeeds (true) or is refused (false). */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
