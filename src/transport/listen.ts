import { type Observable, tap } from 'rxjs';
import { either as E } from 'fp-ts';
import { channels, published } from '../diagnostics';
import { decodeEvent, type DecodeOptions } from '../protocol/decode';
import { received, type Inbound, type Received, type Rejected } from '../protocol/inbound';
import { checkOptions } from '../validation/checkOptions';
import { LISTEN_RULES, type ListenOptions, type Payload } from './listenOptions';
import { serve } from './serve';

export type { Inbound, Received } from '../protocol/inbound';

/**
 * Decodes one payload into a {@link Received} event or a {@link Rejected} item.
 *
 * ## Example
 * ```ts
 * listenPayloads({ port: 0 }).pipe(map((p) => (p.kind === 'payload' ? decodeInbound(p) : p)));
 * ```
 * @param payload A complete payload from `listenPayloads`.
 * @param options Depth and size limits of the decoder.
 * @category Transport
 */
export function decodeInbound(payload: Payload, options: DecodeOptions = {}): Received | Rejected {
  const decoded = decodeEvent(payload.bytes, options);
  if (E.isRight(decoded)) {
    // the decoded event is this payload's own (made by JSON.parse): no copy
    return received(decoded.right, payload.remote, payload.receivedAt);
  }
  const failure = decoded.left;
  return {
    kind: 'rejected',
    reason: failure.kind,
    message: failure.message,
    remote: payload.remote,
    excerpt: failure.excerpt,
    bytes: payload.bytes.length,
    receivedAt: payload.receivedAt,
  };
}

/**
 * A cold Observable of the events units send to this coordinator: one item per inbound
 * connection, read until the peer ends it (or until it holds one whole JSON object), then decoded
 * with {@link decodeEvent}. Each event is emitted as a {@link Received} item: the event's own
 * fields plus `remote` (the connection's source address, the truth about who sent it) and
 * `receivedAt`, so `ofType` and `fromNode` apply to it directly.
 *
 * Binds `host:port` (default `0.0.0.0:5000`) when subscribed and releases it on unsubscribe.
 * Bad input never errors the stream: malformed, too deep, oversized, slow, evicted, reset or
 * refused connections become {@link Rejected} items, and their senders see a reset (never a clean
 * close, so a sender whose event was not taken knows it). Connections are read through a fair
 * pool of slots (see {@link ListenOptions}), so slow or silent senders cannot starve the others.
 * Only a bind failure errors, with a {@link ListenError}. Share it (`share()`) when several
 * consumers need one server.
 *
 * ## Example
 * ```ts
 * listen({ port: 5000 }).subscribe((item) =>
 *   isRejected(item) ? console.warn('rejected:', item.message) : console.log(item.remote.address, item.type_),
 * );
 * listen().pipe(ofType('unit_info')).subscribe((info) => console.log(info.mac_address));
 * ```
 * @param options Where to bind, and the limits.
 * @return An Observable of {@link Inbound} items that never completes by itself.
 * @throws {@link OptionError} when a numeric option is invalid (at call time, not on subscribe).
 * @category Transport
 */
export function listen(options: ListenOptions = {}): Observable<Inbound> {
  checkOptions(options, LISTEN_RULES);
  const limits: DecodeOptions = {
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.maxUnknownBytes === undefined ? {} : { maxUnknownBytes: options.maxUnknownBytes }),
  };
  return serve<Received>(options, (payload) => decodeInbound(payload, limits)).pipe(
    tap((item) => published(channels.inbound, item)), // diagnostics (pycom-rx:inbound): one property read when off
  );
}
