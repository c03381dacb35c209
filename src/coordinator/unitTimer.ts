import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * What a timer of {@link startTimer} calls when it is due: an object kept per unit (its
 * heartbeat loop, a presence), so that a timer costs no closure of its own.
 *
 * @internal
 * @category Coordinator
 */
export interface TimerTarget {
  /** The timer is due. */
  onTimer(): void;
}

/**
 * A timer of {@link startTimer}: a Node.js `Timeout`, or the scheduler's action.
 *
 * @internal
 * @category Coordinator
 */
export type TimerHandle = ReturnType<typeof setTimeout> | Subscription;

/** One function for every timer: the target comes as the timer's argument. */
const fire = (target: TimerTarget) => target.onTimer();

function fireAction(this: SchedulerAction<TimerTarget>, target?: TimerTarget): void {
  target!.onTimer();
}

/**
 * Calls `target.onTimer()` once after `ms` on `scheduler`. As `after()` (src/operators/after.ts):
 * a plain `setTimeout` on RxJS's real `asyncScheduler`, the scheduler itself elsewhere (inside
 * `TestScheduler.run()`, where `asyncScheduler`'s clock is virtual, and on any other scheduler),
 * so virtual time applies; but with the target as the timer's argument instead of a closure, for
 * the timers a coordinator keeps per connected unit.
 *
 * @internal
 * @category Coordinator
 * @param scheduler Where time comes from.
 * @param ms After how long.
 * @param target What is told.
 * @returns What {@link stopTimer} cancels.
 */
export function startTimer(scheduler: SchedulerLike, ms: number, target: TimerTarget): TimerHandle {
  if (scheduler === asyncScheduler && Math.abs(asyncScheduler.now() - Date.now()) < 1_000)
    return setTimeout(fire, ms, target);
  return scheduler.schedule(fireAction, ms, target);
}

/**
 * Cancels a timer of {@link startTimer} (nothing when it is `undefined` or has fired).
 *
 * @internal
 * @category Coordinator
 * @param timer The timer.
 */
export function stopTimer(timer: TimerHandle | undefined): void {
  if (timer === undefined) return;
  if ('unsubscribe' in timer) timer.unsubscribe();
  else clearTimeout(timer);
}
