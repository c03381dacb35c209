import { catchError, defer, map, type Observable, of } from 'rxjs';
import { LIBRARY_VERSION, randomId } from '../coordinator/identity';
import type { Heartbeat } from '../protocol/requests';
import { SendError } from '../transport/errors';
import { send, type LocalAddress } from '../transport/send';

/**
 * The answer of `probe`: whether something accepted a connection on `host:port`.
 *
 * ## Example
 * ```ts
 * const result: ProbeResult = { host: '192.168.0.23', port: 5000, open: true, ms: 3 };
 * ```
 * @category Coordinator
 */
export interface ProbeResult {
  /** The address probed. */
  readonly host: string;
  /** The port probed. */
  readonly port: number;
  /** `true` when something accepted the connection (the heartbeat is then written to it). */
  readonly open: boolean;
  /** How long the probe took, in ms. */
  readonly ms: number;
  /** Why it is not open: a system error code (`ECONNREFUSED`, `EHOSTUNREACH`...) or `'timeout'`. */
  readonly reason?: string;
}

/**
 * Options of `probe`.
 *
 * ## Example
 * ```ts
 * const options: ProbeOptions = { host: '192.168.0.23', connectTimeoutMs: 300 };
 * ```
 * @category Coordinator
 */
export interface ProbeOptions {
  /** The address to probe. */
  readonly host: string;
  /** The TCP port. Default 5000 (pycom's). */
  readonly port?: number;
  /** Give up (not open) when not connected within this time. Default 300 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Time allowed to hand the heartbeat over once connected; a peer that keeps the connection
   * open after taking it counts as open when this has passed. Default 1 000 ms.
   */
  readonly handOverTimeoutMs?: number;
  /** The local address to probe from (default: chosen by the system). */
  readonly localAddress?: string;
  /**
   * The heartbeat written, or a function of the local address that returns it. Default
   * {@link probeHeartbeat}: a heartbeat with `coordinator: false`.
   */
  readonly heartbeat?: Heartbeat | ((local: LocalAddress) => Heartbeat);
}

/**
 * The defaults of {@link ProbeOptions}.
 * @category Coordinator
 */
export const PROBE_DEFAULTS = { port: 5000, connectTimeoutMs: 300, handOverTimeoutMs: 1_000 } as const;

/**
 * The heartbeat a probe writes by default: a well-formed request that pycom can parse, with
 * `coordinator: false`, so that it never makes a unit adopt this machine as its coordinator
 * (pycom sends `unit_info` only to senders of `coordinator: true`).
 *
 * ## Example
 * ```ts
 * probeHeartbeat({ address: '192.168.0.100', port: 40312 });
 * // { id: '1f0c2a9b', name: 'pycom-rx-discover', ip: '192.168.0.100', port: 5000, version: '0.1.0', coordinator: false }
 * ```
 * @param local The local end of the probe's connection (its address becomes `ip`).
 * @param id The sender id (default: a random one, in the vendor's format).
 * @category Coordinator
 */
export function probeHeartbeat(local: LocalAddress, id: string = randomId()): Heartbeat {
  return {
    id,
    name: 'pycom-rx-discover',
    ip: local.address,
    port: PROBE_DEFAULTS.port,
    version: LIBRARY_VERSION,
    coordinator: false,
  };
}

/**
 * Probes `host:port` with a real heartbeat: connects, writes the heartbeat, ends, and waits for
 * the peer to close, as any request to pycom goes. A unit thus never receives a request it
 * cannot parse (an empty connection is a malformed request to pycom). Emits one
 * {@link ProbeResult} and completes; never errors. Unsubscribing destroys the socket.
 *
 * ## Example
 * ```ts
 * probe({ host: '192.168.0.23', connectTimeoutMs: 300 }).subscribe((r) => console.log(r.open ? 'pycom may be there' : r.reason));
 * ```
 * @param options The address, port, timeouts and the heartbeat.
 * @throws {@link OptionError} when the port or a timeout is invalid (at call time).
 * @category Coordinator
 */
export function probe(options: ProbeOptions): Observable<ProbeResult> {
  const { host } = options;
  const port = options.port ?? PROBE_DEFAULTS.port;
  const heartbeat = options.heartbeat ?? ((local: LocalAddress) => probeHeartbeat(local));
  return defer(() => {
    const started = Date.now();
    let connected = false;
    const result = (reason?: string): ProbeResult => ({
      host,
      port,
      open: connected,
      ms: Date.now() - started,
      ...(reason === undefined || connected ? {} : { reason }),
    });
    return send({ host, port }, heartbeat, {
      connectTimeoutMs: options.connectTimeoutMs ?? PROBE_DEFAULTS.connectTimeoutMs,
      timeoutMs: options.handOverTimeoutMs ?? PROBE_DEFAULTS.handOverTimeoutMs,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      onConnect: () => (connected = true),
    }).pipe(
      map(() => result()),
      catchError((e: unknown) =>
        of(
          result(e instanceof SendError ? (e.code ?? e.reason) : e instanceof Error ? e.message : String(e)),
        ),
      ),
    );
  });
}
