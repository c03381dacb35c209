import type { Inbound } from '../protocol/inbound';
import type { CoordinatorStats } from './types';

type Counts = { -readonly [K in keyof CoordinatorStats['commands']]: number };

interface Latency {
  count: number;
  lastMs: number;
  totalMs: number;
  maxMs: number;
}

/**
 * The counters behind {@link Coordinator.stats$}: plain numbers bumped on the hot path, copied
 * into a {@link CoordinatorStats} only when a snapshot is asked for.
 *
 * @internal
 * @category Coordinator
 */
export class StatsCounter {
  private events = 0;
  private readonly rejected = new Map<string, number>();
  /** Commands by outcome. */
  readonly commands: Counts = {
    sent: 0,
    output: 0,
    failed: 0,
    timeout: 0,
    cancelled: 0,
    late: 0,
    unmatched: 0,
  };
  private readonly latency = new Map<string, Latency>();

  /**
   * Counts one inbound item.
   * @param item The item.
   */
  inbound(item: Inbound): void {
    if ('type_' in item) this.events++;
    else this.rejected.set(item.reason, (this.rejected.get(item.reason) ?? 0) + 1);
  }

  /**
   * Records a command's round trip.
   * @param unit The unit's host.
   * @param ms The round trip.
   */
  roundTrip(unit: string, ms: number): void {
    let l = this.latency.get(unit);
    if (l === undefined) this.latency.set(unit, (l = { count: 0, lastMs: 0, totalMs: 0, maxMs: 0 }));
    l.count++;
    l.lastMs = ms;
    l.totalMs += ms;
    if (ms > l.maxMs) l.maxMs = ms;
  }

  /**
   * A copy of the counters.
   * @param at The time of the snapshot.
   */
  snapshot(at: number): CoordinatorStats {
    const latency: Record<string, CoordinatorStats['latency'][string]> = {};
    for (const [unit, l] of this.latency)
      latency[unit] = { count: l.count, lastMs: l.lastMs, meanMs: l.totalMs / l.count, maxMs: l.maxMs };
    return {
      at,
      events: this.events,
      rejected: Object.fromEntries(this.rejected),
      commands: { ...this.commands },
      latency,
    };
  }
}
