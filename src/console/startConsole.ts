import type { AddressInfo } from 'node:net';
import type { RunSequenceOptions } from '../coordinator';
import { consoleUnit } from './address';
import { loadAssets } from './assets';
import { newToken } from './auth';
import type { ConsoleCoordinator } from './coordinator';
import { ConsoleModel } from './model';
import { serveConsole } from './server';

/**
 * Options of {@link startConsole}.
 *
 * ## Example
 * ```ts
 * const options: ConsoleOptions = { coordinator, units: [{ host: '192.168.0.23' }], port: 8080 };
 * ```
 */
export interface ConsoleOptions {
  /** The coordinator the console drives (created and closed by the caller). */
  readonly coordinator: ConsoleCoordinator;
  /** The units shown, in the grid's order; the page can act on these only. */
  readonly units: ReadonlyArray<{ readonly host: string; readonly port?: number }>;
  /** The address the page is served on. Default `'127.0.0.1'`: this machine only. */
  readonly host?: string;
  /** The port (0: any free port). Default 0. */
  readonly port?: number;
  /** The token; default: a new random one (192 bits). */
  readonly token?: string;
  /** How many recent events a page gets when it opens. Default 300. */
  readonly logCapacity?: number;
  /** Timeouts of the sequences run from the page. */
  readonly sequence?: RunSequenceOptions;
}

/**
 * A running console.
 *
 * ## Example
 * ```ts
 * const rig = await startConsole({ coordinator, units });
 * console.log(rig.url);
 * await rig.close();
 * ```
 */
export interface RunningConsole {
  /** The page's address with the token: `http://127.0.0.1:PORT/?token=...`. */
  readonly url: string;
  /** The token. */
  readonly token: string;
  /** Where the HTTP server listens. */
  readonly address: AddressInfo;
  /** The state the page shows. */
  readonly model: ConsoleModel;
  /** Stops heartbeats and jobs, ends every page's stream, closes the server. The coordinator stays open. */
  close(): Promise<void>;
}

const urlHost = (address: AddressInfo): string => {
  const host =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return address.family === 'IPv6' || host.includes(':') ? `[${host}]` : host;
};

/**
 * Starts the rig console: heartbeats to every unit through the coordinator, and a local web page
 * with the grid of units, the live event log, sequences and shell commands. A thin layer: all
 * the work is the coordinator's.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ listen: { port: 5000 } });
 * const rig = await startConsole({ coordinator, units: [{ host: '192.168.0.23' }] });
 * console.log(`open ${rig.url}`);
 * ```
 * @param options Coordinator, units, address, token.
 * @throws ListenError when the page's address cannot be bound.
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const assets = loadAssets();
  const model = new ConsoleModel(options.coordinator, options.units.map(consoleUnit), {
    ...(options.logCapacity === undefined ? {} : { logCapacity: options.logCapacity }),
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
  });
  model.start();
  let served;
  try {
    served = await serveConsole({ model, assets, token, host, port: options.port ?? 0 });
  } catch (e) {
    model.close();
    throw e;
  }
  const { address } = served;
  const close = served.close;
  return {
    url: `http://${urlHost(address)}:${address.port}/?token=${token}`,
    token,
    address,
    model,
    close: async () => {
      await close();
      model.close();
    },
  };
}
