import * as net from 'node:net';
import { merge, type Observable } from 'rxjs';
import { simulateUnit } from './simulateUnit';
import type { SimulatedUnit, SimulateUnitOptions, UnitActivity } from './types';

/**
 * Options of {@link simulateUnits}: the options every unit shares, the first address, and a hook
 * for per-unit options.
 *
 * ## Example
 * ```ts
 * const options: SimulateUnitsOptions = { base: '127.0.2.2', hardwareReadyDelayMs: 50, configure: (i) => ({ name: `la4-${i}` }) };
 * ```
 * @category Simulator
 */
export interface SimulateUnitsOptions extends Omit<SimulateUnitOptions, 'host' | 'id'> {
  /** The first unit's IPv4 address; the others follow (`127.0.0.2`, `127.0.0.3`, ...). Default `'127.0.0.2'`. */
  readonly base?: string;
  /** Options of unit `index` (from 0), merged over the shared ones (may set `host` and `id`). */
  readonly configure?: (index: number) => SimulateUnitOptions;
}

/**
 * A group of simulated units started together.
 *
 * ## Example
 * ```ts
 * const group = simulateUnits(3);
 * await group.ready;
 * group.units.map((u) => u.host); // ['127.0.0.2', '127.0.0.3', '127.0.0.4']
 * await group.close();
 * ```
 * @category Simulator
 */
export interface SimulatedUnits {
  /** The units, in address order. */
  readonly units: ReadonlyArray<SimulatedUnit>;
  /** The activity of every unit, merged (tell them apart by `unit`, the unit id). */
  readonly events$: Observable<UnitActivity>;
  /** Resolves once every unit listens; rejects with the first bind failure. */
  readonly ready: Promise<void>;
  /** Closes every unit. */
  close(): Promise<void>;
}

/**
 * The IPv4 address `offset` places after `base`.
 *
 * ## Example
 * ```ts
 * nthAddress('127.0.0.250', 10); // '127.0.1.4'
 * ```
 * @param base An IPv4 address.
 * @param offset How many addresses further.
 * @category Simulator
 */
export function nthAddress(base: string, offset: number): string {
  if (!net.isIPv4(base)) throw new RangeError(`base must be an IPv4 address, got ${JSON.stringify(base)}`);
  const value = base.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) + offset;
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`${base} + ${offset} is not an IPv4 address`);
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Starts `count` simulated units on consecutive loopback addresses, all on the same port (5000 by
 * default), as units share port 5000 on a real LAN. Each gets its own random id, home and timers.
 *
 * ## Example
 * ```ts
 * const group = simulateUnits(50, { base: '127.0.0.2', hardwareReadyDelayMs: 100 });
 * await group.ready;
 * // 127.0.0.2 .. 127.0.0.51, port 5000
 * await group.close();
 * ```
 * @param count How many units.
 * @param options Shared options, the first address, and per-unit options.
 * @category Simulator
 */
export function simulateUnits(count: number, options: SimulateUnitsOptions = {}): SimulatedUnits {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be an integer >= 0, got ${count}`);
  const { base = '127.0.0.2', configure, ...shared } = options;
  const units: SimulatedUnit[] = [];
  try {
    for (let index = 0; index < count; index++)
      units.push(simulateUnit({ ...shared, host: nthAddress(base, index), ...configure?.(index) }));
  } catch (e) {
    void Promise.all(units.map((unit) => unit.close()));
    throw e;
  }
  const ready = Promise.all(units.map((unit) => unit.ready)).then(() => undefined);
  ready.catch(() => undefined);
  return {
    units,
    events$: merge(...units.map((unit) => unit.events$)),
    ready,
    close: async () => {
      await Promise.all(units.map((unit) => unit.close()));
    },
  };
}
