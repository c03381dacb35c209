import type { Identity, UnitInfo } from '../protocol';
import type { Received, Remote } from '../protocol/inbound';

/**
 * Who listens to a unit's events: a function, or an object told through `onUnitEvent` (a
 * connected unit's presence: no closure of its own).
 *
 * @internal
 * @category Coordinator
 */
export type UnitListener = ((event: Received) => void) | { onUnitEvent(event: Received): void };

/**
 * A unit the coordinator talks to: where it is, what it said about itself, who listens to it.
 *
 * @internal
 * @category Coordinator
 */
export interface Unit {
  /** `host:port`: the key of its queue. */
  readonly key: string;
  /** Its address: events from this source address are its own. */
  readonly host: string;
  /** Its pycom port. */
  readonly port: number;
  /** Its id, once an event of it was seen. */
  id?: string;
  /** Its last `unit_info`, accepted only while it is heartbeated. */
  info?: UnitInfo;
  /** Whether this coordinator has heartbeated it (only then may it set `info`). */
  heartbeated: boolean;
  /** Handlers of the streams of its events. */
  readonly listeners: Set<UnitListener>;
}

/**
 * The units this coordinator talks to, and which of them an inbound event belongs to: by the
 * connection's source address (or, when trusted, the `ip` field), then by `id` when several
 * units share an address. Only units named by the application are kept, so a flood of events
 * from unknown senders leaves nothing behind.
 *
 * @internal
 * @category Coordinator
 */
export class UnitDirectory {
  private readonly byKey = new Map<string, Unit>();
  /** The unit at each address; an array when several units share it (different ports). */
  private readonly byHost = new Map<string, Unit | Unit[]>();

  /** @param trustIpField Whether the `ip` field of events may name their unit. */
  constructor(private readonly trustIpField: boolean) {}

  /**
   * The unit at an address, created on first use.
   * @param host Its address, resolved and canonical (as a connection's source address reads).
   * @param port Its pycom port.
   */
  unit(host: string, port: number): Unit {
    const key = `${host}:${port}`;
    let unit = this.byKey.get(key);
    if (unit === undefined) {
      unit = { key, host, port, heartbeated: false, listeners: new Set() };
      this.byKey.set(key, unit);
      const other = this.byHost.get(host);
      if (other === undefined) this.byHost.set(host, unit);
      else if (Array.isArray(other)) other.push(unit);
      else this.byHost.set(host, [other, unit]);
    }
    return unit;
  }

  /**
   * The unit an event belongs to, if any; learns the unit's id on the way.
   * @param event The event.
   * @param remote The connection's source.
   */
  route(event: Identity, remote: Remote): Unit | undefined {
    const list =
      (this.trustIpField ? this.byHost.get(event.ip) : undefined) ?? this.byHost.get(remote.address);
    if (list === undefined) return undefined;
    let unit: Unit | undefined;
    if (!Array.isArray(list)) unit = list;
    else {
      unit = list.find((u) => u.id === event.id);
      if (unit === undefined) {
        const unnamed = list.filter((u) => u.id === undefined);
        if (unnamed.length === 1) unit = unnamed[0];
      }
    }
    if (unit !== undefined) unit.id = event.id;
    return unit;
  }

  /** Every unit, in the order they were first used. */
  list(): IterableIterator<Unit> {
    return this.byKey.values();
  }
}
