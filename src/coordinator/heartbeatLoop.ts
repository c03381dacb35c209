import type { Observable, SchedulerLike, Subscription, Unsubscribable } from 'rxjs';
import { publishHeartbeat } from '../diagnostics';
import type { Unit } from './units';
import { startTimer, stopTimer, type TimerHandle, type TimerTarget } from './unitTimer';

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

/**
 * Who watches the outcomes of a unit's heartbeats (a presence, a command waiting for a fresh
 * heartbeat): an object, so a watcher costs no closure.
 *
 * @internal
 * @category Coordinator
 */
export interface OutcomeWatcher {
  /** One heartbeat's outcome. A watcher removed while outcomes are told may still get this one. */
  onOutcome(outcome: HeartbeatOutcome): void;
  /** The heartbeats stopped for good (`stopAll`). */
  onOutcomesEnd?(): void;
}

/**
 * What a {@link HeartbeatLoop} needs: how to send, when, the scheduler.
 *
 * @internal
 * @category Coordinator
 */
export interface HeartbeatLoopDeps {
  /** Sends one heartbeat to the unit. */
  readonly send: (unit: Unit) => Observable<unknown>;
  /** Emits once the listener is bound (heartbeats carry its port). */
  readonly ready$: Observable<unknown>;
  /** Time between heartbeats. */
  readonly intervalMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
}

const NO_WATCHERS: readonly OutcomeWatcher[] = [];

/**
 * One unit's heartbeats: how many hold it, its loop, its outcomes and who watches them. One
 * object per unit, its own timer's target: a coordinator keeps one per connected unit, so the
 * loop is plain fields and methods rather than closures or an operator chain.
 *
 * @internal
 * @category Coordinator
 */
export class HeartbeatLoop implements TimerTarget {
  /** How many hold the unit. */
  holds = 0;
  /** Cancels the last interval of a released unit. */
  linger: (() => void) | undefined = undefined;
  /** Set while the unit is addressed (policy `'while-addressed'`): holds the listener, keeps the beats. */
  addressed: Unsubscribable | undefined = undefined;
  /** When a heartbeat was last sent (`-Infinity`: never). */
  lastBeatAt = -Infinity;
  /** When a heartbeat to it was last delivered (`-Infinity`: never). */
  lastDeliveredAt = -Infinity;
  /** The heartbeat being sent, if any: the next one waits for it (no overlap). */
  sending: Subscription | undefined = undefined;
  /** Whether the loop runs (waiting for the listener, or its timer armed). */
  private looping = false;
  /** Waits for the listener to be bound before the first timer. */
  private ready: Subscription | undefined = undefined;
  /** The timer of the next tick, once the listener is bound. */
  private timer: TimerHandle | undefined = undefined;
  /** Copied on every change, so telling an outcome needs no copy (as a `Subject` would). */
  private watchers: readonly OutcomeWatcher[] = NO_WATCHERS;

  /**
   * @param deps How to send, when, and the scheduler.
   * @param unit The unit.
   */
  constructor(
    private readonly deps: HeartbeatLoopDeps,
    readonly unit: Unit,
  ) {}

  /** Whether the loop runs. */
  get running(): boolean {
    return this.looping;
  }

  /** Whether anyone watches the outcomes. */
  get watched(): boolean {
    return this.watchers.length > 0;
  }

  /**
   * Tells `watcher` the outcome of every heartbeat from now on, until {@link HeartbeatLoop.unwatch}.
   * @param watcher The watcher.
   */
  watch(watcher: OutcomeWatcher): void {
    this.watchers = [...this.watchers, watcher];
  }

  /**
   * Stops telling `watcher` (it may still get the outcome being told).
   * @param watcher The watcher.
   */
  unwatch(watcher: OutcomeWatcher): void {
    const i = this.watchers.indexOf(watcher);
    if (i < 0) return;
    this.watchers =
      this.watchers.length === 1
        ? NO_WATCHERS
        : [...this.watchers.slice(0, i), ...this.watchers.slice(i + 1)];
  }

  /** Tells every watcher that no outcome will come any more, and forgets them. */
  endWatchers(): void {
    const watchers = this.watchers;
    this.watchers = NO_WATCHERS;
    for (const watcher of watchers) watcher.onOutcomesEnd?.();
  }

  /**
   * Starts the loop: once the listener is bound, a first beat when one interval has passed since
   * the last one (at once for a unit newly held), then one every `intervalMs` after the last one
   * (a beat sent by `Heartbeats.fresh` moves the next); a beat still in flight when the next is
   * due makes that one skip (as RxJS `exhaustMap` would).
   */
  start(): void {
    this.looping = true;
    // a listener that cannot bind errors ready$: the holders get that error from the listener
    const forget = () => (this.ready = undefined);
    const ready = this.deps.ready$.subscribe({ next: () => this.bound(), error: forget, complete: forget });
    if (!ready.closed && this.looping) this.ready = ready;
  }

  /** Stops the loop: no timer, no wait for the listener, the heartbeat in flight cancelled. */
  stop(): void {
    this.looping = false;
    this.ready?.unsubscribe();
    this.ready = undefined;
    stopTimer(this.timer);
    this.timer = undefined;
    this.sending?.unsubscribe();
    this.sending = undefined;
  }

  /** The timer is due: the next tick. */
  onTimer(): void {
    const { scheduler, intervalMs } = this.deps;
    const due = this.lastBeatAt + intervalMs - scheduler.now();
    this.timer = startTimer(scheduler, due > 0 ? due : intervalMs, this);
    if (due > 0) return;
    if (this.sending === undefined) this.beat();
  }

  /** Sends one heartbeat now; its outcome goes to the watchers. */
  beat(): void {
    const { scheduler } = this.deps;
    this.lastBeatAt = scheduler.now();
    let done = false;
    const report = (outcome: HeartbeatOutcome) => {
      if (done) return;
      done = true;
      this.sending?.unsubscribe();
      this.sending = undefined;
      if (outcome.kind === 'delivered') this.lastDeliveredAt = outcome.at;
      publishHeartbeat(this.unit, outcome); // diagnostics (pycom-rx:heartbeat): one property read when off
      for (const watcher of this.watchers) watcher.onOutcome(outcome);
    };
    let send$: Observable<unknown>;
    try {
      send$ = this.deps.send(this.unit);
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
          this.sending = undefined;
        }
      },
    });
    if (!done) this.sending = sending;
  }

  /** The listener is bound: the first timer. */
  private bound(): void {
    if (!this.looping || this.timer !== undefined) return;
    const { scheduler, intervalMs } = this.deps;
    this.timer = startTimer(scheduler, Math.max(0, this.lastBeatAt + intervalMs - scheduler.now()), this);
  }
}
