import { finalize, Observable, type Subscription } from 'rxjs';

interface Lane {
  busy: boolean;
  readonly queue: Array<() => void>;
}

/**
 * One lane per unit: work for the same unit runs strictly one at a time, in the order it asked;
 * different units never wait for each other. The coordinator puts every command through it, so
 * at most one command is in flight per unit (PROTOCOL.md, open point 1).
 *
 * ## Example
 * ```ts
 * const lanes = new UnitLanes();
 * lanes.run('127.0.0.2', () => send(...)).subscribe();
 * ```
 */
export class UnitLanes {
  private readonly lanes = new Map<string, Lane>();

  /**
   * Runs `work` once the unit's previous work has finished (completed, errored or unsubscribed).
   * Unsubscribing while still queued withdraws it without running it.
   *
   * @param unit The lane's key (the unit's host).
   * @param work Creates the work when its turn comes.
   */
  run<T>(unit: string, work: () => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.leave(unit);
      };
      const withdraw = this.enter(unit, () => {
        inner = work().pipe(finalize(release)).subscribe(subscriber);
      });
      return () => {
        withdraw();
        inner?.unsubscribe();
      };
    });
  }

  /** How many units have work running or queued. */
  get size(): number {
    return this.lanes.size;
  }

  private enter(unit: string, start: () => void): () => void {
    let lane = this.lanes.get(unit);
    if (lane === undefined) {
      lane = { busy: false, queue: [] };
      this.lanes.set(unit, lane);
    }
    if (!lane.busy) {
      lane.busy = true;
      start();
      return () => undefined;
    }
    const queue = lane.queue;
    queue.push(start);
    return () => {
      const i = queue.indexOf(start);
      if (i >= 0) queue.splice(i, 1);
    };
  }

  private leave(unit: string): void {
    const lane = this.lanes.get(unit);
    if (lane === undefined) return;
    const next = lane.queue.shift();
    if (next !== undefined) next();
    else this.lanes.delete(unit);
  }
}
