import type { CoordinatorStats, PresenceState, SequenceFailureReason, SequenceStep } from '../coordinator';
import type { ShootFailureReason, ShootUnitState } from '../coordinator/shootTypes';
import type { PycomEvent } from '../protocol';

/**
 * What the console knows of one unit: one row of the page's grid.
 *
 * ## Example
 * ```ts
 * const row: UnitRow = { address: '127.0.0.2', presence: { state: 'pending', since: Date.now() } };
 * ```
 */
export interface UnitRow {
  /** The unit as given to the console: `host`, or `host:port` when the port is not 5000. */
  readonly address: string;
  /** The unit's id, once it has spoken. */
  readonly id?: string;
  /** Its presence, as `coordinator.connect()` reports it. */
  readonly presence: {
    /** `pending`, `connected` or `lost`. */
    readonly state: PresenceState;
    /** When it entered that state (ms since the epoch). */
    readonly since: number;
    /** Why it is `lost`, in words. */
    readonly message?: string;
  };
  /** From the unit's `unit_info`, once received. */
  readonly info?: {
    /** `firmware_version`. */ readonly firmware: string;
    /** `boardio_version`. */ readonly boardio: string;
    /** `wiringpi_version`. */ readonly wiringpi: string;
    /** `mcu_type`. */ readonly mcu: string;
    /** `mac_address`. */ readonly mac: string;
    /** `unit_type`. */ readonly unitType: string;
  };
  /** The last event the unit sent. */
  readonly lastEvent?: LogEntry;
  /** Its command round trips, from `coordinator.stats$` (once a command answered). */
  readonly latency?: CoordinatorStats['latency'][string];
}

/**
 * One event as the console shows it: when it arrived, and the event.
 *
 * ## Example
 * ```ts
 * const entry: LogEntry = { at: Date.now(), event };
 * ```
 */
export interface LogEntry {
  /** When the console received it (ms since the epoch). */
  readonly at: number;
  /** The event, as decoded. */
  readonly event: PycomEvent;
}

/**
 * Where a sequence stands on one unit: the steps reached in order, then `failed` with its reason.
 *
 * ## Example
 * ```ts
 * const p: SequenceUnitProgress = { steps: ['uploaded', 'loaded'] };
 * ```
 */
export interface SequenceUnitProgress {
  /** The steps reached, in order: `uploaded`, `loaded`, `started`, `completed`. */
  readonly steps: ReadonlyArray<'uploaded' | 'loaded' | 'started' | 'completed'>;
  /** The last message from the unit that answered no step (reported, not dropped). */
  readonly message?: string;
  /** How long the unit took, from the job's start to `completed` or `failed` (ms); absent while it runs. */
  readonly ms?: number;
  /** Set when a step failed; nothing follows. */
  readonly failed?: {
    /** The step that failed. */
    readonly failedStep: SequenceStep;
    /** What kind of failure, a code. */
    readonly reason: SequenceFailureReason;
    /** What happened, in one line. */
    readonly message: string;
  };
}

/**
 * What a shell command did on one unit.
 *
 * ## Example
 * ```ts
 * const r: CommandUnitResult = { status: 'done', output: 'up 3 days\n', exitCode: 0 };
 * ```
 */
export interface CommandUnitResult {
  /** `running` until the output came (`done`) or the command failed (`failed`). */
  readonly status: 'running' | 'done' | 'failed';
  /** What the command printed. */
  readonly output?: string;
  /** Its exit status, when the coordinator reports one. */
  readonly exitCode?: number;
  /** Why it failed (not sent, no output in time...). */
  readonly error?: string;
  /** How long the unit took, from the job's start to its output or failure (ms); absent while it runs. */
  readonly ms?: number;
}

/**
 * Where one unit of a shot (`coordinator.shoot`) stands.
 *
 * ## Example
 * ```ts
 * const p: ShootUnitProgress = { state: 'fired', firedMs: 0.4 };
 * ```
 */
export interface ShootUnitProgress {
  /** `loading`, `ready`, `fired`, `completed`, `failed` or `not-fired`. */
  readonly state: ShootUnitState;
  /** For `failed`: a code. */
  readonly reason?: ShootFailureReason;
  /** For `failed` and `not-fired`: what happened, in one line. */
  readonly message?: string;
  /** How long the unit took, from the job's start to `completed`, `failed` or `not-fired` (ms). */
  readonly ms?: number;
  /** When it was fired, in ms after the shot's first fire. */
  readonly firedMs?: number;
}

