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
import { sendPayload } from '../transport/send';
import { malformedText, type Faults } from './faults';
import type { ActivityInput, Destination } from './types';

/**
 * Options of {@link Delivery}.
 *
 * ## Example
 * ```ts
 * const options: DeliveryOptions = { faults, connectTimeoutMs: 2000, timeoutMs: 5000, report: console.log };
 * ```
 * @category Simulator
 */
export interface DeliveryOptions {
  /** The unit's fault state, consulted once per event. */
  readonly faults: Faults;
  /** Connect timeout of each event connection. */
  readonly connectTimeoutMs: number;
  /** Overall timeout of each event connection. */
  readonly timeoutMs: number;
  /** The unit's own address: events leave from it, as they would from a real unit. */
  readonly localAddress?: string;
  /** Where `event-sent`, `event-faulted` and `delivery-failed` activity goes. */
  readonly report: (activity: ActivityInput) => void;
}

interface Item {
  readonly event: PycomEvent;
  readonly to: Destination;
}

/**
 * The outbound side of a simulated unit: one short-lived connection per event, as pycom does.
 * Events to the same coordinator go one after the other, in the order they were queued (the next
 * connection opens once the previous one is finished), so a coordinator sees a command's `output`
 * before boardio's answer to it. A failed delivery is reported and the queue goes on; there is no
 * retry. `stop()` destroys open connections and drops what is queued.
 *
 * ## Example
 * ```ts
 * const delivery = new Delivery({ faults, connectTimeoutMs: 2000, timeoutMs: 5000, report });
 * delivery.send(event, { host: '127.0.0.1', port: 5001 });
 * delivery.stop();
 * ```
 * @category Simulator
 */
export class Delivery {
  private readonly queue = new Subject<Item>();
  private readonly subscription: Subscription;

  /**
   * @param options Faults, timeouts and where to report.
   */
  constructor(private readonly options: DeliveryOptions) {
    this.subscription = this.queue
      .pipe(
        groupBy((item) => `${item.to.host}|${item.to.port}`),
        mergeMap((group) => group.pipe(concatMap((item) => this.deliver(item)))),
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

  /** Destroys open connections and drops every queued event. */
  stop(): void {
    this.subscription.unsubscribe();
    this.queue.complete();
  }

  private deliver(item: Item): Observable<never> {
    return defer(() => {
      const decision = this.options.faults.take();
      const wait = decision.delayMs > 0 ? timer(decision.delayMs) : of(0);
      return wait.pipe(concatMap(() => this.act(item, decision.action)));
    });
  }

  private act(item: Item, action: 'send' | 'drop' | 'malformed' | 'empty'): Observable<never> {
    const { event, to } = item;
    const { report } = this.options;
    if (action === 'drop') {
      report({ kind: 'event-faulted', fault: 'drop', event, to, payload: '' });
      return EMPTY;
    }
    let bytes: Buffer;
    if (action === 'malformed') {
      const payload = malformedText(JSON.stringify(event));
      report({ kind: 'event-faulted', fault: 'malformed', event, to, payload });
      bytes = Buffer.from(payload, 'utf8');
    } else if (action === 'empty') {
      report({ kind: 'event-faulted', fault: 'empty', event, to, payload: '' });
      bytes = Buffer.alloc(0);
    } else {
      bytes = encodeEvent(event);
    }
    return sendPayload(to, bytes, {
      connectTimeoutMs: this.options.connectTimeoutMs,
      timeoutMs: this.options.timeoutMs,
      localAddress: this.options.localAddress,
    }).pipe(
      tap({ complete: () => action === 'send' && report({ kind: 'event-sent', event, to }) }),
      ignoreElements(),
      catchError((error: unknown) => {
        const err = error instanceof Error ? error : new Error(String(error));
        report({ kind: 'delivery-failed', event, to, error: err });
        return EMPTY;
      }),
    );
  }
}
