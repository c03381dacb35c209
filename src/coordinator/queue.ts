import { Observable, Subject, type SchedulerLike, type Subscription } from 'rxjs';
import { queueByUnit } from '../operators/queueByUnit';

/** One call waiting for, or having, its turn on its unit. */
interface Job {
  /** The unit's key. */
  readonly key: string;
  /** Runs the call when its turn comes; the Observable completes when the call has ended. */
  readonly run: () => Observable<never>;
  /** The caller stopped waiting before its turn. */
  withdrawn: boolean;
}

/**
 * Options of {@link UnitQueue}.
 * @category Coordinator
 */
export interface UnitQueueOptions {
  /** At most this many calls running at once, all units together. */
  readonly concurrency: number;
  /** Least time between the end of a unit's call and the start of its next one, in ms. */
  readonly minGapMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
}

/**
 * The coordinator's queues, as {@link queueByUnit} runs them: the calls (commands, sequences) go
 * into one stream of jobs, queued by unit key: one call at a time per unit, in the order asked,
 * units in parallel up to `concurrency`. Unsubscribing a queued call withdraws it (`skip`: it
 * takes neither a slot nor a gap).
 *
 * @internal
 * @category Coordinator
 */
export class UnitQueue {
  private readonly jobs$ = new Subject<Job>();
  private readonly subscription: Subscription;

  /** @param options The cap, the gap and the scheduler. */
  constructor(options: UnitQueueOptions) {
    this.subscription = this.jobs$
      .pipe(
        queueByUnit(
          (job) => job.key,
          (job) => job.run(),
          { ...options, skip: (job) => job.withdrawn },
        ),
      )
      .subscribe();
  }

  /**
   * Runs `work` once the unit's earlier calls have ended (completed, errored or unsubscribed).
   * @param key The unit's key (host and port).
   * @param work Creates the call when its turn comes.
   */
  run<T>(key: string, work: () => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let stop: (() => void) | undefined;
      const job: Job = {
        key,
        withdrawn: false,
        run: () =>
          new Observable<never>((turn) => {
            const inner = work().subscribe({
              next: (value) => subscriber.next(value),
              error: (error: unknown) => {
                turn.complete(); // the next call of the unit may start before this one's error is seen
                subscriber.error(error);
              },
              complete: () => {
                turn.complete();
                subscriber.complete();
              },
            });
            stop = () => {
              inner.unsubscribe();
              turn.complete();
            };
            return inner;
          }),
      };
      this.jobs$.next(job);
      return () => {
        job.withdrawn = true;
        stop?.();
      };
    });
  }

  /** Ends every call (the coordinator closed). */
  close(): void {
    this.subscription.unsubscribe();
  }
}
