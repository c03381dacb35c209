import { Observable } from 'rxjs';
import type { Rejected } from '../protocol/inbound';
import { checkOptions } from '../validation/checkOptions';
import { LISTEN_RULES, type ListenOptions, type Payload } from './listenOptions';
import { serve } from './serve';

export type { Remote, Rejected, RejectReason } from '../protocol/inbound';
export * from './listenOptions';

/**
 * A cold Observable of the raw payloads of inbound connections: one item per connection, a
 * {@link Payload} when the peer ended it normally within the limits (or, with `completeOnJson`,
 * as soon as it holds one whole JSON object), otherwise a {@link Rejected}.
 *
 * Binds `host:port` when subscribed; on unsubscribe closes the server and resets every open
 * socket, so the port can be bound again at once. A bind failure errors with a {@link ListenError}.
 * Items come in the order the connections finished. Connections are read through a fair pool of
 * slots (see {@link ListenOptions}: `maxConnections`, `maxConnectionsPerAddress`, `maxWaiting`,
 * `evictAfterMs`), so slow or silent senders cannot starve the others. {@link listen} builds on it
 * to decode events.
 *
 * ## Example
 * ```ts
 * listenPayloads({ port: 0, onListening: (a) => console.log('port', a.port) })
 *   .subscribe((item) => console.log(item.kind));
 * ```
 * @param options Where to bind and the limits.
 * @return An Observable that never completes by itself; unsubscribe to stop.
 * @throws {@link OptionError} when a numeric option is invalid (at call time).
 * @category Transport
 */
export function listenPayloads(options: ListenOptions = {}): Observable<Payload | Rejected> {
  checkOptions(options, LISTEN_RULES);
  return serve(options, (payload) => payload);
}
