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
import type { Coordinator } from '../coordinator/types';
import { probe } from './probe';
import { isSubnetHost, parseSubnet, subnetHosts } from './subnet';
import { DISCOVER_DEFAULTS, type DiscoverOptions, type DiscoveryItem } from './types';

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new RangeError(`${name} must be an integer 1..${max}, got ${value}`);
  return value;
}

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
  return merge(coordinator.connect(target).pipe(ignoreElements()), coordinator.unitInfo(address)).pipe(
    take(1),
    map((info): DiscoveryItem => ({ kind: 'unit', address, info })),
    timeout({ first: waitMs, with: () => of<DiscoveryItem>({ kind: 'no-info', address, waitedMs: waitMs }) }),
  );
}

/**
 * Looks for units on an IPv4 subnet: a TCP connect to port 5000 of every host address (closed at
 * once, nothing written), the `preferred` addresses first (by default `192.168.0.23`, a unit's
 * point-to-point fallback, when it lies in the subnet), with bounded concurrency and a connect
 * timeout. With a `coordinator`, every responder is then heartbeated until it sends its
 * `unit_info`.
 *
 * A cold Observable: each subscription scans once, emitting `progress` after every probe,
 * `found` for each responder (just before its `progress`), then `unit` or `no-info` for each
 * responder when a coordinator is given; it completes when all is done. A probe that fails is
 * simply not found: the scan itself only errors when the coordinator's listener cannot bind (its
 * `ListenError`). An invalid option throws a RangeError at call time. Unsubscribe to stop early:
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
 * @throws RangeError for an invalid subnet, port, timeout or concurrency.
 */
export function discover(options: DiscoverOptions = {}): Observable<DiscoveryItem> {
  const addresses = scanOrder(
    options.subnet ?? DISCOVER_DEFAULTS.subnet,
    options.preferred ?? DISCOVER_DEFAULTS.preferred,
  );
  const port = positiveInteger('port', options.port ?? DISCOVER_DEFAULTS.port, 65535);
  const connectMs = positiveInteger(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? DISCOVER_DEFAULTS.connectTimeoutMs,
  );
  const concurrency = positiveInteger('concurrency', options.concurrency ?? DISCOVER_DEFAULTS.concurrency);
  const infoMs = positiveInteger('infoTimeoutMs', options.infoTimeoutMs ?? DISCOVER_DEFAULTS.infoTimeoutMs);
  const preferred = new Set((options.preferred ?? DISCOVER_DEFAULTS.preferred).map((a) => a.trim()));
  const { coordinator } = options;
  const total = addresses.length;

  return defer(() => {
    let scanned = 0;
    let found = 0;
    return from(addresses).pipe(
      mergeMap((address) => probe(address, port, connectMs), concurrency),
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
