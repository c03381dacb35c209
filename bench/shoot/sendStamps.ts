/**
 * When this process handed each `runSeq` request to the system, for bench/shoot.ts: every
 * sender here (the library's `send`, the hand-written fire) writes a request with one
 * `socket.end(bytes)`, so wrapping `net.Socket.prototype.end` stamps each one with
 * `process.hrtime.bigint()` as its write starts. On loopback the write call itself puts the bytes
 * in the receiving socket's queue, so these stamps are when the requests reached the units'
 * sockets, before the units' process (one event loop for every simulated unit) gets to read them.
 *
 * Costs every `end(bytes)` of this process one `includes` on the bytes.
 */
import * as net from 'node:net';

/** Stamps of the `end(bytes)` calls whose bytes contain a marker. */
export interface SendStamps {
  /** The stamps (µs of the monotonic clock) since the last call, in call order; forgets them. */
  take(): number[];
  /** Puts `net.Socket.prototype.end` back. */
  restore(): void;
}

/**
 * Wraps `net.Socket.prototype.end` to stamp the calls that send `marker`.
 * @param marker Text the payloads to stamp contain, e.g. `boardiocli runSeq`.
 */
export function stampSends(marker: string): SendStamps {
  const original = net.Socket.prototype.end;
  let stamps: number[] = [];
  const needle = Buffer.from(marker);
  function end(this: net.Socket, ...args: unknown[]): net.Socket {
    const now = process.hrtime.bigint();
    const [chunk] = args;
    const sends =
      typeof chunk === 'string'
        ? chunk.includes(marker)
        : chunk instanceof Uint8Array &&
          Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).includes(needle); // no copy
    if (sends) stamps.push(Number(now / 1000n));
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  }
  net.Socket.prototype.end = end as typeof original;
  return {
    take: () => {
      const taken = stamps;
      stamps = [];
      return taken;
    },
    restore: () => {
      net.Socket.prototype.end = original;
    },
  };
}
