import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * Calls `fn` once after `ms` on `scheduler`, and returns what cancels it.
 *
 * On RxJS's real `asyncScheduler` this is a plain `setTimeout`: the scheduler's own action costs
 * an action object, a `setInterval` and its clearing, which a command would pay at least twice
 * (its timeout, its unit's heartbeat). Inside `TestScheduler.run()`, where `asyncScheduler`'s
 * clock is virtual (its `now()` is the frame, far from `Date.now()`), and on any other scheduler,
 * the scheduler itself is used, so virtual time applies.
 *
 * @internal
 * @category Operators
 */
export function after(scheduler: SchedulerLike, ms: number, fn: () => void): () => void {
  if (scheduler === asyncScheduler && Math.abs(asyncScheduler.now() - Date.now()) < 1_000) {
    const timeout = setTimeout(fn, ms);
    return () => clearTimeout(timeout);
  }
  const action = scheduler.schedule(fn, ms);
  return () => action.unsubscribe();
}
