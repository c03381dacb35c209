import * as net from 'node:net';
import { Observable } from 'rxjs';
import { excerptOf, type DecodeFailureKind } from '../protocol/decode';
import { ListenError, listenCause } from './errors';

/** The far end of an inbound connection. */
export interface Remote {
  /** The peer's IP address (IPv4-mapped IPv6 addresses are shown as plain IPv4). */
  readonly address: string;
  /** The peer's source port. */
  readonly port: number;
}

/**
 * Why an inbound connection yielded no event: a {@link DecodeFailureKind}, or
 * - `too-large`: more than `maxPayloadBytes` arrived;
 * - `idle-timeout`: nothing arrived for `idleTimeoutMs`;
 * - `too-slow`: the payload was not complete within `payloadTimeoutMs`;
 * - `too-many-connections`: `maxConnections` were already open; the connection was refused;
 * - `not-allowed`: the `allow` filter refused the sender;
 * - `reset`: the peer aborted the connection before ending its payload. (When data and the reset
 *   arrive in the same event-loop turn, the system reports an ordinary end instead: the partial
 *   payload is then decoded and rejected for what it is, e.g. `json`. Either way it is rejected.)
 */
export type RejectReason =
  | DecodeFailureKind
  | 'too-large'
  | 'idle-timeout'
  | 'too-slow'
  | 'too-many-connections'
  | 'not-allowed'
  | 'reset';

/**
 * An inbound connection that yielded no event, with the reason and what had arrived.
 *
 * ## Example
 * ```ts
 * listen().pipe(filter((i): i is Rejected => i.kind === 'rejected')).subscribe((r) => console.warn(r.message));
 * ```
 */
export interface Rejected {
  /** Always `'rejected'`. */
  readonly kind: 'rejected';
  /** The category of the rejection. */
  readonly reason: RejectReason;
  /** One readable line saying what was wrong. */
  readonly message: string;
  /** Who sent it. */
  readonly remote: Remote;
  /** The start of what arrived, as text (possibly empty). */
  readonly excerpt: string;
  /** How many bytes had arrived. */
  readonly bytes: number;
  /** When the connection finished (ms since the epoch). */
  readonly receivedAt: number;
}

/**
 * The complete raw payload of one inbound connection, not yet decoded.
 *
 * ## Example
 * ```ts
 * listenPayloads({ port: 0 }).subscribe((p) => p.kind === 'payload' && console.log(p.bytes.length));
 * ```
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
 * Options of {@link listen} and {@link listenPayloads}. Every limit has a safe default.
 *
 * ## Example
 * ```ts
 * const options: ListenOptions = { host: '127.0.0.1', port: 0, onListening: (a) => console.log(a.port) };
 * ```
 */
export interface ListenOptions {
  /** Address to bind. Default `'0.0.0.0'` (every IPv4 interface). */
  readonly host?: string;
  /** Port to bind; `0` picks a free one (see `onListening`). Default `5000`. */
  readonly port?: number;
  /** Largest accepted payload; a larger one is rejected and its socket destroyed. Default 1 MiB. */
  readonly maxPayloadBytes?: number;
  /** A connection silent for this long is rejected and destroyed. Default 10 000 ms. */
  readonly idleTimeoutMs?: number;
  /** A payload not complete this long after the connection opened is rejected. Default 30 000 ms. */
  readonly payloadTimeoutMs?: number;
  /** Open connections allowed at once; extra ones are refused and reported. Default 1024. */
  readonly maxConnections?: number;
  /**
   * Connections the system may queue before they are accepted (the listen backlog; capped by
   * the system's `somaxconn`). A burst larger than this, e.g. hundreds of units answering at
   * once, may see connections dropped by the system. Default 4096.
   */
  readonly backlog?: number;
  /** Called with the peer's address; returning `false` refuses the connection (reported). */
  readonly allow?: (remoteAddress: string) => boolean;
  /**
   * Take a payload as complete as soon as it is one whole JSON object, without waiting for the
   * peer to end the connection (the socket is then closed by this side, as pycom does). Peers
   * that half-close are unaffected. Default `true`.
   */
  readonly completeOnJson?: boolean;
  /** Called once the server is bound, with the bound address (useful with `port: 0`). */
  readonly onListening?: (address: net.AddressInfo) => void;
}

/** The defaults of {@link ListenOptions}. */
export const LISTEN_DEFAULTS = {
  host: '0.0.0.0',
  port: 5000,
  maxPayloadBytes: 1024 * 1024,
  idleTimeoutMs: 10_000,
  payloadTimeoutMs: 30_000,
  maxConnections: 1024,
  backlog: 4096,
} as const;

