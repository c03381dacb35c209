import type { AddressInfo } from 'node:net';
import { Observable, type Subscription } from 'rxjs';
import { either as E } from 'fp-ts';
import { decodeEvent, excerptOf } from '../protocol/decode';
import { encodeRequest } from '../protocol/encode';
import type { PycomRequest } from '../protocol/requests';
import { ListenError, SendError } from '../transport/errors';
import { canonicalAddress } from '../protocol/address';
import { received, type Inbound } from '../protocol/inbound';
import { checkOptions } from '../validation/checkOptions';
import {
  LISTEN_DEFAULTS,
  LISTEN_RULES,
  type ListenOptions,
  type RejectReason,
  type Rejected,
  type Remote,
} from '../transport/listenPayloads';
import {
  resolveTarget,
  SEND_RULES,
  type Delivered,
  type LocalAddress,
  type SendOptions,
  type Target,
} from '../transport/send';
import type { Transport } from '../transport/transport';
import type { MemoryNetwork, Receiver } from './network';

/**
 * The address a {@link memoryTransport} has by default: the PC of the vendor's examples.
 *
 * ## Example
 * ```ts
 * const unit = memoryUnit(network, { host: '192.168.0.23' });
 * unit.coordinators()[0]?.host; // MEMORY_COORDINATOR_HOST, once the coordinator has heartbeated
 * ```
 * @category Testing
 */
export const MEMORY_COORDINATOR_HOST = '192.168.0.100';

/**
 * Options of {@link memoryTransport}.
 *
 * ## Example
 * ```ts
 * const transport = memoryTransport(network, { host: '10.0.0.1' });
 * ```
 * @category Testing
 */
export interface MemoryTransportOptions {
  /** This machine's address on the network. Default {@link MEMORY_COORDINATOR_HOST}. */
  readonly host?: string;
  /**
   * Host names this machine resolves, and their addresses (its `/etc/hosts`). A name not here
   * fails to resolve (`SendError`, reason `dns`); IP addresses in any spelling resolve to
   * themselves. Default: none.
   */
  readonly hosts?: Readonly<Record<string, string>>;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * A {@link Transport} on a {@link MemoryNetwork}: what `createCoordinator({ transport })` needs
 * to run without sockets, on the network's scheduler.
 *
 * It behaves like the TCP one. `listen` is cold: on subscribe it binds `host:port` of this
 * machine (`0.0.0.0`, `::` or the machine's own address; port `0` picks a free one), then calls
 * `onListening` on the scheduler; it emits one `Inbound` per connection (a decoded event with the
 * sender's address and `receivedAt` from the scheduler, or a `rejected` payload: malformed,
 * larger than `maxPayloadBytes`, or refused by `allow`); it errors with a `ListenError` (`in-use`
 * when the port is taken, `address` for an address this machine does not have); unsubscribing
 * releases the port. `send` encodes the request, and emits one `Delivered` then completes once
 * the receiver has it, or errors with a `SendError` (`refused`: nothing listens there; `timeout`:
 * no such address). Requests always leave from the machine's one address (`localAddress` is
 * ignored), and the limits on slow peers do not apply: memory peers are never slow. Invalid
 * options throw at call time, as they do with the TCP transport.
 *
 * ## Example
 * ```ts
 * const network = memoryNetwork({ scheduler: testScheduler });
 * const coordinator = createCoordinator({ scheduler: testScheduler, transport: memoryTransport(network) });
 * ```
 * @param network The network.
 * @param options This machine's address.
 * @category Testing
 */
export function memoryTransport(network: MemoryNetwork, options: MemoryTransportOptions = {}): Transport {
  const machine = options.host ?? MEMORY_COORDINATOR_HOST;
  network.attach(machine);

  const listen = (listenOptions: ListenOptions = {}): Observable<Inbound> => {
    checkOptions(listenOptions, LISTEN_RULES);
    return new Observable<Inbound>((subscriber) => {
      const host = listenOptions.host ?? LISTEN_DEFAULTS.host;
      const port = listenOptions.port ?? LISTEN_DEFAULTS.port;
      const maxBytes = listenOptions.maxPayloadBytes ?? LISTEN_DEFAULTS.maxPayloadBytes;
      const { allow, onListening } = listenOptions;
      const { scheduler } = network;
      const rejected = (
        reason: RejectReason,
        message: string,
        remote: Remote,
        bytes: Uint8Array,
      ): Rejected => ({
        kind: 'rejected',
        reason,
        message,
        remote,
        excerpt: excerptOf(Buffer.from(bytes.subarray(0, 400)).toString('utf8')),
        bytes: bytes.length,
        receivedAt: scheduler.now(),
      });
      const receiver: Receiver = (bytes, remote) => {
        if (allow !== undefined && !allow(remote.address)) {
          subscriber.next(
            rejected('not-allowed', `sender ${remote.address} is not allowed`, remote, new Uint8Array()),
          );
          return false;
        }
        if (bytes.length > maxBytes) {
          subscriber.next(rejected('too-large', `payload larger than ${maxBytes} bytes`, remote, bytes));
          return true;
        }
        const decoded = decodeEvent(bytes);
        if (E.isRight(decoded)) subscriber.next(received(decoded.right, remote, scheduler.now()));
        else
          subscriber.next({
            ...rejected(decoded.left.kind, decoded.left.message, remote, bytes),
            excerpt: decoded.left.excerpt,
          });
        return true;
      };

      let bound: number | undefined;
      let action: Subscription;
      if (!WILDCARDS.has(host) && host !== machine) {
        action = scheduler.schedule(() =>
          subscriber.error(new ListenError(host, port, 'address', 'EADDRNOTAVAIL')),
        );
      } else {
        const result = network.bind(machine, port, receiver);
        if (result === 'in-use') {
          action = scheduler.schedule(() =>
            subscriber.error(new ListenError(host, port, 'in-use', 'EADDRINUSE')),
          );
        } else {
          bound = result;
          const address: AddressInfo = {
            address: host,
            family: host.includes(':') ? 'IPv6' : 'IPv4',
            port: result,
          };
          action = scheduler.schedule(() => onListening?.(address));
        }
      }
      return () => {
        action.unsubscribe();
        if (bound !== undefined) network.unbind(machine, bound, receiver);
      };
    });
  };

  const send = (
    target: Target,
    request: PycomRequest | ((local: LocalAddress) => PycomRequest),
    sendOptions: SendOptions = {},
  ): Observable<Delivered> => {
    checkOptions(sendOptions, SEND_RULES);
    const to = resolveTarget(target);
    return network.connect(
      machine,
      to,
      (local) => encodeRequest(typeof request === 'function' ? request(local) : request),
      { connectTimeoutMs: sendOptions.connectTimeoutMs, onConnect: sendOptions.onConnect },
    );
  };

  const lookup = (host: string, port: number): Observable<string> =>
    new Observable<string>((subscriber) => {
      const address =
        canonicalAddress(host) ??
        (Object.hasOwn(options.hosts ?? {}, host) ? canonicalAddress(options.hosts![host]!) : undefined);
      if (address === undefined)
        return subscriber.error(new SendError(host, port, 'dns', 'ENOTFOUND', `lookup: ENOTFOUND`));
      subscriber.next(address);
      subscriber.complete();
    });

  return { listen, send, lookup };
}
