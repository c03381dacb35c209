import type { AddressInfo } from 'node:net';
import {
  BehaviorSubject,
  defer,
  EMPTY,
  filter,
  finalize,
  map,
  Observable,
  share,
  take,
  takeUntil,
  tap,
  type Subscriber,
  type Unsubscribable,
} from 'rxjs';
import { isReceived, isRejected, type Inbound, type Received } from '../protocol/inbound';
import { untagOutput } from '../protocol/tagged';
import type { ListenOptions, Transport } from '../transport';
import type { Closing } from './closing';
import type { OutputMatcher } from './matcher';
import { SharedHold, type HoldWatcher } from './sharedHold';
import type { StatsCounter } from './stats';
import type { UnitDirectory } from './units';

/** An event with the trailer of a tagged output removed (and its `exitCode` added). */
const untagged = (event: Received): Received => (event.type_ === 'output' ? untagOutput(event) : event);

/**
 * What {@link CoordinatorListener} is built from.
 * @internal
 */
export interface ListenerDeps {
  /** Where events come from. */
  readonly transport: Transport;
  /** Where to bind, and the limits. */
  readonly listen: ListenOptions | undefined;
  /** The coordinator's end: the listener ends with it. */
  readonly closing: Closing;
  /** Counts every item. */
  readonly stats: StatsCounter;
  /** Pairs outputs with commands. */
  readonly matcher: OutputMatcher;
  /** Which unit an event belongs to. */
  readonly units: UnitDirectory;
}

/**
 * The coordinator's one listener: bound by the first holder (or subscriber), shared, released
 * after the last one. Each item goes first through the output matcher (trailers still on), then,
 * its trailer removed, to the streams of the unit it came from.
 *
 * @internal
 * @category Coordinator
 */
export class CoordinatorListener {
  /** The bound address, while bound. */
  readonly bound$ = new BehaviorSubject<AddressInfo | undefined>(undefined);
  /** Every item as the listener emitted it, trailers on (shared). */
  readonly inbound$: Observable<Inbound>;
  /** The valid events, trailers of tagged outputs removed. */
  readonly events$: Observable<Received>;
  /** The rejected payloads (shared). */
  readonly rejected$: Observable<Extract<Inbound, { readonly kind: 'rejected' }>>;
  /** The bound address while bound; holds the listener while subscribed. */
  readonly listening$: Observable<AddressInfo>;
  /** The bound address once. */
  readonly ready$: Observable<AddressInfo>;
  private readonly shared: SharedHold;

  /** @param deps Transport, options, and the coordinator's parts the items go through. */
  constructor({ transport, listen, closing, stats, matcher, units }: ListenerDeps) {
    const raw$ = defer(() =>
      closing.closed ? EMPTY : transport.listen({ ...listen, onListening: (a) => this.bound$.next(a) }),
    ).pipe(
      takeUntil(closing.closed$),
      finalize(() => this.bound$.next(undefined)),
      tap((item) => {
        stats.inbound(item);
        // the matcher first: a command is answered before its unit's streams see the output
        matcher.see(item);
        if (isReceived(item)) route(untagged(item));
      }),
      share(),
    );
    const route = (event: Received) => {
      const unit = units.route(event, event.remote);
      if (unit === undefined) return;
      if (event.type_ === 'unit_info' && unit.heartbeated) unit.info = event;
      for (const listener of unit.listeners)
        if (typeof listener === 'function') listener(event);
        else listener.onUnitEvent(event);
    };
    this.inbound$ = raw$;
    this.events$ = raw$.pipe(filter(isReceived), map(untagged));
    this.rejected$ = raw$.pipe(filter(isRejected));
    this.shared = new SharedHold(raw$);
    this.listening$ = this.holding(this.bound$.pipe(filter((a): a is AddressInfo => a !== undefined)));
    this.ready$ = this.listening$.pipe(take(1));
  }

  /**
   * Holds the listener for `subscriber`, which gets its error or completion.
   * @param subscriber Told if the listener fails or ends.
   * @returns Releases the hold.
   */
  hold(subscriber: Subscriber<unknown>): () => void {
    return this.shared.hold({ error: (e) => subscriber.error(e), complete: () => subscriber.complete() });
  }

  /**
   * Holds the listener for `watcher` itself until {@link CoordinatorListener.releaseFor}: no
   * closure per hold (a connected unit's).
   * @param watcher Told if the listener fails or ends (its hold is then over).
   */
  holdFor(watcher: HoldWatcher): void {
    this.shared.add(watcher);
  }

  /**
   * Releases the hold of {@link CoordinatorListener.holdFor}.
   * @param watcher The watcher.
   */
  releaseFor(watcher: HoldWatcher): void {
    this.shared.remove(watcher);
  }

  /** Holds the listener, not told of its end, until the returned hold is unsubscribed (an addressed unit's). */
  retain(): Unsubscribable {
    return this.shared.retain();
  }

  /**
   * A stream that holds the listener while subscribed.
   * @param source The stream.
   */
  holding<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const release = this.hold(subscriber);
      const inner = source.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        release();
      };
    });
  }
}
