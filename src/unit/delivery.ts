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
import type { ActivityInput } from './activity';
import type { UnitEnvironment } from './environment';
import { malformedText, type FaultDecision, type Faults } from './faults';
import type { Destination } from './types';

interface Item {
  readonly event: PycomEvent;
  readonly to: Destination;
}

/**
 * The outbound side of a unit: one short-lived connection per event, as pycom does. Events to
 * the same coordinator go one after the other, in the order they were queued (the next
 * connection opens once the previous one is finished), so a coordinator sees a command's
 * `output` before boardio's answer to it. Faults apply per event; a failed delivery is reported
 * and the queue goes on; there is no retry. `stop()` abandons open connections and drops what is
 * queued.
 *
 * ## Example
 * ```ts
 * const delivery = new Delivery(environment, faults, report);
 * delivery.send(event, { host: '127.0.0.1', port: 5001 });
 * delivery.stop();
 * ```
 * @internal
 */
export class Delivery {
  private readonly queue = new Subject<Item>();
  private readonly subscription: Subscription;

  /**
   * @param environment The network events leave on, and the scheduler of fault delays.
   * @param faults The unit's fault state, consulted once per event.
   * @param report Where `event-sent`, `event-faulted` and `delivery-failed` activity goes.
   */
  constructor(
    private readonly environment: Pick<UnitEnvironment, 'network' | 'scheduler'>,
    private readonly faults: Faults,
    private readonly report: (activity: ActivityInput) => void,
  ) {
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

  /** Abandons open connections and drops every queued event. */
  stop(): void {
    this.subscription.unsubscribe();
    this.queue.complete();
  }

  private deliver(item: Item): Observable<never> {
    return defer(() => {
      const decision = this.faults.take();
      const wait = decision.delayMs > 0 ? timer(decision.delayMs, this.environment.scheduler) : of(0);
      return wait.pipe(concatMap(() => this.act(item, decision.action)));
    });
  }

  private act({ event, to }: Item, action: FaultDecision['action']): Observable<never> {
    const { report } = this;
    if (action === 'drop') {
      report({ kind: 'event-faulted', fault: 'drop', event, to, payload: '' });
      return EMPTY;
    }
    let bytes: Uint8Array;
    if (action === 'send') bytes = encodeEvent(event);
    else {
      const payload = action === 'malformed' ? malformedText(JSON.stringify(event)) : '';
      report({ kind: 'event-faulted', fault: action, event, to, payload });
      bytes = Buffer.from(payload, 'utf8');
    }
    return this.environment.network.deliver(to, bytes).pipe(
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
