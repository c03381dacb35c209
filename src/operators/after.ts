import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * Calls `fn` once after `ms` on `scheduler`, and returns what cancels it. On RxJS's default
 * `asyncScheduler` this is a plain `setTimeout`: the scheduler's own action re-arms a
 * `setInterval` on every schedule and cancel, which the coordinator would pay per command.
 * Any other scheduler (a `TestScheduler`, a user's virtual clock) is used as given.
 *
 * @internal
 * @category Operators
 */
export function after(scheduler: SchedulerLike, ms: number, fn: () => void): () => void {
  if (scheduler === asyncScheduler) {
    const timeout = setTimeout(fn, ms);
    return () => clearTimeout(timeout);
  }
  const action = scheduler.schedule(fn, ms);
  return () => action.unsubscribe();
}
