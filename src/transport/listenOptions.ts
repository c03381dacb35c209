import type * as net from 'node:net';
import { DECODE_DEFAULTS } from '../protocol/decode';
import type { Remote } from '../protocol/inbound';
import { RULES, type OptionTable } from '../validation/checkOptions';

/**
 * The complete raw payload of one inbound connection, not yet decoded.
 *
 * ## Example
 * ```ts
 * listenPayloads({ port: 0 }).subscribe((p) => p.kind === 'payload' && console.log(p.bytes.length));
 * ```
 * @category Transport
 */
export interface Payload {
  /** Always `'payload'`. */
  readonly kind: 'payload';
  /** Everything the peer wrote before ending the connection. */
  readonly bytes: Buffer;
  /** Who sent it. */
  readonly remote: Remote;
  /** When the connection finished (ms since the epoch). */
  readonly receivedAt: number;
}

/**
 * Options of {@link listen} and `listenPayloads`. Every limit has a safe default; every
 * numeric option is checked when the function is called (an {@link OptionError} names it).
 *
 * ## Example
 * ```ts
 * const options: ListenOptions = { host: '127.0.0.1', port: 0, onListening: (a) => console.log(a.port) };
 * ```
 * @category Transport
 */
export interface ListenOptions {
  /** Address to bind. Default `'0.0.0.0'` (every IPv4 interface). */
  readonly host?: string;
  /** Port to bind, an integer 0..65535; `0` picks a free one (see `onListening`). Default `5000`. */
  readonly port?: number;
  /** Largest accepted payload; a larger one is rejected and its socket reset. Default 1 MiB. */
  readonly maxPayloadBytes?: number;
  /**
   * A connection being read that stays silent this long is rejected and reset. Default 10 000 ms.
   *
   * Both timeouts are checked by one timer per listener rather than per connection, so a
   * connection may be cut up to an eighth of the smaller of the two timeouts later than exact,
   * and at most 100 ms later (plus any delay of a busy event loop); never earlier.
   */
  readonly idleTimeoutMs?: number;
  /**
   * The overall deadline of a connection: a payload not complete this long after the connection
   * was accepted (waiting time included) is rejected. Default 30 000 ms. Checked with the same
   * slack as `idleTimeoutMs` (at most an eighth of the smaller timeout, at most 100 ms late).
   */
  readonly payloadTimeoutMs?: number;
  /**
   * Connections read at once (slots). Connections beyond wait, accepted but unread, until a slot
   * is free; none is refused at the door. Default 1024.
   */
  readonly maxConnections?: number;
  /** Slots one source address may hold at once; its other connections wait. Default 256. */
  readonly maxConnectionsPerAddress?: number;
  /**
   * Accepted connections that may wait for a slot. When more arrive, the oldest waiting
   * connection of the address with the most waiting ones is reset (`too-many-connections`).
   * Default 4096.
   */
  readonly maxWaiting?: number;
  /**
   * A connection keeps its slot at least this long. After that, while others wait and no slot is
   * free, the connection that has held its slot longest without completing is reset (`evicted`)
   * to make room (the oldest of the waiting connection's own address when that address is at its
   * cap). Default 1 000 ms: far longer than a unit needs to send an event.
   */
  readonly evictAfterMs?: number;
  /**
   * Connections the system may queue before they are accepted (the listen backlog; capped by
   * the system's `somaxconn`). Default 4096.
   */
  readonly backlog?: number;
  /** Called with the peer's address; returning `false` refuses the connection (reset, reported). */
  readonly allow?: (remoteAddress: string) => boolean;
  /**
   * Take a payload as complete as soon as it is one whole JSON object (or array), without waiting
   * for the peer to end the connection (the socket is then closed by this side, as pycom does).
   * The end is found incrementally, in linear time. Peers that half-close are unaffected.
   * Default `true`.
   */
  readonly completeOnJson?: boolean;
  /** {@link listen} only: the deepest nesting accepted, else `too-deep`. Default 16. */
  readonly maxDepth?: number;
  /** {@link listen} only: bytes of unknown fields kept on an event (see {@link DecodeOptions}). Default 4096. */
  readonly maxUnknownBytes?: number;
  /** Called once the server is bound, with the bound address (useful with `port: 0`). */
  readonly onListening?: (address: net.AddressInfo) => void;
}

/** The defaults of {@link ListenOptions}.
 * @category Transport
 */
export const LISTEN_DEFAULTS = {
  host: '0.0.0.0',
  port: 5000,
  maxPayloadBytes: 1024 * 1024,
  idleTimeoutMs: 10_000,
  payloadTimeoutMs: 30_000,
  maxConnections: 1024,
  maxConnectionsPerAddress: 256,
  maxWaiting: 4096,
  evictAfterMs: 1_000,
  backlog: 4096,
  maxDepth: DECODE_DEFAULTS.maxDepth,
  maxUnknownBytes: DECODE_DEFAULTS.maxUnknownBytes,
} as const;

/**
 * The rule of each numeric option of {@link ListenOptions}, checked when {@link listen} or
 * `listenPayloads` is called.
 *
 * ## Example
 * ```ts
 * checkOptions(coordinatorOptions.listen, LISTEN_RULES, 'listen');
 * ```
 * @category Transport
 */
export const LISTEN_RULES: OptionTable<ListenOptions> = {
  port: RULES.port,
  maxPayloadBytes: RULES.positiveSize,
  idleTimeoutMs: RULES.ms,
  payloadTimeoutMs: RULES.ms,
  maxConnections: RULES.count,
  maxConnectionsPerAddress: RULES.count,
  maxWaiting: RULES.size,
  evictAfterMs: RULES.delayMs,
  backlog: RULES.count,
  maxDepth: RULES.count,
  maxUnknownBytes: RULES.size,
};

/**
 * Removes the `::ffff:` prefix of an IPv4-mapped IPv6 address.
 *
 * ## Example
 * ```ts
 * plainAddress('::ffff:127.0.0.1'); // '127.0.0.1'
 * ```
 * @param address An address as Node.js reports it.
 * @category Transport
 */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
