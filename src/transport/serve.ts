import * as net from 'node:net';
import { Observable } from 'rxjs';
import { excerptOf } from '../protocol/decode';
import { ConnectionPool } from './connectionPool';
import { ListenError, listenCause } from './errors';
import { ConnectionClock, InboundConnection, type ConnectionOutcome } from './inboundConnection';
import type { Rejected, Remote } from '../protocol/inbound';
import { LISTEN_DEFAULTS, plainAddress, type ListenOptions, type Payload } from './listenOptions';

/**
 * The inbound server behind `listenPayloads` and {@link listen}: binds on subscribe, reads
 * each connection through the fair pool, and turns each complete payload into an item with
 * `take`. When `take` returns a {@link Rejected} (e.g. the payload does not decode), the
 * connection is reset rather than closed, so that its sender sees an error.
 *
 * @param options Checked options (see {@link LISTEN_RULES}).
 * @param take Turns a payload into the item to emit, or into a rejection.
 * @category Transport
 */
export function serve<T extends object>(
  options: ListenOptions,
  take: (payload: Payload) => T | Rejected,
): Observable<T | Rejected> {
  const host = options.host ?? LISTEN_DEFAULTS.host;
  const port = options.port ?? LISTEN_DEFAULTS.port;
  const limits = {
    maxPayloadBytes: options.maxPayloadBytes ?? LISTEN_DEFAULTS.maxPayloadBytes,
    idleTimeoutMs: options.idleTimeoutMs ?? LISTEN_DEFAULTS.idleTimeoutMs,
    payloadTimeoutMs: options.payloadTimeoutMs ?? LISTEN_DEFAULTS.payloadTimeoutMs,
    completeOnJson: options.completeOnJson ?? true,
  };
  const poolLimits = {
    maxConnections: options.maxConnections ?? LISTEN_DEFAULTS.maxConnections,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? LISTEN_DEFAULTS.maxConnectionsPerAddress,
    maxWaiting: options.maxWaiting ?? LISTEN_DEFAULTS.maxWaiting,
    evictAfterMs: options.evictAfterMs ?? LISTEN_DEFAULTS.evictAfterMs,
  };
  const { allow, onListening } = options;

  return new Observable<T | Rejected>((subscriber) => {
    const pool = new ConnectionPool<InboundConnection>(poolLimits);
    // the deadlines of every connection, and the set of live ones
    const clock = new ConnectionClock(limits);
    let listening = false;
    let closed = false;

    const rejected = (
      remote: Remote,
      reason: Rejected['reason'],
      message: string,
      head: Buffer,
      bytes: number,
    ) =>
      ({
        kind: 'rejected',
        reason,
        message,
        remote,
        excerpt: excerptOf(head.length === 0 ? '' : head.toString('utf8')),
        bytes,
        receivedAt: Date.now(),
      }) satisfies Rejected;

    const onOutcome = (outcome: ConnectionOutcome, connection: InboundConnection): boolean => {
      if (closed) return false;
      const { remote } = connection;
      if (outcome.kind === 'rejected') {
        subscriber.next(rejected(remote, outcome.reason, outcome.message, outcome.head, outcome.bytes));
        return false;
      }
      const item = take({ kind: 'payload', bytes: outcome.bytes, remote, receivedAt: Date.now() });
      subscriber.next(item);
      // a decoded event has a type_ (and may carry any unknown field, even `kind`); a rejection has none
      return 'type_' in item || (item as { readonly kind?: unknown }).kind !== 'rejected';
    };
    const onDone = (connection: InboundConnection) => pool.release(connection);

    const server = net.createServer({ allowHalfOpen: false, pauseOnConnect: true }, (socket) => {
      const remote: Remote = { address: plainAddress(socket.remoteAddress), port: socket.remotePort ?? 0 };
      if (closed) {
        socket.destroy();
        return;
      }
      if (allow !== undefined && !allow(remote.address)) {
        socket.on('error', () => undefined);
        socket.resetAndDestroy();
        subscriber.next(
          rejected(remote, 'not-allowed', `sender ${remote.address} is not allowed`, Buffer.alloc(0), 0),
        );
        return;
      }
      pool.admit(new InboundConnection(socket, remote, limits, onOutcome, onDone, clock));
    });

    server.on('error', (err: NodeJS.ErrnoException) => {
      if (closed) return;
      // out of descriptors while accepting: the system drops that connection; keep serving
      if (listening && err.syscall === 'accept') return;
      subscriber.error(
        new ListenError(host, port, listening ? 'other' : listenCause(err.code), err.code, err),
      );
    });
    server.listen({ host, port, backlog: options.backlog ?? LISTEN_DEFAULTS.backlog }, () => {
      listening = true;
      const address = server.address();
      if (onListening !== undefined && address !== null && typeof address === 'object') onListening(address);
    });

    return () => {
      closed = true;
      pool.close();
      for (const connection of [...clock.live]) connection.abort();
      clock.close();
      server.close();
      server.removeAllListeners('connection');
    };
  });
}
