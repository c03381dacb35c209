import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ListenErrorReason } from '../transport/errors';
import { SendError } from '../transport/errors';
import type { Remote } from '../transport/listenPayloads';
import { SEND_DEFAULTS, type Delivered, type LocalAddress } from '../transport/send';

/**
 * What the receiver of a connection does with it: take the payload (`true`), or refuse the
 * connection (`false`: the sender gets a `SendError` whose reason is `refused`).
 *
 * ## Example
 * ```ts
 * const receiver: Receiver = (bytes, remote) => (console.log(remote.address, bytes.length), true);
 * ```
 * @category Testing
 */
export type Receiver = (bytes: Uint8Array, remote: Remote) => boolean;

/**
 * Options of {@link memoryNetwork}.
 *
 * ## Example
 * ```ts
 * const network = memoryNetwork({ scheduler: testScheduler, latencyMs: 1 });
 * ```
 * @category Testing
 */
export interface MemoryNetworkOptions {
  /** Where time comes from: every delivery, timer and `receivedAt`. Default RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Time from a `send` to the receiver having the payload. Default 0 (still asynchronous). */
  readonly latencyMs?: number;
}

/**
 * Options of {@link MemoryNetwork.connect}.
 *
 * ## Example
 * ```ts
 * network.connect('192.168.0.100', { host: '192.168.0.23', port: 5000 }, () => bytes, { connectTimeoutMs: 1000 });
 * ```
 * @category Testing
 */
export interface ConnectOptions {
  /** An address nobody has: the sender gives up (reason `timeout`) after this long. Default 3 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Called once connected, with the sender's end of the connection. */
  readonly onConnect?: (local: LocalAddress) => void;
}

/**
 * An in-memory network of machines and units that exchange pycom payloads without sockets, in
 * the time of one RxJS scheduler: a `TestScheduler` inside `run()` makes it virtual. Addresses
 * are plain strings; a machine ({@link memoryTransport}) or a unit ({@link memoryUnit}) attaches
 * one, and binds ports on it. One connection carries one payload, as in pycom.
 *
 * The methods are the low-level parts {@link memoryTransport} and {@link memoryUnit} are made
 * of; a test rarely needs them, except to write a custom peer.
 *
 * ## Example
 * ```ts
 * const network = memoryNetwork({ scheduler: testScheduler });
 * const transport = memoryTransport(network, { host: '192.168.0.100' });
 * const unit = memoryUnit(network, { host: '192.168.0.23' });
 * ```
 * @category Testing
 */
export interface MemoryNetwork {
  /** The scheduler of every delivery and timer on this network. */
  readonly scheduler: SchedulerLike;
  /** Time from a `send` to the receiver having the payload. */
  readonly latencyMs: number;
  /**
   * Makes `host` exist on the network: a connection to one of its ports that nobody listens on is
   * then `refused` at once, rather than timing out.
   * @param host The address.
   * @return A function that detaches it again (each attach needs its own detach).
   */
  attach(host: string): () => void;
  /** `true` while some machine or unit has attached `host`. */
  hasHost(host: string): boolean;
  /**
   * Starts receiving connections to `host:port`.
   * @param host The address (attach it first).
   * @param port The port; `0` picks a free one.
   * @param receiver What to do with each connection.
   * @return The bound port, or `'in-use'` when someone else listens there.
   */
  bind(host: string, port: number, receiver: Receiver): number | Extract<ListenErrorReason, 'in-use'>;
  /**
   * Stops receiving on `host:port` (only if `receiver` is the one bound there).
   * @param host The address.
   * @param port The port.
   * @param receiver The receiver given to `bind`.
   */
  unbind(host: string, port: number, receiver: Receiver): void;
  /**
   * Opens one connection from `from` to `to`, hands it the payload and closes it: after
   * `latencyMs`, the receiver gets the bytes and the Observable emits one `Delivered` and
   * completes. Errors with a `SendError`: `refused` when the host exists but nothing listens
   * there (or the receiver refused), `timeout` after `connectTimeoutMs` when nobody has that
   * address. Cold; unsubscribing first cancels the connection.
   * @param from The sender's address.
   * @param to The receiver.
   * @param payload The bytes, as a function of the sender's end of the connection.
   * @param options Timeout and connect callback.
   */
  connect(
    from: string,
    to: { readonly host: string; readonly port: number },
    payload: (local: LocalAddress) => Uint8Array,
    options?: ConnectOptions,
  ): Observable<Delivered>;
}

