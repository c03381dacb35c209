import * as net from 'node:net';
import { Observable } from 'rxjs';

/**
 * The answer of {@link probe}: whether something accepted a TCP connection on `host:port`.
 *
 * ## Example
 * ```ts
 * const result: ProbeResult = { host: '192.168.0.23', port: 5000, open: true, ms: 3 };
 * ```
 */
export interface ProbeResult {
  /** The address probed. */
  readonly host: string;
  /** The port probed. */
  readonly port: number;
  /** `true` when the connection was accepted. */
  readonly open: boolean;
  /** How long the probe took, in ms. */
  readonly ms: number;
  /** Why it is not open: a system error code (`ECONNREFUSED`, `EHOSTUNREACH`...) or `'timeout'`. */
  readonly reason?: string;
}

/**
 * Tries a TCP connection to `host:port` and closes it as soon as it is established, without
 * writing a byte (harmless to pycom, which just sees an empty connection). Emits one
 * {@link ProbeResult} and completes; never errors. Unsubscribing destroys the socket.
 *
 * ## Example
 * ```ts
 * probe('192.168.0.23', 5000, 300).subscribe((r) => console.log(r.open ? 'pycom may be there' : r.reason));
 * ```
 * @param host The address to probe.
 * @param port The TCP port.
 * @param timeoutMs Give up (not open) when not connected within this time.
 */
export function probe(host: string, port: number, timeoutMs: number): Observable<ProbeResult> {
  return new Observable<ProbeResult>((subscriber) => {
    const started = Date.now();
    const socket = net.connect({ host, port });
    const done = (open: boolean, reason?: string) => {
      if (subscriber.closed) return;
      clearTimeout(timer);
      socket.destroy();
      subscriber.next({
        host,
        port,
        open,
        ms: Date.now() - started,
        ...(reason === undefined ? {} : { reason }),
      });
      subscriber.complete();
    };
    const timer = setTimeout(() => done(false, 'timeout'), timeoutMs);
    socket.once('connect', () => done(true));
    socket.on('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
    return () => {
      clearTimeout(timer);
      socket.destroy();
    };
  });
}
