import { copyFields } from './copyFields';
import type { DecodeFailureKind } from './decode';
import type { PycomEvent } from './events';

/**
 * The far end of an inbound connection.
 *
 * ## Example
 * ```ts
 * const remote: Remote = { address: '192.168.0.23', port: 40312 };
 * ```
 * @category Protocol
 */
export interface Remote {
  /** The peer's IP address, canonical (IPv4-mapped IPv6 addresses are shown as plain IPv4). */
  readonly address: string;
  /** The peer's source port. */
  readonly port: number;
}

/**
 * Where and when an inbound item came from: the truth the listener saw, as opposed to what an
 * event claims about itself in its `ip` and `id` fields.
 *
 * ## Example
 * ```ts
 * const arrival: Arrival = { remote: { address: '192.168.0.23', port: 40312 }, receivedAt: Date.now() };
 * ```
 * @category Protocol
 */
export interface Arrival {
  /** The connection's source: the unit's address as seen by this machine. */
  readonly remote: Remote;
  /** When the connection finished (ms since the epoch, or scheduler time in tests). */
  readonly receivedAt: number;
}

/**
 * An event as received: the decoded event itself, with its {@link Arrival} (`remote`,
 * `receivedAt`) added. Distributes over unions, so `Received<PycomEvent>` is a union that
 * `ofType` narrows (`Extract<Received, { type_: 'unit_info' }>` has `mac_address`).
 *
 * `remote` and `receivedAt` are set by the listener and overwrite any field of that name a
 * sender put in its payload.
 *
 * ## Example
 * ```ts
 * listen().pipe(ofType('unit_info')).subscribe((info) => console.log(info.remote.address, info.mac_address));
 * ```
 * @category Protocol
 */
export type Received<E extends PycomEvent = PycomEvent> = E extends unknown ? E & Arrival : never;

/**
 * Why an inbound connection yielded no event: a {@link DecodeFailureKind} (including `too-deep`),
 * or
 * - `too-large`: more than `maxPayloadBytes` arrived;
 * - `idle-timeout`: nothing arrived for `idleTimeoutMs`;
 * - `too-slow`: the payload was not complete within `payloadTimeoutMs` of the connection's accept;
 * - `evicted`: the connection had held a reading slot for `evictAfterMs` without completing, and
 *   was closed to make room for a waiting one;
 * - `too-many-connections`: the connection was closed unread because the waiting room
 *   (`maxWaiting`) was full;
 * - `not-allowed`: the `allow` filter refused the sender;
 * - `reset`: the peer aborted the connection before ending its payload. (When data and the reset
 *   arrive in the same event-loop turn, the system reports an ordinary end instead: the partial
 *   payload is then decoded and rejected for what it is, e.g. `json`. Either way it is rejected.)
 *
 * Every connection rejected by the listener is closed with a reset (RST), so that its sender sees
 * an error rather than a clean close: nothing is lost silently.
 * @category Protocol
 */
export type RejectReason =
  | DecodeFailureKind
  | 'too-large'
  | 'idle-timeout'
  | 'too-slow'
  | 'evicted'
  | 'too-many-connections'
  | 'not-allowed'
  | 'reset';

/**
 * An inbound connection that yielded no event, with the reason and what had arrived.
 *
 * ## Example
 * ```ts
 * listen().pipe(filter(isRejected)).subscribe((r) => console.warn(r.remote.address, r.reason, r.message));
 * ```
 * @category Protocol
 */
export interface Rejected extends Arrival {
  /** Always `'rejected'`. */
  readonly kind: 'rejected';
  /** The category of the rejection. */
  readonly reason: RejectReason;
  /** One readable line saying what was wrong. */
  readonly message: string;
  /** The start of what arrived, as text (possibly empty). */
  readonly excerpt: string;
  /** How many bytes had arrived. */
  readonly bytes: number;
}

/**
 * One item of the listener: a {@link Received} event or a {@link Rejected} payload. Tell them
 * apart with {@link isRejected} / {@link isReceived}, or pick events with `ofType(...)`.
 * @category Protocol
 */
export type Inbound = Received | Rejected;

/**
 * Adds where and when an event came from to a copy of it.
 *
 * ## Example
 * ```ts
 * const item = receive(event, { address: '127.0.0.2', port: 40312 }, Date.now());
 * ```
 * @param event The decoded event.
 * @param remote The connection's source.
 * @param receivedAt When the connection finished.
 * @category Protocol
 */
export function receive<E extends PycomEvent>(event: E, remote: Remote, receivedAt: number): Received<E> {
  return received(copyFields(event), remote, receivedAt);
}

/**
 * Adds where and when an event came from to the event itself: for an event nobody else holds (the
 * listener's own, just decoded), without the copy that {@link receive} makes.
 * @internal
 */
export function received<E extends PycomEvent>(event: E, remote: Remote, receivedAt: number): Received<E> {
  const item = event as E & { remote: Remote; receivedAt: number };
  item.remote = remote;
  item.receivedAt = receivedAt;
  return item as Received<E>;
}

/**
 * Whether a listener's item is a rejected payload (it has no `type_`: decoded events always do).
 *
 * ## Example
 * ```ts
 * listen().pipe(filter(isRejected)).subscribe((r) => console.warn(r.message));
 * ```
 * @param item An item of `listen()` or `coordinator.inbound$`.
 * @category Protocol
 */
export function isRejected(item: Inbound): item is Rejected {
  return !('type_' in item);
}

/**
 * Whether a listener's item is a decoded event (not a rejected payload).
 *
 * ## Example
 * ```ts
 * listen().pipe(filter(isReceived)).subscribe((e) => console.log(e.type_, e.remote.address));
 * ```
 * @param item An item of `listen()` or `coordinator.inbound$`.
 * @category Protocol
 */
export function isReceived(item: Inbound): item is Received {
  return 'type_' in item;
}
