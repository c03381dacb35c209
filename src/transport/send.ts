import * as net from 'node:net';
import { Observable } from 'rxjs';
import type { PycomRequest } from '../protocol/requests';
import { checkOption, checkOptions, OptionError, RULES, type OptionTable } from '../validation/checkOptions';
import { SendError, sendCause } from './errors';

/**
 * The port pycom listens on.
 * @category Transport
 */
export const PYCOM_PORT = 5000;

/**
 * Where to send: a host (port {@link PYCOM_PORT}) or a host and port.
 *
 * ## Example
 * ```ts
 * const a: Target = '127.0.0.2';
 * const b: Target = { host: '127.0.0.1', port: 5001 };
 * ```
 * @category Transport
 */
export type Target = string | { readonly host: string; readonly port?: number };

/**
 * Options of {@link send} and `sendPayload`.
 *
 * ## Example
 * ```ts
 * send('127.0.0.2', me, { connectTimeoutMs: 1000 });
 * ```
 * @category Transport
 */
export interface SendOptions {
  /** Give up if the TCP connection is not established within this time. Default 3 000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * The whole hand-over: an error if the payload could not be written within this time; if it
   * was written but the peer has not closed by then, the send completes. Default 10 000 ms.
   */
  readonly timeoutMs?: number;
  /** The local address to send from (default: chosen by the system). */
  readonly localAddress?: string;
  /** Called once connected, with the local address and port this machine used. */
  readonly onConnect?: (local: LocalAddress) => void;
}

/**
 * This machine's end of a connection.
 *
 * ## Example
 * ```ts
 * send(unit, me, { onConnect: (local: LocalAddress) => console.log('reached it from', local.address) });
 * ```
 * @category Transport
 */
export interface LocalAddress {
  /** The local IP address the system chose (or `localAddress`). */
  readonly address: string;
  /** The local port. */
  readonly port: number;
}

/**
 * What {@link send} and `sendPayload` emit, once, when the receiver has taken the request.
 *
 * ## Example
 * ```ts
 * const { local } = await lastValueFrom(send('127.0.0.2', me));
 * console.log('reached it from', local.address);
 * ```
 * @category Transport
 */
export interface Delivered {
  /** The receiver's host. */
  readonly host: string;
  /** The receiver's port. */
  readonly port: number;
  /** This machine's end of the connection. */
  readonly local: LocalAddress;
}

/**
 * The defaults of {@link SendOptions}.
 * @category Transport
 */
export const SEND_DEFAULTS = { connectTimeoutMs: 3_000, timeoutMs: 10_000 } as const;

/**
 * The rule of each numeric option of {@link SendOptions}, checked when {@link send} or
 * `sendPayload` is called.
 *
 * ## Example
 * ```ts
 * checkOptions(coordinatorOptions.send, SEND_RULES, 'send');
 * ```
 * @category Transport
 */
export const SEND_RULES: OptionTable<SendOptions> = { connectTimeoutMs: RULES.ms, timeoutMs: RULES.ms };

/** The longest host accepted: a DNS name is at most 253 characters, an IPv6 address with a zone a few more. */
const MAX_HOST_LENGTH = 255;

/**
 * Splits a {@link Target} into host and port, and checks it: the host a non-empty string
 * without spaces or control characters (an IPv6 address may be in brackets, which are removed),
 * the port an integer 1..65535 (default {@link PYCOM_PORT}).
 *
 * ## Example
 * ```ts
 * resolveTarget('127.0.0.2'); // { host: '127.0.0.2', port: 5000 }
 * resolveTarget({ host: '[::1]', port: 5001 }); // { host: '::1', port: 5001 }
 * ```
 * @param target A host, or a host and port.
 * @param option The name of the argument, for the error (default `'target'`).
 * @throws {@link OptionError} when the target is not a string or `{ host, port? }`, the host is
 * empty or holds spaces or control characters, or the port is not an integer 1..65535.
 * @category Transport
 */
export function resolveTarget(target: Target, option = 'target'): { host: string; port: number } {
  let host: unknown;
  let port: unknown = PYCOM_PORT;
  if (typeof target === 'string') host = target;
  else if (typeof target === 'object' && target !== null) {
    host = target.host;
    if (target.port !== undefined) port = target.port;
  } else throw new OptionError(option, 'type', target, 'a host or { host, port }');
  const where = typeof target === 'string' ? option : `${option}.host`;
  if (typeof host !== 'string') throw new OptionError(where, 'type', host, 'a host name or IP address');
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (host === '' || host.length > MAX_HOST_LENGTH || /[\s\x00-\x1f\x7f]/.test(host))
    throw new OptionError(where, 'type', host, 'a host name or IP address');
  checkOption(`${option}.port`, port, RULES.remotePort);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return { host: bare, port: port as number };
}

