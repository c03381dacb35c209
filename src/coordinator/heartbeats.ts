import {
  catchError,
  exhaustMap,
  map,
  type Observable,
  of,
  type SchedulerLike,
  Subject,
  Subscription,
  switchMap,
  take,
  timer,
} from 'rxjs';
import { publishHeartbeat } from '../diagnostics';
import { after } from './after';
import type { Unit } from './units';

/**
 * What became of one heartbeat: the unit took it (accepted the connection and closed it), or
 * the send failed.
 *
 * @internal
 * @category Coordinator
 */
export type HeartbeatOutcome =
  | { readonly kind: 'delivered'; readonly at: number }
  | { readonly kind: 'failed'; readonly at: number; readonly error: unknown };

interface Lease {
  holds: number;
  beat?: Subscription;
  /** Cancels the last interval of a released unit. */
  linger?: () => void;
  lastBeatAt: number;
  readonly outcomes: Subject<HeartbeatOutcome>;
}

/**
 * What {@link Heartbeats} needs from the coordinator.
 *
 * @internal
 * @category Coordinator
 */
export interface HeartbeatDeps {
  /** Sends one heartbeat to the unit. */
  readonly send: (unit: Unit) => Observable<unknown>;
  /** Emits once the listener is bound (heartbeats carry its port). */
  readonly ready$: Observable<unknown>;
  /** Time between heartbeats. */
  readonly intervalMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
}

/**
 * Heartbeat leases: a unit is heartbeated every `intervalMs` while anything holds it (a
 * `connect`, a command, a sequence), so pycom never forgets this coordinator while the
 * coordinator waits for the unit's events. Holders of one unit share one heartbeat; a released
 * unit goes on being heartbeated for one more interval, so back-to-back commands do not add a
 * heartbeat each.
 *
 * @internal
 * @category Coordinator
 */
export class Heartbeats {
  private readonly leases = new Map<Unit, Lease>();

  /** @param deps How to send, when, and the scheduler. */
  constructor(private readonly deps: HeartbeatDeps) {}

  /**
   * Heartbeats the unit until the returned subscription is unsubscribed (then for one more interval).
   * @param unit The unit.
   */
  hold(unit: Unit): Subscription {
    const lease = this.lease(unit);
    lease.holds++;
    unit.heartbeated = true;
    lease.linger?.();
    lease.linger = undefined;
    if (lease.beat === undefined) this.start(lease, unit);
    let released = false;
    return new Subscription(() => {
      if (released) return;
      released = true;
      if (--lease.holds > 0) return;
      lease.linger = after(this.deps.scheduler, this.deps.intervalMs, () => this.stop(unit, lease));
    });
  }

  /**
   * The outcome of every heartbeat sent to the unit from now on.
   * @param unit The unit.
   */
  outcomes(unit: Unit): Observable<HeartbeatOutcome> {
    return this.lease(unit).outcomes;
  }

  /** Stops the heartbeats of the units nobody holds any more (their last interval). */
  stopLingering(): void {
    for (const [unit, lease] of [...this.leases]) if (lease.holds === 0) this.stop(unit, lease);
  }

  /** Stops every heartbeat at once. */
  stopAll(): void {
    for (const [unit, lease] of this.leases) {
      lease.holds = 0;
      this.stop(unit, lease);
      lease.outcomes.complete();
    }
    this.leases.clear();
  }

  private lease(unit: Unit): Lease {
    let lease = this.leases.get(unit);
    if (lease === undefined) {
      lease = { holds: 0, lastBeatAt: -Infinity, outcomes: new Subject() };
      this.leases.set(unit, lease);
    }
    return lease;
  }

  private start(lease: Lease, unit: Unit): void {
    const { scheduler, intervalMs } = this.deps;
    lease.beat = this.deps.ready$
      .pipe(
        take(1),
        switchMap(() => {
          const first = Math.max(0, lease.lastBeatAt + intervalMs - scheduler.now());
          return timer(first, intervalMs, scheduler);
        }),
        exhaustMap(() => {
          lease.lastBeatAt = scheduler.now();
          return this.deps.send(unit).pipe(
            take(1),
            map((): HeartbeatOutcome => ({ kind: 'delivered', at: scheduler.now() })),
            catchError((error: unknown) =>
              of<HeartbeatOutcome>({ kind: 'failed', at: scheduler.now(), error }),
            ),
          );
        }),
      )
      // a listener that cannot bind errors ready$: the holders get that error from the listener
      .subscribe({
        next: (outcome) => {
          publishHeartbeat(unit, outcome); // diagnostics (pycom-rx:heartbeat): one property read when off
          lease.outcomes.next(outcome);
        },
        error: () => undefined,
      });
  }

  private stop(unit: Unit, lease: Lease): void {
    lease.linger?.();
    lease.linger = undefined;
    lease.beat?.unsubscribe();
    lease.beat = undefined;
    if (lease.holds === 0 && !lease.outcomes.observed) this.leases.delete(unit);
  }
}
