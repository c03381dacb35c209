import type { UnitInfo } from '../protocol';
import type { Coordinator } from '../coordinator/types';

/**
 * Options of {@link discover}. Every field is optional.
 *
 * ## Example
 * ```ts
 * const options: DiscoverOptions = { subnet: '192.168.1.0/24', connectTimeoutMs: 500, coordinator };
 * ```
 * @category Coordinator
 */
export interface DiscoverOptions {
  /** The IPv4 subnet to scan, in CIDR notation, /16 to /32. Default `'192.168.0.0/24'`. */
  readonly subnet?: string;
  /**
   * Addresses probed before the rest, in this order, **if they are hosts of `subnet`** (others are
   * ignored: nothing outside the subnet is ever contacted). Default `['192.168.0.23']`, the
   * address a unit falls back to on a point-to-point cable.
   */
  readonly preferred?: ReadonlyArray<string>;
  /** The TCP port probed. Default 5000 (pycom's). */
  readonly port?: number;
  /** An address that does not accept the connection within this time is skipped. Default 300 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Time allowed to hand a probe's heartbeat over once connected (a peer that keeps the
   * connection open after taking it still counts as a responder). Default 1 000 ms.
   */
  readonly handOverTimeoutMs?: number;
  /** The local address the probes are sent from (default: chosen by the system). */
  readonly localAddress?: string;
  /** Probes in flight at once. Default 64. */
  readonly concurrency?: number;
  /**
   * When given, every responder is heartbeated with this coordinator (`connect(address)`) until
   * its `unit_info` arrives or `infoTimeoutMs` has passed, giving `unit` or `no-info` items. A
   * unit stays held by the coordinator (its heartbeats go on until `release` or `close`); a
   * responder that sent no `unit_info` is released.
   */
  readonly coordinator?: Coordinator;
  /** How long to wait for a responder's `unit_info`, from when it was found. Default 3 000 ms. */
  readonly infoTimeoutMs?: number;
}

/**
 * The defaults of {@link DiscoverOptions}.
 * @category Coordinator
 */
export const DISCOVER_DEFAULTS = {
  /** The subnet of the vendor's examples. */
  subnet: '192.168.0.0/24',
  /** The point-to-point fallback address of a unit. */
  preferred: ['192.168.0.23'],
  /** pycom's port. */
  port: 5000,
  /** Long enough for a LAN, short enough for a /24 in seconds. */
  connectTimeoutMs: 300,
  /** pycom closes a request connection at once; anything else gets a second. */
  handOverTimeoutMs: 1_000,
  /** Probes in flight at once. */
  concurrency: 64,
  /** A booted unit answers a heartbeat within milliseconds; one that is booting needs longer. */
  infoTimeoutMs: 3_000,
} as const;

/**
 * How far the scan is: emitted after every probe.
 *
 * ## Example
 * ```ts
 * discover({ subnet: '192.168.0.0/24' }).subscribe((item) => {
 *   if (item.kind === 'progress') process.stdout.write(`\r${item.scanned}/${item.total}`);
 * });
 * ```
 * @category Coordinator
 */
export interface DiscoveryProgress {
  /** Always `'progress'`. */
  readonly kind: 'progress';
  /** Addresses probed so far. */
  readonly scanned: number;
  /** Addresses to probe in all. */
  readonly total: number;
  /** Responders so far. */
  readonly found: number;
}

/**
 * An address accepted a connection (and the probe's heartbeat) on the port: maybe a unit.
 *
 * ## Example
 * ```ts
 * discover().subscribe((item) => item.kind === 'found' && console.log('responds:', item.address));
 * ```
 * @category Coordinator
 */
export interface DiscoveryFound {
  /** Always `'found'`. */
  readonly kind: 'found';
  /** The responder's address. */
  readonly address: string;
  /** Whether it was one of the `preferred` addresses. */
  readonly preferred: boolean;
}

/**
 * A responder answered the coordinator's heartbeats with its `unit_info`: it is a unit.
 *
 * ## Example
 * ```ts
 * discover().subscribe((item) => item.kind === 'unit' && console.log(item.address, item.info.id, item.info.unit_type));
 * ```
 * @category Coordinator
 */
export interface DiscoveryUnit {
  /** Always `'unit'`. */
  readonly kind: 'unit';
  /** The unit's address, as probed. */
  readonly address: string;
  /** Its `unit_info` event. */
  readonly info: UnitInfo;
}

/**
 * A responder sent no `unit_info` within `infoTimeoutMs`: not a pycom, a unit whose hardware is
 * not ready yet, or one that already sent its `unit_info` to this coordinator earlier.
 *
 * ## Example
 * ```ts
 * discover().subscribe((item) => item.kind === 'no-info' && console.warn(item.address, 'did not identify itself'));
 * ```
 * @category Coordinator
 */
export interface DiscoveryNoInfo {
  /** Always `'no-info'`. */
  readonly kind: 'no-info';
  /** The responder's address. */
  readonly address: string;
  /** How long it was waited for, in ms. */
  readonly waitedMs: number;
}

/**
 * One item of {@link discover}, discriminated by `kind`.
 *
 * ## Example
 * ```ts
 * discover().subscribe((item: DiscoveryItem) => item.kind === 'found' && console.log(item.address));
 * ```
 * @category Coordinator
 */
export type DiscoveryItem = DiscoveryProgress | DiscoveryFound | DiscoveryUnit | DiscoveryNoInfo;
