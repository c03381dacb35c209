import { Observable, type SchedulerLike, Subject, Subscription } from 'rxjs';
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
  /** Set while the unit is addressed (policy `'while-addressed'`): holds the listener, keeps the beats. */
  addressed?: Subscription;
  lastBeatAt: number;
  /** When a heartbeat to it was last delivered (`-Infinity`: never). */
  lastDeliveredAt: number;
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
  /** When heartbeats stop: see {@link HeartbeatPolicy}. */
  readonly policy: HeartbeatPolicy;
  /** Holds the listener until the returned subscription is unsubscribed (for addressed units). */
  readonly holdListener: () => Subscription;
}

/**
 * When the coordinator stops heartbeating a unit:
 * - `'while-addressed'` (the default): never, once the application has addressed it (`connect`,
 *   `command`, `run`, `unitInfo`, `runSequence`, `eventsFrom`), until `close()` or
 *   `release(unit)`; the listener stays bound meanwhile, so the unit never drops the coordinator
 *   between two commands however far apart they are;
 * - `'while-needed'`: while something waits for the unit (a `connect` subscribed, a command, a
 *   sequence, a `unitInfo`), plus one interval.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ heartbeat: 'while-needed' }); // the lease of pycom-rx 0.x before
 * ```
 * @category Coordinator
 */
export type HeartbeatPolicy = 'while-addressed' | 'while-needed';

/**
 * Heartbeats held: a unit is heartbeated every `intervalMs` while anything holds it (a
 * `connect`, a command, a sequence), so pycom never forgets this coordinator while the
 * coordinator waits for the unit's events. Holders of one unit share one heartbeat. With the
 * policy `'while-addressed'` a unit once held is heartbeated until {@link Heartbeats.release} or
 * {@link Heartbeats.stopAll}; with `'while-needed'` a released unit goes on being heartbeated for
 * one more interval, so back-to-back commands do not add a heartbeat each.
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
    if (this.deps.policy === 'while-addressed' && state.addressed === undefined)
      state.addressed = this.deps.holdListener();
    if (state.beat === undefined) this.start(state, unit);
    let released = false;
    return new Subscription(() => {
      if (released) return;
      released = true;
      if (--state.holds > 0 || state.addressed !== undefined) return;
      state.linger = after(this.deps.scheduler, this.deps.intervalMs, () => this.stop(unit, state));
    });
  }

  /**
   * Marks the unit addressed without waiting for anything (`eventsFrom`): with the policy
   * `'while-addressed'` it is heartbeated from now on; with `'while-needed'`, nothing happens.
   * @param unit The unit.
   */
  address(unit: Unit): void {
    if (this.deps.policy === 'while-addressed') this.hold(unit).unsubscribe();
  }

  /**
   * Ends the addressed state of the unit (without one: of every unit): its heartbeats stop at
   * once if nothing holds it (else when the last holder lets go, plus one interval), and its hold
   * of the listener is released.
   * @param unit The unit, or none for all.
   */
  release(unit?: Unit): void {
    for (const [each, state] of unit === undefined
      ? [...this.held]
      : [[unit, this.held.get(unit)] as const]) {
      if (state?.addressed === undefined) continue;
      const listener = state.addressed;
      state.addressed = undefined;
      if (state.holds === 0) this.stop(each, state);
      listener.unsubscribe(); // the heartbeat first, then the listener
    }
  }

  /**
   * Emits once (then completes) when a command may go to the unit: at once if a heartbeat to it
   * was delivered within the last interval, else once a heartbeat sent now (or the one in flight)
   * is delivered or failed, so after a silence the unit hears the coordinator before its command.
   * @param unit The unit.
   */
  fresh(unit: Unit): Observable<void> {
    return new Observable<void>((subscriber) => {
      const state = this.held.get(unit);
      const go = () => {
        subscriber.next();
        subscriber.complete();
      };
      if (state === undefined || this.deps.scheduler.now() - state.lastDeliveredAt < this.deps.intervalMs)
        return go();
      const outcome = state.outcomes.subscribe(go);
      if (state.sending === undefined) this.beat(state, unit);
      // no outcome coming (no listener bound, or the send ended without a delivery): go anyway
      if (!subscriber.closed && state.sending === undefined) go();
      return outcome;
    });
  }

  /**
   * The outcome of every heartbeat sent to the unit from now on.
   * @param unit The unit.
   */
  outcomes(unit: Unit): Observable<HeartbeatOutcome> {
    return this.stateOf(unit).outcomes;
  }

  /** Stops the heartbeats of the units nobody holds any more (their last interval, or addressed). */
  stopLingering(): void {
    for (const [unit, state] of [...this.held])
      if (state.holds === 0) {
        state.addressed?.unsubscribe();
        state.addressed = undefined;
        this.stop(unit, state);
      }
  }

  /** Stops every heartbeat at once. */
  stopAll(): void {
    for (const [unit, state] of this.held) {
      state.holds = 0;
      state.addressed?.unsubscribe();
      state.addressed = undefined;
      this.stop(unit, state);
      state.outcomes.complete();
    }
    this.held.clear();
  }

  private stateOf(unit: Unit): Held {
    let state = this.held.get(unit);
    if (state === undefined) {
      state = { holds: 0, lastBeatAt: -Infinity, lastDeliveredAt: -Infinity, outcomes: new Subject() };
      this.held.set(unit, state);
    }
    return state;
  }

  /**
   * Starts the unit's heartbeat loop: once the listener is bound, a first beat when one interval
   * has passed since the last one (at once for a unit newly held), then one every `intervalMs` after
   * the last one (a beat sent by {@link Heartbeats.fresh} moves the next); a beat still in flight
   * when the next is due makes that one skip (as RxJS `exhaustMap` would).
   * Plain callbacks rather than an operator chain: a coordinator keeps one loop per unit.
   */
  private start(state: Held, unit: Unit): void {
    const { scheduler, intervalMs } = this.deps;
    let stopped = false;
    let cancelTimer: (() => void) | undefined;
    const tick = () => {
      const due = state.lastBeatAt + intervalMs - scheduler.now();
      cancelTimer = after(scheduler, due > 0 ? due : intervalMs, tick);
      if (due > 0) return;
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
      if (outcome.kind === 'delivered') state.lastDeliveredAt = outcome.at;
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