/**
 * Sends raw bytes on a fresh connection, the way pycom's peers talk: connect, write, end.
 * Used by {@link send}, and by the simulator to send events.
 *
 * Emits one {@link Delivered} and completes when the hand-over is done: every byte was written, this side ended (half-close), and
 * the peer closed the connection, which pycom does once it has the request. A peer that keeps
 * the connection open after everything was written is tolerated: the send completes when
 * `timeoutMs` has passed. Errors with a {@link SendError} (including `timeout` when the bytes
 * could not be written in time). Unsubscribing earlier destroys the socket.
 *
 * ## Example
 * ```ts
 * sendPayload({ host: '127.0.0.1', port: 5000 }, Buffer.from('{}')).subscribe((d) => console.log('delivered from', d.local.address));
 * ```
 * @param target The receiver.
 * @param bytes The payload (bytes, or text sent as UTF-8), or a function of the local address
 * that returns it (called once connected; lets a request carry the address that actually
 * reaches the unit).
 * @param options Timeouts.
 * @throws {@link OptionError} when the port (1..65535) or a timeout is invalid (at call time).
 * @category Transport
 */
export function sendPayload(
  target: Target,
  bytes: Uint8Array | string | ((local: LocalAddress) => Uint8Array | string),
  options: SendOptions = {},
): Observable<Delivered> {
  checkOptions(options, SEND_RULES);
  const { host, port } = resolveTarget(target);
  const connectMs = options.connectTimeoutMs ?? SEND_DEFAULTS.connectTimeoutMs;
  const totalMs = options.timeoutMs ?? SEND_DEFAULTS.timeoutMs;
  return new Observable<Delivered>((subscriber) => {
    let connected = false;
    let local: LocalAddress = { address: '', port: 0 };
    const delivered = () => {
      subscriber.next({ host, port, local });
      subscriber.complete();
    };
    const socket = net.connect({ host, port, localAddress: options.localAddress });
    const fail = (
      reason: ReturnType<typeof sendCause>,
      code: string | undefined,
      detail: string,
      systemError?: unknown,
    ) => {
      clearTimeout(timer);
      socket.destroy();
      subscriber.error(new SendError(host, port, reason, code, detail, systemError));
    };
    // One timer for both limits: it fires first at the connect limit (or at the overall one, if
    // that is shorter); if connected by then, it is armed again for the rest of the overall limit.
    let late = false;
    const expired = () => {
      if (!connected)
        return fail(
          'timeout',
          undefined,
          connectMs < totalMs
            ? `not connected within ${connectMs} ms`
            : `the request could not be written within ${totalMs} ms`,
        );
      if (!late && connectMs < totalMs) {
        late = true;
        timer = setTimeout(expired, totalMs - connectMs);
        return;
      }
      if (!socket.writableFinished)
        return fail('timeout', undefined, `the request could not be written within ${totalMs} ms`);
      // Everything was written and ended, but the peer keeps the connection open: as far as TCP
      // can tell, it has the request. Tolerated for peers that close late (pycom closes at once).
      socket.destroy();
      delivered();
    };
    let timer = setTimeout(expired, Math.min(connectMs, totalMs));
    socket.on('connect', () => {
      connected = true;
      local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
      options.onConnect?.(local);
      socket.end(typeof bytes === 'function' ? bytes(local) : bytes);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      fail(sendCause(err.code), err.code, `${connected ? '' : 'connect: '}${err.code ?? err.message}`, err);
    });
    socket.on('close', (hadError) => {
      if (hadError || subscriber.closed) return;
      clearTimeout(timer);
      // finished: every byte was handed to the system and this side ended
      if (socket.writableFinished) delivered();
      else
        subscriber.error(
          new SendError(host, port, 'reset', undefined, 'closed by the peer before the request was written'),
        );
    });
    return () => {
      clearTimeout(timer);
      socket.destroy();
    };
  });
}

/**
 * Sends one request (heartbeat or command) to a unit on a fresh connection.
 *
 * A cold Observable: nothing happens until subscribed. It emits one {@link Delivered} and
 * completes when the unit has the request (all bytes written, this side ended, and the unit
 * closed the connection), so `lastValueFrom(send(...))` resolves then; pycom never answers
 * on that connection: answers arrive later through {@link listen}. Errors with a
 * {@link SendError} whose `reason` is `refused`, `timeout`, `reset`, `dns`, `unreachable` or
 * `other` (the system error, if any, is its `cause`); never an unhandled `'error'` event.
 *
 * ## Example
 * ```ts
 * send('192.168.0.23', { ...me, type_: 'cmd', command: 'uptime' }).subscribe({
 *   error: (e: SendError) => console.error(e.message),
 * });
 * ```
 * @param target The unit (port 5000 unless given).
 * @param request The heartbeat or command, or a function of the local address that returns it.
 * @param options Timeouts.
 * @throws {@link OptionError} when the port (1..65535) or a timeout is invalid (at call time).
 * @category Transport
 */
export function send(
  target: Target,
  request: PycomRequest | ((local: LocalAddress) => PycomRequest),
  options: SendOptions = {},
): Observable<Delivered> {
  // text goes to the socket as UTF-8, without an intermediate Buffer (same bytes as encodeRequest)
  const text =
    typeof request === 'function'
      ? (local: LocalAddress) => JSON.stringify(request(local))
      : JSON.stringify(request);
  return sendPayload(target, text, options);
}
