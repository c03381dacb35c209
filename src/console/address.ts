import { PYCOM_PORT } from '../transport';

/**
 * A unit of the console: where it is, and how the page names it.
 *
 * ## Example
 * ```ts
 * const unit: ConsoleUnit = { host: '127.0.0.2', port: 5000, address: '127.0.0.2' };
 * ```
 */
export interface ConsoleUnit {
  /** The unit's host. */
  readonly host: string;
  /** Its pycom port. */
  readonly port: number;
  /** `host`, or `host:port` when the port is not 5000: the unit's name on the page and in the API. */
  readonly address: string;
}

/**
 * The console's view of a unit given as `{ host, port? }`.
 *
 * ## Example
 * ```ts
 * consoleUnit({ host: '127.0.0.2' }); // { host: '127.0.0.2', port: 5000, address: '127.0.0.2' }
 * ```
 * @param target The unit.
 */
export function consoleUnit(target: { readonly host: string; readonly port?: number }): ConsoleUnit {
  const port = target.port ?? PYCOM_PORT;
  return { host: target.host, port, address: port === PYCOM_PORT ? target.host : `${target.host}:${port}` };
}