/**
 * Removes the `::ffff:` prefix of an IPv4-mapped IPv6 address.
 *
 * ## Example
 * ```ts
 * plainAddress('::ffff:127.0.0.1'); // '127.0.0.1'
 * ```
 * @param address An address as Node.js reports it.
 */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function endsWithBrace(chunk: Buffer): boolean {
  for (let i = chunk.length - 1; i >= 0; i--) {
    const c = chunk[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7d;
  }
  return false;
}

/**
 * A cold Observable of the raw payloads of inbound connections: one item per connection, a
 * {@link Payload} when the peer ended it normally within the limits (or, with `completeOnJson`,
 * as soon as it holds one whole JSON object), otherwise a {@link Rejected}.
 *
 * Binds `host:port` when subscribed; on unsubscribe closes the server and destroys every open
 * socket, so the port can be bound again at once. A bind failure errors with a {@link ListenError}.
 * Items come in the order the connections finished. {@link listen} builds on it to decode events.
 *
 * ## Example
 * ```ts
 * listenPayloads({ port: 0, onListening: (a) => console.log('port', a.port) })
 *   .subscribe((item) => console.log(item.kind));
 * ```
 * @param options Where to bind and the limits.
 * @return An Observable that never completes by itself; unsubscribe to stop.
 */
export function listenPayloads(options: ListenOptions = {}): Observable<Payload | Rejected> {
  const host = options.host ?? LISTEN_DEFAULTS.host;
  const port = options.port ?? LISTEN_DEFAULTS.port;
  const maxBytes = options.maxPayloadBytes ?? LISTEN_DEFAULTS.maxPayloadBytes;
  const idleMs = options.idleTimeoutMs ?? LISTEN_DEFAULTS.idleTimeoutMs;
  const payloadMs = options.payloadTimeoutMs ?? LISTEN_DEFAULTS.payloadTimeoutMs;
  const maxConnections = options.maxConnections ?? LISTEN_DEFAULTS.maxConnections;
  const { allow, onListening } = options;
  const completeOnJson = options.completeOnJson ?? true;

  return new Observable<Payload | Rejected>((subscriber) => {
    const sockets = new Set<net.Socket>();
    let listening = false;
    let closed = false;

    const reject = (
      reason: RejectReason,
      message: string,
      remote: Remote,
      received: Buffer[],
      bytes: number,
    ) => {
      const text = received.length === 0 ? '' : Buffer.concat(received).subarray(0, 400).toString('utf8');
      subscriber.next({
        kind: 'rejected',
        reason,
        message,
        remote,
        excerpt: excerptOf(text),
        bytes,
        receivedAt: Date.now(),
      });
    };

    const server = net.createServer({ allowHalfOpen: false, pauseOnConnect: false }, (socket) => {
      const remote: Remote = { address: plainAddress(socket.remoteAddress), port: socket.remotePort ?? 0 };
      if (allow !== undefined && !allow(remote.address)) {
        socket.destroy();
        reject('not-allowed', `sender ${remote.address} is not allowed`, remote, [], 0);
        return;
      }
      sockets.add(socket);
      const chunks: Buffer[] = [];
      let bytes = 0;
      let done = false;
      const finish = (reason: RejectReason | undefined, message: string) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        sockets.delete(socket);
        if (closed) {
          socket.destroy();
        } else if (reason === undefined) {
          // hand the payload over first, then close: the event reaches the application sooner
          const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
          subscriber.next({ kind: 'payload', bytes: payload, remote, receivedAt: Date.now() });
          socket.destroy();
        } else {
          socket.destroy();
          reject(reason, message, remote, chunks, bytes);
        }
      };
      const deadline = setTimeout(
        () => finish('too-slow', `payload not complete within ${payloadMs} ms`),
        payloadMs,
      );
      socket.setTimeout(idleMs, () => finish('idle-timeout', `no data for ${idleMs} ms`));
      let checkScheduled = false;
      // Runs after any 'end' that arrived with the data, so peers that end pay nothing for it.
      const checkComplete = () => {
        checkScheduled = false;
        if (done) return;
        try {
          const value: unknown = JSON.parse(Buffer.concat(chunks, bytes).toString('utf8'));
          if (typeof value === 'object' && value !== null) finish(undefined, '');
        } catch {
          // not complete yet: wait for more data or the peer's end
        }
      };
      socket.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          chunks.push(chunk.subarray(0, Math.max(0, 400 - (bytes - chunk.length))));
          finish('too-large', `payload larger than ${maxBytes} bytes`);
          return;
        }
        chunks.push(chunk);
        if (completeOnJson && !checkScheduled && endsWithBrace(chunk)) {
          checkScheduled = true;
          setImmediate(checkComplete);
        }
      });
      socket.on('end', () => finish(undefined, ''));
      socket.on('error', (err: NodeJS.ErrnoException) =>
        finish('reset', `connection aborted by the peer (${err.code ?? err.message})`),
      );
      socket.on('close', () => finish('reset', 'connection closed before the payload ended'));
    });

    server.maxConnections = maxConnections;
    server.on('drop', (data) => {
      const remote: Remote = { address: plainAddress(data?.remoteAddress), port: data?.remotePort ?? 0 };
      if (!closed) {
        reject('too-many-connections', `refused: ${maxConnections} connections already open`, remote, [], 0);
      }
    });
    server.on('error', (err: NodeJS.ErrnoException) => {
      if (closed) return;
      subscriber.error(new ListenError(host, port, listening ? 'other' : listenCause(err.code), err.code));
    });
    server.listen({ host, port, backlog: options.backlog ?? LISTEN_DEFAULTS.backlog }, () => {
      listening = true;
      const address = server.address();
      if (onListening !== undefined && address !== null && typeof address === 'object') onListening(address);
    });

    return () => {
      closed = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      server.close();
      server.removeAllListeners('connection');
    };
  });
}
