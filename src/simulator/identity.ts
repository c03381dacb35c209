import { randomBytes } from 'node:crypto';
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
 * A fresh unit id: 8 random lowercase hex characters, like pycom's (`"81639cd4"`).
 *
 * ## Example
 * ```ts
 * randomUnitId(); // e.g. '3fa91c07'
 * ```
 * @category Simulator
 */
export function randomUnitId(): string {
  return randomBytes(4).toString('hex');
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
  if (hex.length < 6) {
    // Not hex enough: hash the id's characters into three bytes.
    let h = 0x811c9dc5;
    for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex = h.toString(16).padStart(8, '0');
  }
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
 * Builds the `unit_info` event of a unit.
 *
 * ## Example
 * ```ts
 * const event = unitInfoEvent(unit.identity, defaultUnitInfo(unit.identity.id));
 * ```
 * @param identity The unit's identity.
 * @param fields Its hardware fields.
 * @category Simulator
 */
export function unitInfoEvent(identity: Identity, fields: UnitInfoFields): UnitInfo {
  return { ...identity, type_: 'unit_info', ...fields };
}
