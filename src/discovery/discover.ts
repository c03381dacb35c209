import {
  concat,
  defer,
  EMPTY,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  take,
  timeout,
} from 'rxjs';
import { randomId } from '../coordinator/identity';
import type { Coordinator } from '../coordinator/types';
import type { Heartbeat } from '../protocol/requests';
import type { LocalAddress } from '../transport/send';
import { checkOptions, RULES, type OptionTable } from '../validation/checkOptions';
import { preferredFirst } from './preferredFirst';
import { probe, probeHeartbeat } from './probe';
import { isSubnetHost, parseSubnet, subnetHosts } from './subnet';
import { DISCOVER_DEFAULTS, type DiscoverOptions, type DiscoveryItem } from './types';

/** The rule of each numeric option of {@link DiscoverOptions}, checked when {@link discover} is called. */
const DISCOVER_RULES: OptionTable<DiscoverOptions> = {
  port: RULES.remotePort,
  connectTimeoutMs: RULES.ms,
  handOverTimeoutMs: RULES.ms,
  concurrency: RULES.count,
  infoTimeoutMs: RULES.ms,
};

/**
 * The addresses {@link discover} probes, in order: the `preferred` ones that are hosts of the
 * subnet (in the given order, once each), then the other hosts in ascending order.
 *
 * ## Example
 * ```ts
 * scanOrder('10.0.0.0/29', ['10.0.0.5', '192.168.0.23']);
 * // ['10.0.0.5', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.6']
 * ```
 * @param subnet CIDR notation, /16 to /32.
 * @param preferred Addresses to try first; those outside the subnet are dropped.
 * @throws RangeError for an invalid subnet.
 * @category Coordinator
 */
export function scanOrder(subnet: string, preferred: ReadonlyArray<string>): string[] {
  const parsed = parseSubnet(subnet);
  const first = [...new Set(preferred.map((a) => a.trim()))].filter((a) => isSubnetHost(a, parsed));
  const firstSet = new Set(first);
  return [...first, ...subnetHosts(parsed).filter((a) => !firstSet.has(a))];
}

function identify(
  coordinator: Coordinator,
  address: string,
  port: number,
  waitMs: number,
): Observable<DiscoveryItem> {
  const target = { host: address, port };
  return merge(
    coordinator.connect(target).pipe(ignoreElements()),
    coordinator.unitInfo(address, { timeoutMs: Infinity }),
  ).pipe(
    take(1),
    map((info): DiscoveryItem => ({ kind: 'unit', address, info })),
    timeout({
      first: waitMs,
      // no unit_info: not a unit of ours to keep heartbeating (the coordinator holds what it addressed)
      with: () =>
        defer(() => {
          void coordinator.release(target).catch(() => undefined);
          return of<DiscoveryItem>({ kind: 'no-info', address, waitedMs: waitMs });
        }),
    }),
  );
}

/**
 * Looks for units on an IPv4 subnet: a heartbeat to port 5000 of every host address (see
 * `probe`: a real, well-formed request with `coordinator: false`, never an empty
 * connection a unit could not parse), the `preferred` addresses first (by default `192.168.0.23`, a unit's
 * point-to-point fallback, when it lies in the subnet), with bounded concurrency and a connect
 * timeout. With a `coordinator`, every responder is then heartbeated until it sends its
 * `unit_info`.
 *
 * A cold Observable: each subscription scans once, emitting `progress` after every probe,
 * `found` for each responder (just before its `progress`; the preferred ones first, whatever
 * order the parallel probes finish in), then `unit` or `no-info` for each
 * responder when a coordinator is given; it completes when all is done. A probe that fails is
 * simply not found: the scan itself only errors when the coordinator's listener cannot bind (its
 * `ListenError`). An invalid option throws at call time: an {@link OptionError} naming it (a
 * RangeError), or a RangeError for an invalid subnet. Unsubscribe to stop early:
 * sockets and heartbeats stop with it.
 *
 * The coordinator's listener must be reachable by the units (they open connections back to it):
 * keep its default `0.0.0.0` bind, or bind the interface on the subnet.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator();
 * discover({ subnet: '192.168.0.0/24', coordinator }).subscribe((item) => {
 *   if (item.kind === 'progress') process.stderr.write(`\r${item.scanned}/${item.total}`);
 *   if (item.kind === 'unit') console.log(item.address, item.info.id, item.info.firmware_version);
 * });
 * ```
 * @param options Subnet, preferred addresses, port, timeouts, concurrency, coordinator.
 * @return An Observable of {@link DiscoveryItem}s.
 * @throws {@link OptionError} for an invalid port, timeout or concurrency; RangeError for an invalid subnet.
 * @category Coordinator
 */
export function discover(options: DiscoverOptions = {}): Observable<DiscoveryItem> {
  checkOptions(options, DISCOVER_RULES);
  const addresses = scanOrder(
    options.subnet ?? DISCOVER_DEFAULTS.subnet,
    options.preferred ?? DISCOVER_DEFAULTS.preferred,
  );
  const port = options.port ?? DISCOVER_DEFAULTS.port;
  const concurrency = options.concurrency ?? DISCOVER_DEFAULTS.concurrency;
  const infoMs = options.infoTimeoutMs ?? DISCOVER_DEFAULTS.infoTimeoutMs;
  const preferred = new Set((options.preferred ?? DISCOVER_DEFAULTS.preferred).map((a) => a.trim()));
  const preferredCount = addresses.filter((a) => preferred.has(a)).length;
  const { coordinator, localAddress } = options;
  const total = addresses.length;
  // one id for every probe of a scan; with a coordinator, its identity (so that the unit's view
  // of the sender is consistent), always with coordinator: false: a probe adopts no coordinator
  const probeId = randomId();
  const heartbeat = (local: LocalAddress): Heartbeat =>
    coordinator === undefined
      ? probeHeartbeat(local, probeId)
      : { ...coordinator.identity(local.address), coordinator: false };
  const probeOptions = {
    port,
    connectTimeoutMs: options.connectTimeoutMs ?? DISCOVER_DEFAULTS.connectTimeoutMs,
    handOverTimeoutMs: options.handOverTimeoutMs ?? DISCOVER_DEFAULTS.handOverTimeoutMs,
    heartbeat,
    ...(localAddress === undefined ? {} : { localAddress }),
  };

  return defer(() => {
    let scanned = 0;
    let found = 0;
    return from(addresses).pipe(
      mergeMap((address) => probe({ host: address, ...probeOptions }), concurrency),
      // parallel probes finish in any order: the preferred addresses' results still come first
      preferredFirst((result) => preferred.has(result.host), preferredCount),
      mergeMap((result) => {
        scanned += 1;
        if (result.open) found += 1;
        const progress = of<DiscoveryItem>({ kind: 'progress', scanned, total, found });
        if (!result.open) return progress;
        const address = result.host;
        const item: DiscoveryItem = { kind: 'found', address, preferred: preferred.has(address) };
        return concat(
          of(item),
          progress,
          coordinator === undefined ? EMPTY : identify(coordinator, address, port, infoMs),
        );
      }),
    );
  });
}
