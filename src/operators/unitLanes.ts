import { Observable, type SchedulerLike, type Subscription } from 'rxjs';

interface Waiting {
  /** Starts the work; `false` when it was skipped (no work: it takes neither a slot nor a gap). */
  readonly start: () => boolean;
}

interface Lane {
  /** The unit's key. */
  readonly key: string;
  busy: boolean;
  readonly queue: Waiting[];
  /** When its last work ended (scheduler time), for `minGapMs`. */
  lastEnd: number;
  gap?: Subscription;
}

/**
 * Options of {@link UnitLanes}.
 * @internal
 */
export interface UnitLanesOptions {
  /** At most this many works running at once, all units together. Default: no cap. */
  readonly concurrency: number;
  /** Least time between the end of a unit's work and the start of its next one, in ms. */
  readonly minGapMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
}

/**
 * The queues of {@link queueByUnit} and of the coordinator: one lane per unit, strictly one work
 * at a time per unit, in the order asked; different units never wait for each other, except for
 * the global `concurrency` cap (when a slot frees, the lane ready the longest goes first).
 * Unsubscribing a queued work withdraws it without running it. A per-call engine (no stream of
 * jobs to go through): the coordinator runs each command through it directly.
 *
 * @internal
 */
export class UnitLanes {
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with work ready to start, waiting for a free slot of the global cap. */
  private readonly starved = new Set<Lane>();
  private running = 0;
  /** Lanes to pump, in order (see `pump`). */
  private readonly toPump: Lane[] = [];
  private pumping = false;

  /** @param options The cap, the gap and the scheduler. */
  constructor(private readonly options: UnitLanesOptions) {}

  /**
   * Runs `work` once the unit's earlier works have finished (completed, errored or unsubscribed).
   *
   * @param key The unit's key.
   * @param work Creates the work when its turn comes; `undefined` skips it (it takes neither a
   *   slot nor a gap, and the returned Observable completes).
   */
  run<T>(key: string, work: () => Observable<T> | undefined): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let state: 'queued' | 'running' | 'done' = 'queued';
      const lane = this.lane(key);
      const entry: Waiting = {
        start: () => {
          let work$: Observable<T> | undefined;
          try {
            work$ = work();
          } catch (e) {
            state = 'done';
            subscriber.error(e);
            return false;
          }
          if (work$ === undefined) {
            state = 'done';
            subscriber.complete();
            return false;
          }
          state = 'running';
          inner = work$.subscribe({
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
          return true;
        },
      };
      const end = () => {
        if (state !== 'running') return;
        state = 'done';
        this.leave(lane);
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

  /** Forgets every lane and cancels every gap timer (the queue's owner is done). */
  close(): void {
    for (const lane of this.lanes.values()) lane.gap?.unsubscribe();
    this.lanes.clear();
    this.starved.clear();
  }

  /** How many units have work running or queued. */
  get size(): number {
    return this.lanes.size;
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { key, busy: false, queue: [], lastEnd: -Infinity };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /**
   * Pumps a lane, and every lane a pump makes ready, one after the other in a loop, never
   * recursively: a long backlog of works that end synchronously runs in constant stack depth.
   */
  private pump(lane: Lane): void {
    this.toPump.push(lane);
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let i = 0; i < this.toPump.length; i++) this.pumpOne(this.toPump[i]!);
    } finally {
      this.toPump.length = 0;
      this.pumping = false;
    }
  }

  private pumpOne(lane: Lane): void {
    if (lane.busy || lane.gap !== undefined) return;
    if (lane.queue.length === 0) return this.forget(lane.key, lane);
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
    if (lane.queue.shift()!.start()) return;
    // skipped: the lane and the slot are free again, as if nothing had run
    lane.busy = false;
    this.running--;
    this.toPump.push(lane);
  }

  /** A work of the lane ended: the lanes waiting longest for a slot first, then this one. */
  private leave(lane: Lane): void {
    lane.busy = false;
    this.running--;
    lane.lastEnd = this.options.scheduler.now();
    if (this.starved.size > 0) for (const other of this.starved) this.toPump.push(other);
    this.pump(lane);
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