/**
 * A job started from the page: a sequence (a preset or a CSV), a shot (the same, on every unit
 * together or none) or a shell command on some units.
 *
 * ## Example
 * ```ts
 * const job: Job = { id: 1, kind: 'command', title: 'uptime', startedAt: Date.now(), done: false, units: {} };
 * ```
 */
export type Job =
  | {
      /** A number, unique in this console. */ readonly id: number;
      /** A sequence run. */ readonly kind: 'sequence';
      /** What runs (preset name or `CSV, n rows`). */ readonly title: string;
      /** When it started. */ readonly startedAt: number;
      /** Every unit completed or failed. */ readonly done: boolean;
      /** The progress of each unit, by address. */
      readonly units: Readonly<Record<string, SequenceUnitProgress>>;
    }
  | {
      /** A number, unique in this console. */ readonly id: number;
      /** A shot: loaded on every unit, then fired on all together, or on none. */ readonly kind: 'shoot';
      /** What is shot (preset name or `CSV, n rows`). */ readonly title: string;
      /** When it started. */ readonly startedAt: number;
      /** The shot ended. */ readonly done: boolean;
      /** Where each unit stands, by address. */
      readonly units: Readonly<Record<string, ShootUnitProgress>>;
      /** At the end: `completed`, `not-fired` (a load failed, nothing fired), `partial` or `dry-run`. */
      readonly outcome?: 'completed' | 'not-fired' | 'partial' | 'dry-run';
      /** At the end: from the first `runSeq` handed over to the last, in ms (absent when nothing was fired). */
      readonly fireSpreadMs?: number;
    }
  | {
      /** A number, unique in this console. */ readonly id: number;
      /** A shell command. */ readonly kind: 'command';
      /** The command. */ readonly title: string;
      /** When it started. */ readonly startedAt: number;
      /** Every unit answered or failed. */ readonly done: boolean;
      /** The result of each unit, by address. */
      readonly units: Readonly<Record<string, CommandUnitResult>>;
    };

/**
 * Everything the page needs to draw itself, sent first on every event stream.
 *
 * ## Example
 * ```ts
 * const snapshot: ConsoleSnapshot = {
 *   coordinator: { id: 'a1b2c3d4' },
 *   units: [],
 *   jobs: [],
 *   figures: { commands: { ok: 0, failed: 0, running: 0 }, sequences: { completed: 0, failed: 0, running: 0 } },
 * };
 * ```
 */
export interface ConsoleSnapshot {
  /** The coordinator. */
  readonly coordinator: {
    /** Its id, as sent to units. */
    readonly id: string;
    /** Where its listener is bound (`host:port`), once bound. */
    readonly listening?: string;
  };
  /** The grid, in the order the units were given. */
  readonly units: ReadonlyArray<UnitRow>;
  /** The recent jobs, oldest first. */
  readonly jobs: ReadonlyArray<Job>;
  /** The last value of `coordinator.stats$`. */
  readonly stats?: CoordinatorStats;
  /** The outcomes of every job run from this console, counted from the jobs' own rows. */
  readonly figures: JobFigures;
}

/**
 * The outcomes of the jobs run from a console since it started, counted per unit from the same
 * results the job rows show (jobs the console no longer keeps included).
 *
 * - `commands`: `ok` exited 0; `failed` exited non-zero, or ended without an exit status (not
 *   sent, no output in time, output rejected: the row shows why); `running` not answered yet.
 * - `sequences`: `completed`, `failed` at some step, `running`.
 *
 * ## Example
 * ```ts
 * const figures: JobFigures = {
 *   commands: { ok: 0, failed: 3, running: 0 },
 *   sequences: { completed: 3, failed: 0, running: 0 },
 * };
 * ```
 */
export interface JobFigures {
  /** Shell commands, one per unit of each command job. */
  readonly commands: { readonly ok: number; readonly failed: number; readonly running: number };
  /** Sequences, one per unit of each sequence job. */
  readonly sequences: { readonly completed: number; readonly failed: number; readonly running: number };
}

/**
 * A change the console pushes to the page.
 *
 * ## Example
 * ```ts
 * const change: ConsoleChange = { kind: 'unit', row };
 * ```
 */
export type ConsoleChange =
  | {
      /** A unit's row changed. */ readonly kind: 'unit';
      /** The whole new row. */ readonly row: UnitRow;
    }
  | {
      /** A job progressed. */ readonly kind: 'job';
      /** The whole job. */ readonly job: Job;
    }
  | {
      /** New coordinator statistics. */ readonly kind: 'stats';
      /** The value of `coordinator.stats$`. */ readonly stats: CoordinatorStats;
    }
  | {
      /** A job's outcome changed the figures. */ readonly kind: 'figures';
      /** Every job's outcomes, counted again. */ readonly figures: JobFigures;
    };
