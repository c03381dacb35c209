import { Observable, type SchedulerLike, type Subscriber } from 'rxjs';
import { channels, published } from '../diagnostics';
import type { PycomEvent } from '../protocol';
import type { HeartbeatOutcome, OutcomeWatcher } from './heartbeatLoop';
import type { Presence, PresenceState } from './types';
import { startTimer, stopTimer, type TimerHandle, type TimerTarget } from './unitTimer';

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
 * The timing of {@link PresenceTracker}s: shared by every presence of a coordinator.
 *
 * @internal
 * @category Coordinator
 */
export interface PresenceTiming {
  /** How often the lost check runs. */
  readonly intervalMs: number;
  /** Lost after this long without a delivered heartbeat or an event. */
  readonly lostAfterMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
}

/**
 * One presence, as {@link presence} describes it, as an object: told of the unit's events and
 * heartbeat outcomes by method calls, its lost check its own timer's target. A coordinator keeps
 * one per connected unit, so it is fields and methods rather than closures.
 *
 * @internal
 * @category Coordinator
 */
export class PresenceTracker implements TimerTarget, OutcomeWatcher {
  private state: PresenceState | undefined = undefined;
  private id: string | undefined = undefined;
  private lastHeard = 0;
  private lastError: string | undefined = undefined;
  private check: TimerHandle | undefined = undefined;

  /**
   * @param timing The intervals and the scheduler.
   * @param host The unit's host.
   * @param subscriber Where the presences go.
   * @param idOf The unit's id, when the coordinator knows it.
   */
  constructor(
    private readonly timing: PresenceTiming,
    private readonly host: string,
    protected readonly subscriber: Subscriber<Presence>,
    private readonly idOf?: () => string | undefined,
  ) {}

  /** `pending` at once (watch the events and outcomes next, then {@link PresenceTracker.arm}). */
  begin(): void {
    this.id = this.knownId();
    this.lastHeard = this.timing.scheduler.now();
    this.become('pending');
  }

  /** Starts the lost check: after `lostAfterMs`, then every `min(intervalMs, lostAfterMs)`. */
  arm(): void {
    this.check = startTimer(this.timing.scheduler, this.timing.lostAfterMs, this);
  }

  /** Stops the lost check. */
  disarm(): void {
    stopTimer(this.check);
    this.check = undefined;
  }

  /**
   * An event of the unit: `connected`.
   * @param event The event.
   */
  onEvent(event: PycomEvent): void {
    this.id = event.id;
    this.heard();
  }

  /**
   * A heartbeat's outcome: delivered is `connected`, refused `lost` at once.
   * @param outcome The outcome.
   */
  onOutcome(outcome: HeartbeatOutcome): void {
    if (outcome.kind === 'delivered') return this.heard();
    this.lastError = describe(outcome.error);
    if (isRefused(outcome.error)) this.become('lost', `refused: ${this.lastError}`);
  }

  /** The lost check. */
  onTimer(): void {
    const { scheduler, intervalMs, lostAfterMs } = this.timing;
    this.check = startTimer(scheduler, Math.max(1, Math.min(intervalMs, lostAfterMs)), this);
    if (scheduler.now() - this.lastHeard >= lostAfterMs)
      this.become('lost', this.lastError ?? `nothing heard for ${lostAfterMs} ms`);
  }

  /** The unit's id as the coordinator knows it. */
  protected knownId(): string | undefined {
    return this.idOf?.();
  }

  private heard(): void {
    this.id ??= this.knownId();
    this.lastHeard = this.timing.scheduler.now();
    this.lastError = undefined;
    this.become('connected');
  }

  private become(next: PresenceState, message?: string): void {
    if (next === this.state) return;
    this.state = next;
    const { id } = this;
    this.subscriber.next(
      published(channels.presence, {
        unit: this.host,
        state: next,
        at: this.timing.scheduler.now(),
        ...(id === undefined ? {} : { id }),
        ...(message === undefined ? {} : { message }),
      }),
    );
  }
}

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
  return new Observable<Presence>((subscriber) => {
    const tracker = new PresenceTracker(inputs, inputs.unit, subscriber, inputs.idOf);
    tracker.begin();
    subscriber.add(
      inputs.events$.subscribe({
        next: (event) => tracker.onEvent(event),
        error: (e: unknown) => subscriber.error(e),
      }),
    );
    subscriber.add(inputs.outcomes$.subscribe((outcome) => tracker.onOutcome(outcome)));
    tracker.arm();
    subscriber.add(() => tracker.disarm());
  });
}
