import type { Message, Output, PycomEvent, UnitInfo } from '../protocol/events';
import type { Identity } from '../protocol/identity';
import { receive, type Received } from '../protocol/inbound';
import type { Remote } from '../protocol/inbound';
import {
  fnv1aHex,
  SIMULATED_PYCOM_VERSION,
  SIMULATED_UNIT_NAME,
  unitInfoEvent as unitInfoOf,
} from '../unit/identity';
import type { UnitInfoFields } from '../unit/types';
import type { MemoryUnit, MemoryUnitOptions } from './types';

/**
 * The address of a {@link memoryUnit} by default: pycom's static fallback address.
 *
 * ## Example
 * ```ts
 * coordinator.command(MEMORY_UNIT_HOST, 'uptime'); // the unit of memoryUnit(network)
 * ```
 * @category Testing
 */
export const MEMORY_UNIT_HOST = '192.168.0.23';

/**
 * The id a {@link memoryUnit} gets when none is given: 8 hex characters derived from its host
 * (FNV-1a), so a test knows it in advance and two hosts get different ids.
 *
 * ## Example
 * ```ts
 * memoryUnitId('192.168.0.23'); // always the same 8 hex characters
 * ```
 * @param host The unit's address.
 * @category Testing
 */
export function memoryUnitId(host: string): string {
  return fnv1aHex(host);
}

/**
 * Who sent an event, for the helpers that build one: an {@link Identity}, a {@link MemoryUnit},
 * or the options a memory unit was (or would be) created with.
 *
 * ## Example
 * ```ts
 * const from: EventOrigin = { host: '192.168.0.23' };
 * ```
 * @category Testing
 */
export type EventOrigin =
  | Identity
  | Pick<MemoryUnit, 'identity'>
  | Pick<MemoryUnitOptions, 'host' | 'port' | 'id' | 'name' | 'ip' | 'version'>;

/**
 * The identity of a unit: the one a {@link memoryUnit} with these options carries (same
 * defaults), the identity of a unit itself, or an identity as given.
 *
 * ## Example
 * ```ts
 * identityOf({ host: '192.168.0.23' });
 * // { id: memoryUnitId('192.168.0.23'), name: 'rigsters-controller', ip: '192.168.0.23', port: 5000, version: '0.14.0', coordinator: false }
 * ```
 * @param source A unit, its options, or an identity.
 * @category Testing
 */
export function identityOf(source: EventOrigin = {}): Identity {
  if ('identity' in source) return source.identity;
  if ('coordinator' in source) return source;
  const host = source.host ?? MEMORY_UNIT_HOST;
  return {
    id: source.id ?? memoryUnitId(host),
    name: source.name ?? SIMULATED_UNIT_NAME,
    ip: source.ip ?? host,
    port: source.port === undefined || source.port === 0 ? 5000 : source.port,
    version: source.version ?? SIMULATED_PYCOM_VERSION,
    coordinator: false,
  };
}

/**
 * An `output` event from a unit.
 *
 * ## Example
 * ```ts
 * const outputs$ = cold('--a', { a: outputEvent({ host: '192.168.0.23' }, 'ok\n') });
 * ```
 * @param from The unit.
 * @param output The text.
 * @category Testing
 */
export function outputEvent(from: EventOrigin, output: string): Output {
  return { ...identityOf(from), type_: 'output', output };
}

/**
 * A `message` event from a unit (`BOARDIO_READY`, `Sequence complete`...).
 *
 * ## Example
 * ```ts
 * messageEvent({ host: '192.168.0.23' }, 'Sequence complete');
 * ```
 * @param from The unit.
 * @param message The text.
 * @category Testing
 */
export function messageEvent(from: EventOrigin, message: string): Message {
  return { ...identityOf(from), type_: 'message', message };
}

/**
 * The `unit_info` event of a unit: by default with the fields a {@link memoryUnit} (and the
 * simulator) reports.
 *
 * ## Example
 * ```ts
 * unitInfoEvent({ host: '192.168.0.23' }, { firmware_version: '2.0.0' });
 * ```
 * @param from The unit.
 * @param fields Overrides of the hardware fields.
 * @category Testing
 */
export function unitInfoEvent(from: EventOrigin, fields: Partial<UnitInfoFields> = {}): UnitInfo {
  return unitInfoOf(identityOf(from), fields);
}

/**
 * An event as the listener emits it: a `Received` item with where and when it came from, to
 * feed a pipeline that reads `listen()` or `coordinator.inbound$`-like streams in a marble test.
 *
 * ## Example
 * ```ts
 * const inbound$ = cold('a', { a: receivedEvent(outputEvent({ host: '192.168.0.23' }, 'ok\n'), { at: 0 }) });
 * ```
 * @param event The event.
 * @param options The sender's address (default: the event's `ip`, port 40000) and the time (default 0).
 * @category Testing
 */
export function receivedEvent<E extends PycomEvent>(
  event: E,
  options: { readonly remote?: Partial<Remote>; readonly at?: number } = {},
): Received<E> {
  const remote = { address: options.remote?.address ?? event.ip, port: options.remote?.port ?? 40_000 };
  return receive(event, remote, options.at ?? 0);
}
