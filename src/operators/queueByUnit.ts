import {
  asyncScheduler,
  defer,
  finalize,
  from,
  mergeMap,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { checkOption, RULES } from '../validation/checkOptions';
import { UnitLanes } from './unitLanes';

/**
 * Options of {@link queueByUnit}.
 *
 * ## Example
 * ```ts
 * from(['127.0.0.2', '127.0.0.3']).pipe(
 *   queueByUnit((unit) => unit, (unit) => coordinator.command(unit, 'uptime'), { concurrency: 4, minGapMs: 100 }),
 * );
 * ```
 * @category Operators
 */
export interface QueueByUnitOptions<T = unknown> {
  /** Most projects running at once, all units together. Default `Infinity`. */
  readonly concurrency?: number;
  /** Least time between the end of one item's project and the start of the next of the same unit, in ms. Default 0. */
  readonly minGapMs?: number;
  /** Where the gaps are scheduled. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Asked when an item's turn comes: `true` drops it unprojected, taking neither a slot nor a gap
   * (e.g. a command whose caller stopped waiting while it was queued).
   */
  readonly skip?: (item: T) => boolean;
}

/** A cap of projects at once: a whole number >= 1, or `Infinity`. */
const CONCURRENCY = { ...RULES.count, infinite: true } as const;

/**
 * Projects the items of each unit strictly one at a time, in arrival order, and the units in
 * parallel.
 *
 * Use it to send commands: pycom's outputs carry no request id, so a unit must have at most one
 * command in flight (see {@link awaitOutput}), while several units can be driven at once.
 *
 * - The next item of a unit starts only after the previous one's inner observable completed (or
 *   errored), plus `minGapMs`. The gap holds back only that unit, not the global cap.
 * - At most `concurrency` projects run at once. When a slot frees, the unit that has been ready
 *   to start the longest goes first (FIFO among units), so a busy unit cannot starve the others.
 * - `project` gets the item and its index among all items of the source.
 * - Completes when the source has completed and every queued item has been projected and has
 *   completed (a pending `minGapMs` with nothing queued does not delay completion).
 * - **Errors are not isolated**: an error of an inner (or of `unitOf` / `project`) is the result's
 *   error, as in `mergeMap`, and stops every unit. To keep units independent, map errors to values
 *   inside `project`, e.g. with `catchError`.
 * - Unsubscribing unsubscribes every inner and clears every gap timer.
 *
 * ## Marbles
 * ```text
 * source: -xyz----|    x, y: items of unit A; z: an item of unit B
 *         queueByUnit((i) => i.unit, work)    work(i): ---(I|), three frames, then I
 * result: ----X-ZY|    y waits for x (same unit); z runs beside x
 * ```
 *
 * ## Example
 * ```ts
 * const command$ = from([{ unit: '127.0.0.2', command: 'uptime' }, { unit: '127.0.0.3', command: 'df -h' }]);
 * command$.pipe(
 *   queueByUnit(
 *     (cmd) => cmd.unit,
 *     (cmd) => coordinator.command(cmd.unit, cmd.command).pipe(catchError((error) => of({ cmd, error }))),
 *     { concurrency: 8 },
 *   ),
 * );
 * ```
 * @param unitOf The unit of an item (its id or address); items with the same unit are serialised.
 * @param project Turns an item into the work to do for it.
 * @param options Global concurrency cap and per-unit gap.
 * @return An operator emitting the values of every projection.
 * @throws {@link OptionError} when `concurrency` is not a whole number of at least 1 (or `Infinity`) or
 *   `minGapMs` is not a delay in ms (0 to 2^31 - 1).
 * @category Operators
 */
export function queueByUnit<T, R>(
  unitOf: (item: T) => string,
  project: (item: T, index: number) => ObservableInput<R>,
  options: QueueByUnitOptions<T> = {},
): OperatorFunction<T, R> {
  checkOption('concurrency', options.concurrency, CONCURRENCY);
  checkOption('minGapMs', options.minGapMs, RULES.delayMs);
  const { concurrency = Infinity, minGapMs = 0, scheduler = asyncScheduler, skip } = options;
  return (source) =>
    defer(() => {
      const lanes = new UnitLanes({ concurrency, minGapMs, scheduler });
      return source.pipe(
        mergeMap((item, index) =>
          lanes.run(unitOf(item), () => (skip?.(item) === true ? undefined : from(project(item, index)))),
        ),
        finalize(() => lanes.close()),
      );
    });
}
