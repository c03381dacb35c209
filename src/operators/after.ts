import type { SchedulerLike } from 'rxjs';

/**
 * Calls `fn` once after `ms` on `scheduler`, and returns what cancels it: the scheduler's own
 * timer (on `asyncScheduler`, one `setInterval` armed and cleared once), so that
 * `TestScheduler.run()`, which turns `asyncScheduler` into virtual time, applies to it too.
 *
 * @internal
 * @category Operators
 */
export function after(scheduler: SchedulerLike, ms: number, fn: () => void): () => void {
  const action = scheduler.schedule(fn, ms);
  return () => action.unsubscribe();
}
