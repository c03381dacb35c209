import { Observable, type SchedulerLike } from 'rxjs';
import { channels, published } from '../diagnostics';
import type { PycomEvent } from '../protocol';
import { after } from '../operators/after';
import type { HeartbeatOutcome } from './heartbeats';
import type { Presence, PresenceState } from './types';

/**
 * What {@link presence} watches.
 *
 * @internal
 * @category Coordinator
 */
export interface PresenceInputs {
  /** The unit's host. */
  readonly unit: string;
  /** The unit's id, when the coordinator knows it. */
  readonly idOf?: () => string | undefined;
  /** The outcome of each heartbeat sent to the unit. */
  readonly outcomes$: Observable<HeartbeatOutcome>;
  /** The unit's events. */
  readonly events$: Observable<PycomEvent>;
  /** How often the lost check runs. */
  readonly intervalMs: number;
  /** Lost after this long without a delivered heartbeat or an event. */
  readonly lostAfterMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
}

const isRefused = (error: unknown): boolean => {
  const e = error as { reason?: unknown } | undefined;
  return e?.reason === 'refused';
};

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A unit's presence from what the network says: `pending` at once; `connected` when a heartbeat
 * was delivered (the unit accepted it and closed) or an event came from the unit; `lost` at once
 * when a heartbeat is refused (message `refused: …`), or when nothing got through for
 * `lostAfterMs` (message: the last heartbeat error); `connected` again when something gets
 * through. Only changes are emitted.
 *
 * @internal
 * @category Coordinator
 */
export function presence(inputs: PresenceInputs): Observable<Presence> {
  const { unit, scheduler, lostAfterMs } = inputs;
  return new Observable<Presence>((subscriber) => {
    let state: PresenceState | undefined;
    let id = inputs.idOf?.();
    let lastHeard = scheduler.now();
    let lastError: string | undefined;

    const become = (next: PresenceState, message?: string) => {
      if (next === state) return;
      state = next;
      subscriber.next(
        published(channels.presence, {
          unit,
          state,
          at: scheduler.now(),
          ...(id === undefined ? {} : { id }),
          ...(message === undefined ? {} : { message }),
        }),
      );
    };
    const heard = () => {
      id ??= inputs.idOf?.();
      lastHeard = scheduler.now();
      lastError = undefined;
      become('connected');
    };

    become('pending');
    subscriber.add(
      inputs.events$.subscribe({
        next: (event) => {
          id = event.id;
          heard();
        },
        error: (e: unknown) => subscriber.error(e),
      }),
    );
    subscriber.add(
      inputs.outcomes$.subscribe((outcome) => {
        if (outcome.kind === 'delivered') return heard();
        lastError = describe(outcome.error);
        if (isRefused(outcome.error)) become('lost', `refused: ${lastError}`);
      }),
    );
    const every = Math.max(1, Math.min(inputs.intervalMs, lostAfterMs));
    let cancel: () => void;
    const check = () => {
      cancel = after(scheduler, every, check);
      if (scheduler.now() - lastHeard >= lostAfterMs)
        become('lost', lastError ?? `nothing heard for ${lostAfterMs} ms`);
    };
    cancel = after(scheduler, lostAfterMs, check);
    subscriber.add(() => cancel());
  });
}
