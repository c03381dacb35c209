import type { SchedulerLike, Subscription } from 'rxjs';
import type { Heartbeat } from '../protocol/requests';
import type { UnitInfoOncePer } from './options';
import type { KnownCoordinator } from './types';

/**
 * The key that tells coordinators apart: their `id`, source IP and event port. A coordinator that
 * comes back with the same three is "the same coordinator" (no second `unit_info`).
 *
 * ## Example
 * ```ts
 * coordinatorKey({ id: '7756f193', host: '127.0.0.1', port: 5001 }); // '7756f193@127.0.0.1:5001'
 * ```
 * @internal
 * @param c The coordinator.
 */
export function coordinatorKey(c: Pick<KnownCoordinator, 'id' | 'host' | 'port'>): string {
  return `${c.id}@${c.host}:${c.port}`;
}

/**
 * The coordinators a unit knows, each forgotten after `timeoutMs` without a heartbeat (on the
 * scheduler), and the set of coordinators that already got `unit_info` (kept when they expire,
 * so a reconnection does not get a second one; cleared only by `clear()`, i.e. a reboot).
 *
 * ## Example
 * ```ts
 * const registry = new CoordinatorRegistry(scheduler, 15_000, (c) => console.log('expired', c.id));
 * registry.heartbeat(beat, '127.0.0.1');
 * ```
 * @internal
 */
export class CoordinatorRegistry {
  private readonly known = new Map<string, { coordinator: KnownCoordinator; expiry: Subscription }>();
  private readonly informed = new Set<string>();

  /**
   * @param scheduler Where time comes from.
   * @param timeoutMs Silence after which a coordinator is forgotten.
   * @param onExpired Called with each forgotten coordinator.
   * @param informedPer What gets `unit_info` once (see {@link UnitInfoOncePer}).
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly timeoutMs: number,
    private readonly onExpired: (coordinator: KnownCoordinator) => void,
    private readonly informedPer: UnitInfoOncePer = 'coordinator',
  ) {}

  /**
   * Records a heartbeat from a coordinator and restarts its expiry.
   * @param beat The heartbeat (its `coordinator` field is not checked here).
   * @param host The source IP of the heartbeat's connection.
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
   * @return `true` if it had not got one yet (so it should be sent now).
   */
  markInformed(coordinator: KnownCoordinator): boolean {
    const key = this.informedPer === 'address' ? coordinator.host : coordinatorKey(coordinator);
    if (this.informed.has(key)) return false;
    this.informed.add(key);
    return true;
  }

  /** Forgets everything (coordinators and who got `unit_info`) and cancels every expiry. */
  clear(): void {
    for (const entry of this.known.values()) entry.expiry.unsubscribe();
    this.known.clear();
    this.informed.clear();
  }
}
