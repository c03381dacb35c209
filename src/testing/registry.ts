import type { SchedulerLike, Subscription } from 'rxjs';
import type { Heartbeat } from '../protocol/requests';
import { coordinatorKey } from '../simulator/coordinators';
import type { KnownCoordinator } from '../simulator/types';

/**
 * The coordinators a memory unit knows, each forgotten after `timeoutMs` without a heartbeat
 * (on the scheduler), and those that already got `unit_info` (kept when they expire, so a
 * reconnection gets none; cleared by `clear()`, i.e. a reboot). The simulator's registry, in
 * scheduler time.
 *
 * ## Example
 * ```ts
 * const registry = new MemoryRegistry(scheduler, 15_000, (c) => console.log('expired', c.id));
 * registry.heartbeat(beat, '192.168.0.100');
 * ```
 */
export class MemoryRegistry {
  private readonly known = new Map<string, { coordinator: KnownCoordinator; expiry: Subscription }>();
  private readonly informed = new Set<string>();

  /**
   * @param scheduler Where time comes from.
   * @param timeoutMs Silence after which a coordinator is forgotten.
   * @param onExpired Called with each forgotten coordinator.
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly timeoutMs: number,
    private readonly onExpired: (coordinator: KnownCoordinator) => void,
  ) {}

  /**
   * Records a heartbeat and restarts the coordinator's expiry.
   * @param beat The heartbeat.
   * @param host The source address of its connection.
   * @return The coordinator, and whether it was new.
   */
  heartbeat(beat: Heartbeat, host: string): { coordinator: KnownCoordinator; added: boolean } {
    const now = this.scheduler.now();
    const key = coordinatorKey({ id: beat.id, host, port: beat.port });
    const previous = this.known.get(key);
    previous?.expiry.unsubscribe();
    const coordinator: KnownCoordinator = {
      id: beat.id,
      name: beat.name,
      host,
      port: beat.port,
      since: previous?.coordinator.since ?? now,
      lastHeartbeatAt: now,
    };
    const expiry = this.scheduler.schedule(() => {
      this.known.delete(key);
      this.onExpired(coordinator);
    }, this.timeoutMs);
    this.known.set(key, { coordinator, expiry });
    return { coordinator, added: previous === undefined };
  }

  /** The coordinators known now, in the order they were first heard. */
  list(): ReadonlyArray<KnownCoordinator> {
    return [...this.known.values()].map((entry) => entry.coordinator);
  }

  /**
   * Marks a coordinator as having got `unit_info`.
   * @param coordinator The coordinator.
   * @return `true` if it had not got one yet.
   */
  markInformed(coordinator: KnownCoordinator): boolean {
    const key = coordinatorKey(coordinator);
    if (this.informed.has(key)) return false;
    this.informed.add(key);
    return true;
  }

  /** Forgets everything and cancels every expiry. */
  clear(): void {
    for (const entry of this.known.values()) entry.expiry.unsubscribe();
    this.known.clear();
    this.informed.clear();
  }
}
