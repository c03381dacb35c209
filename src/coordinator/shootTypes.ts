import type { Sequence } from '../sequence/registers';
import type { CompletionRules } from './completionRules';
import type { SequenceFailureReason, SequenceProgress } from './sequenceProgress';

/**
 * Options of {@link Coordinator.shoot}.
 *
 * ## Example
 * ```ts
 * const options: ShootOptions = { loadDeadlineMs: 20_000, dryRun: false };
 * ```
 * @category Coordinator
 */
export interface ShootOptions {
  /** Phase 1's deadline: every unit must have confirmed its load within it, or none is fired. Default 30 000 ms. */
  readonly loadDeadlineMs?: number;
  /**
   * What to do with a unit lost after it was fired (phase 2): only `'report'` (it is reported,
   * never fired again). Default `'report'`.
   */
  readonly onLost?: 'report';
  /** Upload as the standalone sequence (`uSeqStandalone`); implies `dryRun` semantics for firing: never fired. Default `false`. */
  readonly standalone?: boolean;
  /** Phase 1 only: upload and load everywhere, report who is ready, fire nothing. Default `false`. */
  readonly dryRun?: boolean;
  /** Completion rules for this shot (see `COMPLETION_RULES`), over the coordinator's. */
  readonly completion?: Partial<CompletionRules>;
  /** Time allowed for each command's output, in ms (as `runSequence`'s `stepTimeoutMs`). */
  readonly stepTimeoutMs?: number;
  /** Time allowed from the fire to the completion, in ms (as `runSequence`'s `runTimeoutMs`). */
  readonly runTimeoutMs?: number;
}

/**
 * Where one unit of a shot stands.
 * - `loading`: its upload and load are under way (phase 1);
 * - `ready`: boardio confirmed the load; waiting for the others;
 * - `fired`: `runSeq` was handed to the unit (phase 2);
 * - `completed`: it finished playing;
 * - `failed`: it failed (see `reason` / `message`); before the fire, nothing is fired anywhere;
 * - `not-fired`: it was ready, but another unit failed to load (or `dryRun`), so it was not fired.
 * @category Coordinator
 */
export type ShootUnitState = 'loading' | 'ready' | 'fired' | 'completed' | 'failed' | 'not-fired';

/**
 * Why a unit of a shot failed: a {@link SequenceFailureReason}, or `'deadline'` (phase 1 ran out
 * of time), or `'lost'` (the unit stopped answering heartbeats).
 * @category Coordinator
 */
export type ShootFailureReason = SequenceFailureReason | 'deadline' | 'lost';

/**
 * One item of a shot: a unit's new state, or the summary at the end.
 *
 * ## Example
 * ```ts
 * coordinator.shoot(units, sequence).subscribe((e: ShootEvent) =>
 *   e.kind === 'unit' ? console.log(e.unit, e.state) : console.log('spread', e.fireSpreadMs, 'ms'),
 * );
 * ```
 * @category Coordinator
 */
export type ShootEvent =
  | {
      /** A unit changed state. */
      readonly kind: 'unit';
      /** The unit's host. */
      readonly unit: string;
      /** Its new state. */
      readonly state: ShootUnitState;
      /** When (the coordinator's scheduler time, ms). */
      readonly at: number;
      /** For `failed`: the code. */
      readonly reason?: ShootFailureReason;
      /** For `failed` and `not-fired`: the text. */
      readonly message?: string;
      /** The underlying sequence step that caused it, when there is one. */
      readonly progress?: SequenceProgress;
    }
  | {
      /** The end of the shot. */
      readonly kind: 'summary';
      /** `completed`: every unit completed; `not-fired`: a load failed, nothing was fired; `partial`: fired, some did not complete; `dry-run`: loaded only. */
      readonly outcome: 'completed' | 'not-fired' | 'partial' | 'dry-run';
      /** Per unit, in the order given. */
      readonly units: ReadonlyArray<ShootUnitSummary>;
      /** Time from the first `runSeq` handed over to the last, in ms (absent when nothing was fired). */
      readonly fireSpreadMs?: number;
    };

/**
 * One unit in a shot's summary.
 * @category Coordinator
 */
export interface ShootUnitSummary {
  /** The unit's host. */
  readonly unit: string;
  /** Its last state. */
  readonly state: ShootUnitState;
  /** When its load was confirmed. */
  readonly loadedAt?: number;
  /** When `runSeq` was handed over to it (the unit accepted the connection's request). */
  readonly firedAt?: number;
  /** When it completed. */
  readonly completedAt?: number;
  /** From fired to completed, in ms. */
  readonly runMs?: number;
  /** Why it failed. */
  readonly reason?: ShootFailureReason;
  /** The text. */
  readonly message?: string;
}

/**
 * The sequence of a shot: one for every unit, or one per unit.
 * @category Coordinator
 */
export type ShotSequence = Sequence | ((unit: string) => Sequence);
