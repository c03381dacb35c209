import {
  catchError,
  concatMap,
  defer,
  EMPTY,
  groupBy,
  ignoreElements,
  mergeMap,
  type Observable,
  of,
  Subject,
  type Subscription,
  tap,
  timer,
} from 'rxjs';
import type { PycomEvent } from '../protocol/events';
import { encodeEvent } from '../protocol/encode';
import { malformedText, type Faults } from '../simulator/faults';
import type { ActivityInput, Destination } from '../simulator/types';
import type { MemoryNetwork } from './network';

/** How long a unit tries to reach a coordinator address nobody has (the simulator's default). */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * The outbound side of a memory unit, as the simulator's: one connection per event, events to
 * the same coordinator one after the other in the order they were queued, faults applied per
 * event, failures reported and not retried; on the network's scheduler.
 *
 * ## Example
 * ```ts
 * const delivery = new MemoryDelivery(network, '192.168.0.23', faults, report);
 * delivery.send(event, { host: '192.168.0.100', port: 5000 });
 * ```
 */
export class MemoryDelivery {
  private readonly queue = new Subject<{ event: PycomEvent; to: Destination }>();
  private readonly subscription: Subscription;

  /**
   * @param network The network.
   * @param from The unit's address: events leave from it.
   * @param faults The unit's fault state, consulted once per event.
   * @param report Where `event-sent`, `event-faulted` and `delivery-failed` activity goes.
   */
  constructor(
    private readonly network: MemoryNetwork,
    private readonly from: string,
    private readonly faults: Faults,
    private readonly report: (activity: ActivityInput) => void,
  ) {
    this.subscription = this.queue
      .pipe(
        groupBy((item) => `${item.to.host}|${item.to.port}`),
        mergeMap((group) => group.pipe(concatMap((item) => this.deliver(item.event, item.to)))),
      )
      .subscribe();
  }

  /**
   * Queues an event for a coordinator.
   * @param event The event.
   * @param to The coordinator's listener.
   */
  send(event: PycomEvent, to: Destination): void {
    this.queue.next({ event, to });
  }

  /** Drops every queued event and cancels the connections under way. */
  stop(): void {
    this.subscription.unsubscribe();
    this.queue.complete();
  }

  private deliver(event: PycomEvent, to: Destination): Observable<never> {
    return defer(() => {
      const { action, delayMs } = this.faults.take();
      const wait = delayMs > 0 ? timer(delayMs, this.network.scheduler) : of(0);
      return wait.pipe(
        concatMap(() => {
          if (action === 'drop') {
            this.report({ kind: 'event-faulted', fault: 'drop', event, to, payload: '' });
            return EMPTY;
          }
          let bytes: Uint8Array;
          if (action === 'send') bytes = encodeEvent(event);
          else {
            const payload = action === 'malformed' ? malformedText(JSON.stringify(event)) : '';
            this.report({ kind: 'event-faulted', fault: action, event, to, payload });
            bytes = Buffer.from(payload, 'utf8');
          }
          return this.network
            .connect(this.from, to, () => bytes, { connectTimeoutMs: CONNECT_TIMEOUT_MS })
            .pipe(
              tap({ complete: () => action === 'send' && this.report({ kind: 'event-sent', event, to }) }),
              ignoreElements(),
              catchError((error: unknown) => {
                const err = error instanceof Error ? error : new Error(String(error));
                this.report({ kind: 'delivery-failed', event, to, error: err });
                return EMPTY;
              }),
            );
        }),
      );
    });
  }
}
