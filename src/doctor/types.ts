import type { SchedulerLike } from 'rxjs';
import type { CoordinatorOptions } from '../coordinator/types';

/**
 * The checks of {@link doctor}, in the order they run on a unit (the ids of the `check` field of
 * `ASSUMPTIONS`):
 * - `heartbeat`: the unit takes a heartbeat (a refused or unanswered one skips the rest);
 * - `unit-info`: its `unit_info` arrives;
 * - `trailer`: a tagged command's output comes back with its trailer, and how pycom changed it;
 * - `exit-status`: the trailer carries the command's exit status;
 * - `stderr-merged`: a tagged command's stderr is merged into its output (and what pycom itself
 *   sends for a failed untagged command);
 * - `large-output`: an output of 64 KiB comes back whole (else where it was cut);
 * - `latency`: the round trip of a few commands;
 * - `boardiocli`: `boardiocli` is on the PATH of the unit's commands;
 * - `clock`: the unit's clock offset from ours;
 * - `sequence`: (`withSequence`) a harmless sequence runs, and the boardio messages it caused;
 * - `heartbeat-needed`: (`slow`) whether a command is answered after a silence with no heartbeat.
 * @category Coordinator
 */
export type DoctorCheckId =
  | 'heartbeat'
  | 'unit-info'
  | 'trailer'
  | 'exit-status'
  | 'stderr-merged'
  | 'large-output'
  | 'latency'
  | 'boardiocli'
  | 'clock'
  | 'sequence'
  | 'heartbeat-needed';

/**
 * What a check found:
 * - `pass`: the unit does what the library assumes;
 * - `warn`: the unit differs from the vendor's pages or from what the library expects, in a way
 *   the library copes with (the check's `saw` says how);
 * - `fail`: the unit does not do what the library relies on (a report with a failed `relied`
 *   check is not `ok`);
 * - `skip`: not run (an earlier check failed, or the option that runs it was not given).
 * @category Coordinator
 */
export type DoctorStatus = 'pass' | 'warn' | 'fail' | 'skip';

/**
 * One check of one unit.
 *
 * ## Example
 * ```ts
 * const line = (c: DoctorCheck) => `${c.status.toUpperCase().padEnd(4)}  ${c.id}: ${c.saw}`;
 * ```
 * @category Coordinator
 */
export interface DoctorCheck {
  /** Which check. */
  readonly id: DoctorCheckId;
  /** What it checks, in a few words. */
  readonly title: string;
  /** What it found. */
  readonly status: DoctorStatus;
  /** What it saw, in one line: the figures, the exact text where it matters. */
  readonly saw: string;
  /** Whether the library relies on it: a `fail` of such a check makes the report not `ok`. */
  readonly relied: boolean;
  /** The ids of the `ASSUMPTIONS` this check verifies. */
  readonly assumptions: ReadonlyArray<string>;
  /** Measurements and raw texts, for bug reports (`--json`). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * The doctor's findings on one unit.
 *
 * ## Example
 * ```ts
 * doctor('192.168.0.23').subscribe((r: DoctorReport) => console.log(r.unit, r.ok ? 'ok' : 'NOT ok'));
 * ```
 * @category Coordinator
 */
export interface DoctorReport {
  /** The unit, as given (`host` or `host:port`). */
  readonly unit: string;
  /** `true` when no check the library relies on failed. */
  readonly ok: boolean;
  /** Every check, in the order of {@link DoctorCheckId}, skipped ones included. */
  readonly checks: ReadonlyArray<DoctorCheck>;
}

/**
 * Options of {@link doctor}. Every field is optional.
 *
 * ## Example
 * ```ts
 * doctor(['192.168.0.21', '192.168.0.22'], { withSequence: true, coordinator: { listen: { port: 5000 } } });
 * ```
 * @category Coordinator
 */
export interface DoctorOptions {
  /**
   * Options of the coordinator the doctor creates (and closes when done): where it listens, its
   * name... Its `id` is fresh (random) unless given, so that the unit sends `unit_info`.
   */
  readonly coordinator?: CoordinatorOptions;
  /** Time allowed for each answer (a heartbeat, a command's output). Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Time allowed for `unit_info`. Default 15 000 ms. */
  readonly infoTimeoutMs?: number;
  /** How many commands the `latency` check times. Default 5. */
  readonly latencySamples?: number;
  /**
   * Upload and run a harmless sequence (`MODEL_LIGHT,0`: the model light off) and record boardio's
   * messages. It replaces `~/la4_sequence.csv` for the run and puts the previous file back (or
   * removes it when there was none). Default `false`.
   */
  readonly withSequence?: boolean;
  /** Time allowed from `runSeq` to `Sequence complete` in the `sequence` check. Default 60 000 ms. */
  readonly sequenceTimeoutMs?: number;
  /** Run the `heartbeat-needed` check: a silence of `silenceMs` with no heartbeat, then a command. Default `false`. */
  readonly slow?: boolean;
  /** The silence of the `heartbeat-needed` check. Default 20 000 ms (pycom forgets after 15 s). */
  readonly silenceMs?: number;
  /** Where time comes from: latencies, the clock offset, the silence. Default RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The defaults of {@link DoctorOptions}.
 * @category Coordinator
 */
export const DOCTOR_DEFAULTS = {
  /** A command's output, a heartbeat's answer. */
  timeoutMs: 10_000,
  /** The coordinator's own default for `unit_info`. */
  infoTimeoutMs: 15_000,
  /** Commands timed by `latency`. */
  latencySamples: 5,
  /** As `runSequence`'s `runTimeoutMs`. */
  sequenceTimeoutMs: 60_000,
  /** pycom forgets a coordinator after 15 s: 5 s more. */
  silenceMs: 20_000,
  /** The size of the `large-output` check's output. */
  largeOutputBytes: 65_536,
} as const;
