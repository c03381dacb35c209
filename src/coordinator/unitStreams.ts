import { filter, Observable, take, type SchedulerLike } from 'rxjs';
import { after } from '../operators/after';
import { ofType } from '../operators/ofType';
import type { UnitInfo } from '../protocol';
import type { Received } from '../protocol/inbound';
import type { Target } from '../transport';
import { UnitInfoTimeoutError } from './errors';
import type { ConnectionDeps } from './connection';
import { runSequence, type RunSequenceOptions, type SequenceProgress } from './runSequence';
import type { Sequence } from '../sequence/registers';
import type { CommandOutput } from '../protocol/tagged';
import type { CommandOptions } from './types';
import type { UnitInfoRefresh } from './unitInfoRefresh';
import type { Unit } from './units';
import { completionRules, type CompletionRules } from './completionRules';

/**
 * What the streams of one unit need of their coordinator.
 * @internal
 */
export interface UnitStreamDeps extends ConnectionDeps {
  /** Holds the unit (heartbeated) and the listener while subscribed. */
  readonly holdUnit: (unit: Unit) => Observable<never>;
  /** Sends one command now. */
  readonly exec: (unit: Unit, command: string, options?: CommandOptions) => Observable<CommandOutput>;
  /** Sends the unit one heartbeat from a fresh coordinator id, once the listener is bound. */
  readonly freshIdBeat: (unit: Unit) => Observable<unknown>;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
  /** The coordinator's overrides of the completion rules of sequences. */
  readonly completion?: Partial<CompletionRules>;
}

/**
 * The unit's events, as routed by the listener (which someone else must hold).
 * @internal
 * @param unit The unit.
 */
export function eventsOf(unit: Unit): Observable<Received> {
  return new Observable<Received>((subscriber) => {
    const listener = (event: Received) => subscriber.next(event);
    unit.listeners.add(listener);
    return () => unit.listeners.delete(listener);
  });
}

/**
 * Runs `inner` with the unit held (heartbeated, listener bound) while it is subscribed: watch
 * first, then hold, so the first heartbeat's outcome or answer is never missed.
 */
function withUnitHeld<T>(deps: UnitStreamDeps, unit: Unit, inner: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscription = inner.subscribe(subscriber);
    subscription.add(deps.holdUnit(unit).subscribe({ error: (e: unknown) => subscriber.error(e) }));
    return subscription;
  });
}

/**
 * The unit's `unit_info` once (cached, or the next one while heartbeated), or a timeout error.
 * With `refresh`, never the cached one: the unit is asked again (see {@link UnitInfoRefresh}).
 * @internal
 */
export function infoOf(
  deps: UnitStreamDeps,
  unit: Unit,
  timeoutMs: number,
  refresh?: UnitInfoRefresh,
): Observable<UnitInfo> {
  return new Observable<UnitInfo>((subscriber) => {
    if (unit.info !== undefined && refresh === undefined) {
      subscriber.next(unit.info);
      return subscriber.complete();
    }
    const next$ = eventsOf(unit).pipe(
      ofType('unit_info'),
      filter(() => unit.heartbeated),
      take(1),
    );
    const subscription = withUnitHeld(deps, unit, next$).subscribe(subscriber);
    // 'fresh-id': watching already, so the answer is never missed; a failed send is not fatal
    // (the regular heartbeats may still bring a first unit_info), the timeout decides
    if (refresh === 'fresh-id')
      subscription.add(deps.freshIdBeat(unit).subscribe({ error: () => undefined }));
    if (timeoutMs <= 2 ** 31 - 1) {
      const error = () => subscriber.error(new UnitInfoTimeoutError(unit.host, timeoutMs));
      subscription.add(after(deps.scheduler, timeoutMs, error));
    }
    return subscription;
  });
}

/**
 * Runs a sequence's steps on a resolved unit, held throughout.
 * @internal
 */
export function sequenceOn(
  deps: UnitStreamDeps,
  unit: Unit,
  target: Target,
  sequence: Sequence,
  options: RunSequenceOptions,
): Observable<SequenceProgress> {
  const runner = {
    command: (_: Target, command: string, o: { timeoutMs?: number }) =>
      deps.exec(unit, command, { outputTimeoutMs: o.timeoutMs }),
    eventsFrom: () => eventsOf(unit),
  };
  return withUnitHeld(
    deps,
    unit,
    runSequence(runner, target, sequence, {
      scheduler: deps.scheduler,
      ...options,
      // the coordinator's rules, then the call's timeouts, then the call's rules
      completion: completionRules(
        deps.completion,
        { loadTimeoutMs: options.stepTimeoutMs, runTimeoutMs: options.runTimeoutMs },
        options.completion,
      ),
    }),
  );
}
