import { map, type Observable } from 'rxjs';
import { either as E } from 'fp-ts';
import { decodeEvent } from '../protocol/decode';
import type { PycomEvent } from '../protocol/events';
import { listenPayloads, type ListenOptions, type Rejected, type Remote } from './listenPayloads';

/**
 * A valid event received from a unit, with where and when it came from.
 *
 * ## Example
 * ```ts
 * listen().subscribe((item) => item.kind === 'event' && console.log(item.remote.address, item.event.type_));
 * ```
 */
export interface Received {
  /** Always `'event'`. */
  readonly kind: 'event';
  /** The decoded event. */
  readonly event: PycomEvent;
  /** The connection's source (the unit's address as seen by this machine). */
  readonly remote: Remote;
  /** When the connection finished (ms since the epoch). */
  readonly receivedAt: number;
}

/** One item of {@link listen}: a {@link Received} event or a {@link Rejected} payload. */
export type Inbound = Received | Rejected;

/**
 * A cold Observable of the events units send to this coordinator: one item per inbound
 * connection, read until the peer ends it, then decoded with {@link decodeEvent}.
 *
 * Binds `host:port` (default `0.0.0.0:5000`) when subscribed and releases it on unsubscribe.
 * Bad input never errors the stream: malformed, oversized, slow, reset or refused connections
 * become {@link Rejected} items. Only a bind failure errors, with a {@link ListenError}. Share it
 * (`share()`) when several consumers need one server.
 *
 * ## Example
 * ```ts
 * listen({ port: 5000 }).subscribe((item) =>
 *   item.kind === 'event' ? console.log(item.event) : console.warn('rejected:', item.message),
 * );
 * ```
 * @param options Where to bind, and the limits.
 * @return An Observable of {@link Inbound} items that never completes by itself.
 */
export function listen(options: ListenOptions = {}): Observable<Inbound> {
  return listenPayloads(options).pipe(
    map((item): Inbound => {
      if (item.kind === 'rejected') return item;
      const decoded = decodeEvent(item.bytes);
      if (E.isRight(decoded)) {
        return { kind: 'event', event: decoded.right, remote: item.remote, receivedAt: item.receivedAt };
      }
      const failure = decoded.left;
      return {
        kind: 'rejected',
        reason: failure.kind,
        message: failure.message,
        remote: item.remote,
        excerpt: failure.excerpt,
        bytes: item.bytes.length,
        receivedAt: item.receivedAt,
      };
    }),
  );
}
