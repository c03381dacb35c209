import type { Observable } from 'rxjs';
import type { PycomRequest } from '../protocol/requests';
import type { Inbound } from '../protocol/inbound';
import { listen } from './listen';
import { lookupHost } from './lookup';
import type { ListenOptions } from './listenOptions';
import { send, type Delivered, type LocalAddress, type SendOptions, type Target } from './send';

/**
 * How a coordinator reaches the network: an inbound listener and an outbound sender. The real
 * one is {@link tcpTransport}; `pycom-rx/testing` has an in-memory one, so a whole coordinator
 * runs under `TestScheduler.run()` without sockets (the way serialport takes a binding).
 *
 * An implementation must behave like the TCP one: `listen` is cold, calls
 * `options.onListening` once bound, emits one {@link Inbound} per inbound connection and errors
 * only with a `ListenError`; `send` is cold, emits one {@link Delivered} when the receiver has
 * taken the request, then completes, and errors with a `SendError`; `lookup`, when present, is
 * cold, emits one address for a host name and completes, or errors with a `SendError` (`dns`).
 * Without `lookup`, a coordinator uses a host name as it is given.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ transport: tcpTransport }); // the default
 * ```
 * @category Transport
 */
export interface Transport {
  /** Listens for events; see {@link listen}. */
  listen(options: ListenOptions): Observable<Inbound>;
  /** Sends one request on a fresh connection; see {@link send}. */
  send(
    target: Target,
    request: PycomRequest | ((local: LocalAddress) => PycomRequest),
    options?: SendOptions,
  ): Observable<Delivered>;
  /**
   * Resolves a host name to the address the unit will send its events from; see
   * {@link lookupHost}. Optional: without it, names are used as given.
   */
  lookup?(host: string, port: number): Observable<string>;
}

/**
 * The real transport: {@link listen} and {@link send} over TCP, names resolved by
 * {@link lookupHost} (the system's resolver).
 *
 * ## Example
 * ```ts
 * tcpTransport.send('127.0.0.2', me).subscribe(); // a heartbeat: the identity fields alone
 * ```
 * @category Transport
 */
export const tcpTransport: Transport = { listen, send, lookup: lookupHost };
