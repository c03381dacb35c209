import type { AddressInfo } from 'node:net';
import { createCoordinator, type Coordinator, type CoordinatorOptions } from '../coordinator';
import { LIBRARY_VERSION } from '../coordinator/identity';
import type { GlobalOptions } from './options';

/**
 * A coordinator whose listener is bound, kept bound until `close()`.
 */
export interface Session {
  /** The coordinator. */
  readonly coordinator: Coordinator;
  /** Where its listener is bound (the real port when `--port 0`). */
  readonly address: AddressInfo;
  /** Releases the listener (and anything else the session holds). Idempotent. */
  close(): void;
}

/**
 * Creates a coordinator named `pycom-rx-cli` from the global options and binds its listener at
 * once, so that a port in use is reported before anything is sent.
 *
 * ## Example
 * ```ts
 * const session = await openSession({ host: '0.0.0.0', port: 5000 });
 * session.coordinator.command('192.168.0.23', 'uptime').subscribe((o) => console.log(o.output));
 * ```
 * @param globals `--host`, `--port`, `--timeout` (the command timeout).
 * @param options More coordinator options (override the ones derived from `globals`).
 * @throws ListenError when the listener cannot bind.
 */
export function openSession(globals: GlobalOptions, options: CoordinatorOptions = {}): Promise<Session> {
  const coordinator = createCoordinator({
    name: 'pycom-rx-cli',
    version: LIBRARY_VERSION,
    listen: { host: globals.host, port: globals.port },
    ...(globals.timeout === undefined ? {} : { commandTimeoutMs: globals.timeout }),
    ...options,
  });
  return new Promise<Session>((resolve, reject) => {
    let settled = false;
    const subscription = coordinator.listening$.subscribe({
      next: (address) => {
        if (settled) return;
        settled = true;
        const close = () => {
          subscription.unsubscribe();
          void coordinator.close(); // stops lingering heartbeats at once, so the process can exit
        };
        resolve({ coordinator, address, close });
      },
      error: (e: unknown) => {
        if (settled) return;
        settled = true;
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    });
  });
}
