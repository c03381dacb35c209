import { Observable, type SchedulerLike, type Subscription } from 'rxjs';

interface Waiting {
  readonly start: () => void;
}

interface Lane {
  busy: boolean;
  readonly queue: Waiting[];
  /** When its last work ended (scheduler time), for `minGapMs`. */
  lastEnd: number;
  gap?: Subscription;
}

/**
 * Options of {@link UnitQueue}.
 * @category Coordinator
 */
export interface UnitQueueOptions {
  /** At most this many works running at once, all units together. Default: no cap. */
  readonly concurrency: number;
  /** Least time between the end of a unit's work and the start of its next one, in ms. */
  readonly minGapMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
}

/**
 * The coordinator's queues: one per unit, strictly one work at a time per unit, in the order
 * asked; different units never wait for each other, except for the global `concurrency` cap.
 * Unsubscribing a queued work withdraws it without running it.
 *
 * @internal
 * @category Coordinator
 */
export class UnitQueue {
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with work ready to start, waiting for a free slot of the global cap. */
  private readonly starved = new Set<Lane>();
  private running = 0;

  /** @param options The cap, the gap and the scheduler. */
  constructor(private readonly options: UnitQueueOptions) {}

  /**
   * Runs `work` once the unit's earlier works have finished (completed, errored or unsubscribed).
   *
   * @param key The unit's key (host and port).
   * @param work Creates the work when its turn comes.
   */
  run<T>(key: string, work: () => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let state: 'queued' | 'running' | 'done' = 'queued';
      const lane = this.lane(key);
      const entry: Waiting = {
        start: () => {
          state = 'running';
          inner = work().subscribe({
            next: (v) => subscriber.next(v),
            error: (e: unknown) => {
              end();
              subscriber.error(e);
            },
            complete: () => {
              end();
              subscriber.complete();
            },
          });
        },
      };
      const end = () => {
        if (state !== 'running') return;
        state = 'done';
        this.leave(key, lane);
      };
      lane.queue.push(entry);
      this.pump(lane);
      return () => {
        if (state === 'queued') {
          const i = lane.queue.indexOf(entry);
          if (i >= 0) lane.queue.splice(i, 1);
          this.forget(key, lane);
        }
        inner?.unsubscribe();
        end();
      };
    });
  }

  /** How many units have work running or queued. */
  get size(): number {
    return this.lanes.size;
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { busy: false, queue: [], lastEnd: -Infinity };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private pump(lane: Lane): void {
    if (lane.busy || lane.gap !== undefined || lane.queue.length === 0) return;
    if (this.running >= this.options.concurrency) {
      this.starved.add(lane);
      return;
    }
    const wait = lane.lastEnd + this.options.minGapMs - this.options.scheduler.now();
    if (wait > 0) {
      lane.gap = this.options.scheduler.schedule(() => {
        lane.gap = undefined;
        this.pump(lane);
      }, wait);
      return;
    }
    this.starved.delete(lane);
    lane.busy = true;
    this.running++;
    lane.queue.shift()!.start();
  }

  private leave(key: string, lane: Lane): void {
    lane.busy = false;
    this.running--;
    lane.lastEnd = this.options.scheduler.now();
    this.pump(lane);
    for (const other of [...this.starved]) {
      if (this.running >= this.options.concurrency) break;
      this.pump(other);
    }
    this.forget(key, lane);
  }

  /** Drops an idle lane, once its gap can no longer delay anything. */
  private forget(key: string, lane: Lane): void {
    if (lane.busy || lane.queue.length > 0 || lane.gap !== undefined) return;
    this.starved.delete(lane);
    if (this.options.minGapMs <= 0) this.lanes.delete(key);
    else
      lane.gap = this.options.scheduler.schedule(() => {
        lane.gap = undefined;
        if (!lane.busy && lane.queue.length === 0) this.lanes.delete(key);
        else this.pump(lane);
      }, this.options.minGapMs);
  }
}