/** The first port given to `bind(host, 0)` and to the sending end of each connection. */
const FIRST_EPHEMERAL_PORT = 40_000;

class Network implements MemoryNetwork {
  readonly scheduler: SchedulerLike;
  readonly latencyMs: number;
  private readonly hosts = new Map<string, number>();
  private readonly receivers = new Map<string, Receiver>();
  private nextPort = FIRST_EPHEMERAL_PORT;

  constructor(options: MemoryNetworkOptions) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    const latency = options.latencyMs ?? 0;
    if (!Number.isFinite(latency) || latency < 0)
      throw new RangeError(`latencyMs must be a finite number >= 0, got ${latency}`);
    this.latencyMs = latency;
  }

  attach(host: string): () => void {
    this.hosts.set(host, (this.hosts.get(host) ?? 0) + 1);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      const count = (this.hosts.get(host) ?? 1) - 1;
      if (count > 0) this.hosts.set(host, count);
      else this.hosts.delete(host);
    };
  }

  hasHost(host: string): boolean {
    return this.hosts.has(host);
  }

  bind(host: string, port: number, receiver: Receiver): number | 'in-use' {
    let bound = port;
    if (bound === 0) {
      do bound = this.ephemeralPort();
      while (this.receivers.has(`${host}:${bound}`));
    }
    const key = `${host}:${bound}`;
    if (this.receivers.has(key)) return 'in-use';
    this.receivers.set(key, receiver);
    return bound;
  }

  unbind(host: string, port: number, receiver: Receiver): void {
    const key = `${host}:${port}`;
    if (this.receivers.get(key) === receiver) this.receivers.delete(key);
  }

  connect(
    from: string,
    to: { readonly host: string; readonly port: number },
    payload: (local: LocalAddress) => Uint8Array,
    options: ConnectOptions = {},
  ): Observable<Delivered> {
    const { host, port } = to;
    return new Observable<Delivered>((subscriber) => {
      const local: LocalAddress = { address: from, port: this.ephemeralPort() };
      let action: Subscription;
      if (!this.hosts.has(host)) {
        const ms = options.connectTimeoutMs ?? SEND_DEFAULTS.connectTimeoutMs;
        action = this.scheduler.schedule(
          () =>
            subscriber.error(
              new SendError(host, port, 'timeout', undefined, `not connected within ${ms} ms`),
            ),
          ms,
        );
      } else {
        action = this.scheduler.schedule(() => {
          const receiver = this.receivers.get(`${host}:${port}`);
          if (receiver === undefined) return subscriber.error(refused(host, port));
          options.onConnect?.(local);
          let bytes: Uint8Array;
          try {
            bytes = payload(local);
          } catch (error) {
            return subscriber.error(error);
          }
          if (!receiver(bytes, { address: from, port: local.port }))
            return subscriber.error(refused(host, port));
          subscriber.next({ host, port, local });
          subscriber.complete();
        }, this.latencyMs);
      }
      return () => action.unsubscribe();
    });
  }

  private ephemeralPort(): number {
    const port = this.nextPort;
    this.nextPort = port >= 65_535 ? FIRST_EPHEMERAL_PORT : port + 1;
    return port;
  }
}

function refused(host: string, port: number): SendError {
  return new SendError(host, port, 'refused', 'ECONNREFUSED', 'connect: ECONNREFUSED');
}

/**
 * Creates an in-memory network: the wire between a coordinator on {@link memoryTransport} and
 * {@link memoryUnit}s, driven by one scheduler. Inside `TestScheduler.run()`, the default
 * `asyncScheduler` already runs in virtual time; pass the `TestScheduler` to be explicit.
 *
 * ## Example
 * ```ts
 * testScheduler.run(() => {
 *   const network = memoryNetwork({ scheduler: testScheduler });
 *   memoryUnit(network, { host: '192.168.0.23' });
 *   const coordinator = createCoordinator({ scheduler: testScheduler, transport: memoryTransport(network) });
 * });
 * ```
 * @param options The scheduler and the latency.
 * @category Testing
 */
export function memoryNetwork(options: MemoryNetworkOptions = {}): MemoryNetwork {
  return new Network(options);
}
