/**
 * The names of pycom-rx's diagnostic channels (`node:diagnostics_channel`), one per part of the
 * library. Each name is also a `DEBUG` namespace (`DEBUG=pycom-rx:inbound`).
 *
 * - `pycom-rx:inbound`: every inbound item of the listener, an event or a rejected payload
 *   (the `Inbound` item itself);
 * - `pycom-rx:heartbeat`: every heartbeat of a coordinator, delivered or not (`HeartbeatDiagnostic`);
 * - `pycom-rx:command`: every command of a coordinator: sent, then answered, timed out, failed or
 *   cancelled (`CommandDiagnostic`);
 * - `pycom-rx:presence`: presence changes of units (the `Presence` itself);
 * - `pycom-rx:console`: the console's refused requests and started jobs (`ConsoleDiagnostic`).
 *
 * ## Example
 * ```ts
 * import diagnosticsChannel from 'node:diagnostics_channel';
 * diagnosticsChannel.subscribe(CHANNEL_NAMES.inbound, (item) => metrics.count(item));
 * ```
 */
export const CHANNEL_NAMES = {
  inbound: 'pycom-rx:inbound',
  heartbeat: 'pycom-rx:heartbeat',
  command: 'pycom-rx:command',
  presence: 'pycom-rx:presence',
  console: 'pycom-rx:console',
} as const;

/**
 * One of {@link CHANNEL_NAMES}.
 *
 * ## Example
 * ```ts
 * const name: ChannelName = 'pycom-rx:inbound';
 * ```
 */
export type ChannelName = (typeof CHANNEL_NAMES)[keyof typeof CHANNEL_NAMES];

/**
 * What `pycom-rx:heartbeat` carries: a heartbeat reached a unit (`delivered`: it took the
 * connection and closed it) or not (`failed`).
 *
 * ## Example
 * ```ts
 * const d: HeartbeatDiagnostic = { unit: '192.168.0.23', port: 5000, outcome: 'failed', error: 'connect: ECONNREFUSED' };
 * ```
 */
export interface HeartbeatDiagnostic {
  /** The unit's host. */
  readonly unit: string;
  /** The unit's port. */
  readonly port: number;
  /** Whether the unit took it. */
  readonly outcome: 'delivered' | 'failed';
  /** Why not, when `failed`. */
  readonly error?: string;
}

/**
 * What `pycom-rx:command` carries: one step of a command's life.
 *
 * ## Example
 * ```ts
 * const d: CommandDiagnostic = { unit: '192.168.0.23', command: 'uptime', phase: 'output', ms: 41, exitCode: 0 };
 * ```
 */
export interface CommandDiagnostic {
  /** The unit's host. */
  readonly unit: string;
  /** The shell command, as the caller gave it. */
  readonly command: string;
  /** `sent`, then `output`, `timeout`, `failed` or `cancelled`. */
  readonly phase: 'sent' | 'output' | 'timeout' | 'failed' | 'cancelled';
  /** From sending to the outcome, in ms. */
  readonly ms?: number;
  /** The exit status, for a tagged command's output. */
  readonly exitCode?: number;
  /** Why, when `failed`. */
  readonly error?: string;
}

/**
 * What `pycom-rx:console` carries: a refused request, or a job started from the page.
 *
 * ## Example
 * ```ts
 * const d: ConsoleDiagnostic = { kind: 'refused', method: 'GET', path: '/api/state', status: 401, reason: 'missing or wrong token' };
 * ```
 */
export type ConsoleDiagnostic =
  | {
      /** A request was refused. */ readonly kind: 'refused';
      /** Its method. */ readonly method: string;
      /** Its path (no query: the token stays out of logs). */ readonly path: string;
      /** The status answered. */ readonly status: number;
      /** Why. */ readonly reason: string;
    }
  | {
      /** A job was started. */ readonly kind: 'job';
      /** Its number. */ readonly id: number;
      /** `sequence` or `command`. */ readonly job: 'sequence' | 'command';
      /** What runs. */ readonly title: string;
      /** On how many units. */ readonly units: number;
    };
