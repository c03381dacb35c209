import { Observable, type Subscriber, type TeardownLogic, type Unsubscribable } from 'rxjs';
import type { Received } from '../protocol/inbound';
import type { Closing } from './closing';
import type { HeartbeatLoop } from './heartbeatLoop';
import type { Heartbeats } from './heartbeats';
import { PresenceTracker, type PresenceTiming } from './presence';
import type { HoldWatcher } from './sharedHold';
import type { Presence } from './types';
import type { Unit } from './units';

/**
 * What a connected unit needs of its coordinator.
 *
 * @internal
 * @category Coordinator
 */
export interface ConnectionDeps {
  /** The heartbeats: the unit is held, its outcomes watched. */
  readonly heartbeats: Heartbeats;
  /** The listener, held while connected. */
  readonly listener: {
    readonly holdFor: (watcher: HoldWatcher) => void;
    readonly releaseFor: (watcher: HoldWatcher) => void;
  };
  /** The coordinator's end: the presence completes with it. */
  readonly closing: Closing;
  /** The intervals of presence, and the scheduler. */
  readonly presence: PresenceTiming;
}

/**
 * The unit's presence while it is held (heartbeated, the listener bound), completing when the
 * coordinator closes: what `coordinator.connect(unit)` is, once the unit is known. The same as
 * `presence()` of the unit's events and heartbeat outcomes, with the unit held while subscribed
 * (watch first, then hold, so the first heartbeat's outcome is never missed), under
 * `closing.whileOpen()`; but one object per subscription, which is its own event listener,
 * outcome watcher, timer target, listener hold and closer, instead of an operator chain and
 * closures for each: a coordinator keeps one per connected unit.
 *
 * @internal
 * @category Coordinator
 * @param deps The coordinator's parts.
 * @param unit The unit.
 */
export function connection(deps: ConnectionDeps, unit: Unit): Observable<Presence> {
  return new Observable<Presence>((subscriber) => new Connection(deps, unit, subscriber).open());
}

/** One subscription of {@link connection}. */
class Connection extends PresenceTracker implements HoldWatcher, Unsubscribable {
  /** The unit's loop whose outcomes it watches. */
  private loop: HeartbeatLoop | undefined = undefined;
  /** The loop it holds, while it holds the unit's heartbeats. */
  private held: HeartbeatLoop | undefined = undefined;
  /** Whether it holds the listener. */
  private listening = false;
  private ended = false;

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly unit: Unit,
    subscriber: Subscriber<Presence>,
  ) {
    super(deps.presence, unit.host, subscriber);
  }

  /** Subscribes: `pending`, the events and outcomes watched, the lost check, then the holds. */
  open(): TeardownLogic {
    const { closing, heartbeats, listener } = this.deps;
    // closing.whileOpen(): complete at once when closed, else when the coordinator closes
    if (!closing.remember(this)) return this.subscriber.complete();
    const loop = heartbeats.loopOf(this.unit);
    this.loop = loop;
    this.begin();
    this.unit.listeners.add(this);
    loop.watch(this);
    this.arm();
    // the heartbeat first, then the listener; when the subscriber is closed already (it took
    // only `pending`), the holds are taken and given back at once, so the unit is addressed
    this.held = heartbeats.holdOn(this.unit);
    this.listening = true;
    listener.holdFor(this);
    return this;
  }

  /**
   * An event of the unit (the listener routes it here).
   * @param event The event.
   */
  onUnitEvent(event: Received): void {
    this.onEvent(event);
  }

  /** The coordinator closes: complete. */
  onCoordinatorClose(): void {
    this.subscriber.complete();
  }

  /**
   * The listener failed: the presence fails with its error.
   * @param error The listener's error.
   */
  error(error: unknown): void {
    this.listening = false;
    this.subscriber.error(error);
  }

  /** The listener ended: the unit's heartbeats are let go; the presence goes on. */
  complete(): void {
    this.listening = false;
    this.letGo();
  }

  /** Unsubscribes: the closer, the watches and the lost check, then the heartbeats and the listener. */
  unsubscribe(): void {
    if (this.ended) return;
    this.ended = true;
    const { closing, listener } = this.deps;
    closing.forget(this);
    this.unit.listeners.delete(this);
    this.loop?.unwatch(this);
    this.disarm();
    this.letGo();
    if (this.listening) {
      this.listening = false;
      listener.releaseFor(this);
    }
  }

  protected override knownId(): string | undefined {
    return this.unit.id;
  }

  private letGo(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.deps.heartbeats.letGo(held);
  }
}
