import type { UnitInfo } from '../protocol/events';
import type { Identity } from '../protocol/identity';
import type { UnitInfoFields } from './types';

/**
 * The `version` a simulated unit reports by default: the pycom version of the vendor's example.
 * @category Simulator
 */
export const SIMULATED_PYCOM_VERSION = '0.14.0';

/**
 * The `name` a simulated unit reports by default: the vendor example's unit name.
 * @category Simulator
 */
export const SIMULATED_UNIT_NAME = 'rigsters-controller';

/**
 * The home of pycom's user on a real unit, as the vendor documents it. A simulated unit's shell
 * maps it to the unit's temporary home, a memory unit's to its files, so commands that name the
 * vendor's absolute paths (`/home/rigsters/la4_sequence_standalone.csv`) work as on a real unit.
 *
 * ## Example
 * ```ts
 * `${VENDOR_HOME}/la4_sequence_standalone.csv`; // where boardio reads the standalone sequence
 * ```
 * @category Simulator
 */
export const VENDOR_HOME = '/home/rigsters';

/**
 * The 32-bit FNV-1a hash of a text's UTF-16 code units, as 8 hex characters: a stable, short,
 * well-spread digest for ids derived from other names.
 *
 * ## Example
 * ```ts
 * fnv1aHex('192.168.0.23'); // always the same 8 hex characters
 * ```
 * @internal
 * @param text Any text.
 */
export function fnv1aHex(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * A MAC address derived from a unit id: the Raspberry Pi prefix `dc:a6:32` (as in the vendor's
 * example) followed by three bytes taken from the id, so each id gets a stable, distinct address.
 *
 * ## Example
 * ```ts
 * macAddressFromId('81639cd4'); // 'dc:a6:32:63:9c:d4'
 * ```
 * @param id A unit id.
 * @category Simulator
 */
export function macAddressFromId(id: string): string {
  let hex = id.toLowerCase().replace(/[^0-9a-f]/g, '');
  // Not hex enough: hash the id's characters into three bytes.
  if (hex.length < 6) hex = fnv1aHex(id);
  const tail = hex.slice(-6);
  return ['dc', 'a6', '32', tail.slice(0, 2), tail.slice(2, 4), tail.slice(4, 6)].join(':');
}

/**
 * The default hardware fields of a simulated unit's `unit_info`, for a given id.
 *
 * ## Example
 * ```ts
 * defaultUnitInfo('81639cd4').unit_type; // 'light_array'
 * ```
 * @param id The unit id (the MAC address is derived from it).
 * @category Simulator
 */
export function defaultUnitInfo(id: string): UnitInfoFields {
  return {
    wiringpi_version: '2.52',
    boardio_version: '1.3.0',
    firmware_version: '1.2.4',
    unit_type: 'light_array',
    mcu_type: 'RP2040',
    mac_address: macAddressFromId(id),
  };
}

/**
 * Builds the `unit_info` event of a unit: its identity, then the default hardware fields for its
 * id, overridden by `fields`.
 *
 * ## Example
 * ```ts
 * const event = unitInfoEvent(unit.identity, { firmware_version: '2.0.0' });
 * ```
 * @internal
 * @param identity The unit's identity.
 * @param fields Overrides of its hardware fields.
 */
export function unitInfoEvent(identity: Identity, fields: Partial<UnitInfoFields> = {}): UnitInfo {
  return { ...identity, type_: 'unit_info', ...defaultUnitInfo(identity.id), ...fields };
}
