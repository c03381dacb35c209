import type { SequenceProgress } from './sequenceProgress';
import type { ShootEvent, ShootFailureReason, ShootUnitState, ShootUnitSummary } from './shootTypes';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a state change may carry. */
interface Change {
  readonly reason?: ShootFailureReason;
  readonly message?: string;
  readonly progress?: SequenceProgress;
}

const FINAL: ReadonlyArray<ShootUnitState> = ['completed', 'failed', 'not-fired'];

/**
 * The record of one shot: each unit's state and times, the events that tell them, and the
 * summary at the end.
 *
 * @internal
 * @category Coordinator
 */
export class ShootBook {
  private readonly units = new Map<string, Mutable<ShootUnitSummary>>();

  /**
   * @param hosts The units, in the order given.
   * @param now Where time comes from.
   * @param emit Where the events go.
   */
  constructor(
    hosts: ReadonlyArray<string>,
    private readonly now: () => number,
    private readonly emit: (event: ShootEvent) => void,
  ) {
    for (const unit of hosts) this.units.set(unit, { unit, state: 'loading' });
  }

  /** The units' hosts, in order. */
  get hosts(): string[] {
    return [...this.units.keys()];
  }

  /** The state of a unit. */
  state(unit: string): ShootUnitState {
    return this.units.get(unit)?.state ?? 'failed';
  }

  /** Whether every unit is in one of `states`. */
  every(...states: ShootUnitState[]): boolean {
    return [...this.units.values()].every((u) => states.includes(u.state));
  }

  /** Whether the unit is done (completed, failed or not fired). */
  settled(unit: string): boolean {
    return FINAL.includes(this.state(unit));
  }

  /** Moves a unit to `state` (once settled, it stays), records the time, emits the change. */
  set(unit: string, state: ShootUnitState, change: Change = {}): void {
    const u = this.units.get(unit);
    if (u === undefined || FINAL.includes(u.state)) return;
    const at = this.now();
    u.state = state;
    if (state === 'ready') u.loadedAt = at;
    if (state === 'fired') u.firedAt = at;
    if (state === 'completed') {
      u.completedAt = at;
      if (u.firedAt !== undefined) u.runMs = at - u.firedAt;
    }
    if (change.reason !== undefined) u.reason = change.reason;
    if (change.message !== undefined) u.message = change.message;
    this.emit({ kind: 'unit', unit, state, at, ...change });
  }

  /** The summary: the outcome, each unit, the fire spread. */
  summary(dryRun: boolean): ShootEvent {
    const units = [...this.units.values()].map((u) => ({ ...u }));
    const fired = units.flatMap((u) => (u.firedAt === undefined ? [] : [u.firedAt]));
    const failed = units.some((u) => u.state === 'failed');
    const outcome =
      fired.length > 0
        ? this.every('completed')
          ? 'completed'
          : 'partial'
        : dryRun && !failed
          ? 'dry-run'
          : 'not-fired';
    return {
      kind: 'summary',
      outcome,
      units,
      ...(fired.length === 0 ? {} : { fireSpreadMs: Math.max(...fired) - Math.min(...fired) }),
    };
  }
}
