import { type Observable, type SchedulerLike, Subject, Subscription } from 'rxjs';
import { publishHeartbeat } from '../diagnostics';
import { after } from '../operators/after';
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

/** One unit's heartbeats: how many hold it, its loop, its outcomes. */
interface Held {
  /** How many hold the unit. */
  holds: number;
  /** Stops the heartbeat loop (waiting for the listener, or the timer of the next beat). */
  beat?: () => void;
  /** The heartbeat being sent, if any: the next one waits for it (no overlap). */
  sending?: Subscription;
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
 * Heartbeats held: a unit is heartbeated every `intervalMs` while anything holds it (a
 * `connect`, a command, a sequence), so pycom never forgets this coordinator while the
 * coordinator waits for the unit's events. Holders of one unit share one heartbeat; a released
 * unit goes on being heartbeated for one more interval, so back-to-back commands do not add a
 * heartbeat each.
 *
 * @internal
 * @category Coordinator
 */
export class Heartbeats {
  private readonly held = new Map<Unit, Held>();

  /** @param deps How to send, when, and the scheduler. */
  constructor(private readonly deps: HeartbeatDeps) {}

  /**
   * Heartbeats the unit until the returned subscription is unsubscribed (then for one more interval).
   * @param unit The unit.
   */
  hold(unit: Unit): Subscription {
    const state = this.stateOf(unit);
    state.holds++;
    unit.heartbeated = true;
    state.linger?.();
    state.linger = undefined;
    if (state.beat === undefined) this.start(state, unit);
    let released = false;
    return new Subscription(() => {
      if (released) return;
      released = true;
      if (--state.holds > 0) return;
      state.linger = after(this.deps.scheduler, this.deps.intervalMs, () => this.stop(unit, state));
    });
  }

  /**
   * The outcome of every heartbeat sent to the unit from now on.
   * @param unit The unit.
   */
  outcomes(unit: Unit): Observable<HeartbeatOutcome> {
    return this.stateOf(unit).outcomes;
  }

  /** Stops the heartbeats of the units nobody holds any more (their last interval). */
  stopLingering(): void {
    for (const [unit, state] of [...this.held]) if (state.holds === 0) this.stop(unit, state);
  }

  /** Stops every heartbeat at once. */
  stopAll(): void {
    for (const [unit, state] of this.held) {
      state.holds = 0;
      this.stop(unit, state);
      state.outcomes.complete();
    }
    this.held.clear();
  }

  private stateOf(unit: Unit): Held {
    let state = this.held.get(unit);
    if (state === undefined) {
      state = { holds: 0, lastBeatAt: -Infinity, outcomes: new Subject() };
      this.held.set(unit, state);
    }
    return state;
  }

  /**
   * Starts the unit's heartbeat loop: once the listener is bound, a first beat when one interval
   * has passed since the last one (at once for a unit newly held), then one every `intervalMs`; a beat
   * still in flight when the next is due makes that one skip (as RxJS `exhaustMap` would).
   * Plain callbacks rather than an operator chain: a coordinator keeps one loop per unit.
   */
  private start(state: Held, unit: Unit): void {
    const { scheduler, intervalMs } = this.deps;
    let stopped = false;
    let cancelTimer: (() => void) | undefined;
    const tick = () => {
      cancelTimer = after(scheduler, intervalMs, tick);
      if (state.sending === undefined) this.beat(state, unit);
    };
    // a listener that cannot bind errors ready$: the holders get that error from the listener
    const ready = this.deps.ready$.subscribe({
      next: () => {
        if (stopped || cancelTimer !== undefined) return;
        const first = Math.max(0, state.lastBeatAt + intervalMs - scheduler.now());
        cancelTimer = after(scheduler, first, tick);
      },
      error: () => undefined,
    });
    state.beat = () => {
      stopped = true;
      ready.unsubscribe();
      cancelTimer?.();
      state.sending?.unsubscribe();
      state.sending = undefined;
    };
  }

  private beat(state: Held, unit: Unit): void {
    const { scheduler } = this.deps;
    state.lastBeatAt = scheduler.now();
    let done = false;
    const report = (outcome: HeartbeatOutcome) => {
      if (done) return;
      done = true;
      state.sending?.unsubscribe();
      state.sending = undefined;
      publishHeartbeat(unit, outcome); // diagnostics (pycom-rx:heartbeat): one property read when off
      state.outcomes.next(outcome);
    };
    let send$: Observable<unknown>;
    try {
      send$ = this.deps.send(unit);
    } catch (error: unknown) {
      // never a throw from a timer: a send that cannot even start is a failed heartbeat
      report({ kind: 'failed', at: scheduler.now(), error });
      return;
    }
    const sending = send$.subscribe({
      next: () => report({ kind: 'delivered', at: scheduler.now() }),
      error: (error: unknown) => report({ kind: 'failed', at: scheduler.now(), error }),
      complete: () => {
        // a send that completes without a delivery (no listener bound): nothing to report
        if (!done) {
          done = true;
          state.sending = undefined;
        }
      },
    });
    if (!done) state.sending = sending;
  }

  private stop(unit: Unit, state: Held): void {
    state.linger?.();
    state.linger = undefined;
    state.beat?.();
    state.beat = undefined;
    if (state.holds === 0 && !state.outcomes.observed) this.held.delete(unit);
  }
}
