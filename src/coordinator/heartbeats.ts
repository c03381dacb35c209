import { Observable, Subscription, type SchedulerLike, type Unsubscribable } from 'rxjs';
import { after } from '../operators/after';
import { HeartbeatLoop, type HeartbeatOutcome, type OutcomeWatcher } from './heartbeatLoop';
import type { Unit } from './units';

export type { HeartbeatOutcome, OutcomeWatcher } from './heartbeatLoop';

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
  /** Holds the listener until the returned hold is unsubscribed (for addressed units). */
  readonly holdListener: () => Unsubscribable;
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
  private readonly held = new Map<Unit, HeartbeatLoop>();

  /** @param deps How to send, when, and the scheduler. */
  constructor(private readonly deps: HeartbeatDeps) {}

  /**
   * Heartbeats the unit until the returned subscription is unsubscribed (then for one more interval).
   * @param unit The unit.
   */
  hold(unit: Unit): Subscription {
    const loop = this.holdOn(unit);
    let released = false;
    return new Subscription(() => {
      if (released) return;
      released = true;
      this.letGo(loop);
    });
  }

  /**
   * Takes one hold of the unit, as {@link Heartbeats.hold} does, without a subscription: the
   * caller gives it back once with {@link Heartbeats.letGo} (a connected unit's hold).
   * @param unit The unit.
   * @returns The unit's loop, to give to `letGo` and to watch.
   */
  holdOn(unit: Unit): HeartbeatLoop {
    const loop = this.loopOf(unit);
    loop.holds++;
    unit.heartbeated = true;
    loop.linger?.();
    loop.linger = undefined;
    if (this.deps.policy === 'while-addressed' && loop.addressed === undefined)
      loop.addressed = this.deps.holdListener();
    if (!loop.running) loop.start();
    return loop;
  }

  /**
   * Gives back one hold taken with {@link Heartbeats.holdOn} (call it once per hold).
   * @param loop What `holdOn` returned.
   */
  letGo(loop: HeartbeatLoop): void {
    if (--loop.holds > 0 || loop.addressed !== undefined) return;
    loop.linger = after(this.deps.scheduler, this.deps.intervalMs, () => this.stop(loop));
  }

  /**
   * Marks the unit addressed without waiting for anything (`eventsFrom`): with the policy
   * `'while-addressed'` it is heartbeated from now on; with `'while-needed'`, nothing happens.
   * @param unit The unit.
   */
  address(unit: Unit): void {
    if (this.deps.policy === 'while-addressed') this.letGo(this.holdOn(unit));
  }

  /**
   * Ends the addressed state of the unit (without one: of every unit): its heartbeats stop at
   * once if nothing holds it (else when the last holder lets go, plus one interval), and its hold
   * of the listener is released.
   * @param unit The unit, or none for all.
   */
  release(unit?: Unit): void {
    const loops = unit === undefined ? [...this.held.values()] : [this.held.get(unit)];
    for (const loop of loops) {
      if (loop?.addressed === undefined) continue;
      const listener = loop.addressed;
      loop.addressed = undefined;
      if (loop.holds === 0) this.stop(loop);
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
      const loop = this.held.get(unit);
      const go = () => {
        subscriber.next();
        subscriber.complete();
      };
      if (loop === undefined || this.deps.scheduler.now() - loop.lastDeliveredAt < this.deps.intervalMs)
        return go();
      const watcher: OutcomeWatcher = { onOutcome: go };
      loop.watch(watcher);
      if (loop.sending === undefined) loop.beat();
      // no outcome coming (no listener bound, or the send ended without a delivery): go anyway
      if (!subscriber.closed && loop.sending === undefined) go();
      return () => loop.unwatch(watcher);
    });
  }

  /**
   * The outcome of every heartbeat sent to the unit from now on.
   * @param unit The unit.
   */
  outcomes(unit: Unit): Observable<HeartbeatOutcome> {
    const loop = this.loopOf(unit);
    return new Observable<HeartbeatOutcome>((subscriber) => {
      const watcher: OutcomeWatcher = {
        onOutcome: (outcome) => subscriber.next(outcome),
        onOutcomesEnd: () => subscriber.complete(),
      };
      loop.watch(watcher);
      return () => loop.unwatch(watcher);
    });
  }

  /**
   * The unit's loop, to watch its outcomes (see {@link HeartbeatLoop.watch}), created if needed.
   * @param unit The unit.
   */
  loopOf(unit: Unit): HeartbeatLoop {
    let loop = this.held.get(unit);
    if (loop === undefined) {
      loop = new HeartbeatLoop(this.deps, unit);
      this.held.set(unit, loop);
    }
    return loop;
  }

  /** Stops the heartbeats of the units nobody holds any more (their last interval, or addressed). */
  stopLingering(): void {
    for (const loop of [...this.held.values()])
      if (loop.holds === 0) {
        loop.addressed?.unsubscribe();
        loop.addressed = undefined;
        this.stop(loop);
      }
  }

  /** Stops every heartbeat at once. */
  stopAll(): void {
    for (const loop of this.held.values()) {
      loop.holds = 0;
      loop.addressed?.unsubscribe();
      loop.addressed = undefined;
      this.stop(loop);
      loop.endWatchers();
    }
    this.held.clear();
  }

  private stop(loop: HeartbeatLoop): void {
    loop.linger?.();
    loop.linger = undefined;
    loop.stop();
    if (loop.holds === 0 && !loop.watched) this.held.delete(loop.unit);
  }
}
