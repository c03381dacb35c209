import {
  catchError,
  endWith,
  exhaustMap,
  ignoreElements,
  Observable,
  of,
  take,
  timer,
  type Observable as Obs,
} from 'rxjs';
import type { PycomEvent } from '../protocol';
import type { Presence, PresenceState } from './types';

/**
 * What {@link presence} needs from the coordinator.
 *
 * ## Example
 * ```ts
 * presence({ unit: '127.0.0.2', events$, ready$, heartbeat: () => send(...), isFromUnit, intervalMs: 5000, lostAfterMs: 15000 });
 * ```
 */
export interface PresenceInputs {
  /** The unit as the caller named it. */
  readonly unit: string;
  /** Every event received (subscribing keeps the listener bound). */
  readonly events$: Obs<PycomEvent>;
  /** Emits once the listener is bound (heartbeats carry its port). */
  readonly ready$: Obs<unknown>;
  /** Sends one heartbeat; completes when delivered, errors otherwise. */
  readonly heartbeat: () => Obs<unknown>;
  /** Whether an event comes from this unit. */
  readonly isFromUnit: (event: PycomEvent) => boolean;
  /** Time between heartbeats. */
  readonly intervalMs: number;
  /** Lost after this long without a delivered heartbeat. */
  readonly lostAfterMs: number;
}

/**
 * Sends heartbeats to one unit while subscribed and reports its presence: `pending` at once,
 * `connected` when the unit speaks (any event from it), `lost` when no heartbeat was delivered
 * for `lostAfterMs`, and `connected` again when a heartbeat is delivered after that (or
 * `pending`, if the unit never spoke). Only changes are emitted.
 *
 * ## Example
 * ```ts
 * presence(inputs).subscribe((p) => console.log(p.state));
 * ```
 * @param inputs The unit, the coordinator's streams and the timers.
 */
export function presence(inputs: PresenceInputs): Observable<Presence> {
  const { unit, intervalMs, lostAfterMs } = inputs;
  return new Observable<Presence>((subscriber) => {
    let state: PresenceState | undefined;
    let spoke = false;
    let id: string | undefined;
    let lastDelivered = Date.now();
    let lastError: string | undefined;

    const become = (next: PresenceState, reason?: string) => {
      if (next === state) return;
      state = next;
      subscriber.next({
        unit,
        state,
        at: Date.now(),
        ...(id === undefined ? {} : { id }),
        ...(reason ? { reason } : {}),
      });
    };
    const checkLost = () => {
      if (Date.now() - lastDelivered >= lostAfterMs) {
        become('lost', lastError ?? `no heartbeat delivered for ${lostAfterMs} ms`);
      }
    };

    become('pending');
    subscriber.add(
      inputs.events$.subscribe({
        next: (event) => {
          if (!inputs.isFromUnit(event)) return;
          spoke = true;
          id = event.id;
          lastDelivered = Date.now();
          become('connected');
        },
        error: (e: unknown) => subscriber.error(e),
      }),
    );
    subscriber.add(
      inputs.ready$
        .pipe(
          take(1),
          exhaustMap(() => timer(0, intervalMs)),
          exhaustMap(() =>
            inputs.heartbeat().pipe(
              ignoreElements(),
              endWith(undefined),
              catchError((e: unknown) => of(e instanceof Error ? e.message : String(e))),
            ),
          ),
        )
        .subscribe((failure) => {
          if (failure === undefined) {
            lastDelivered = Date.now();
            lastError = undefined;
            if (state === 'lost') become(spoke ? 'connected' : 'pending');
          } else {
            lastError = failure;
          }
          checkLost();
        }),
    );
    subscriber.add(timer(lostAfterMs, Math.max(1, Math.min(intervalMs, lostAfterMs))).subscribe(checkLost));
  });
}
