import type { Identity, Message, Output, UnitInfo } from '../../src/protocol';
import { unitIdentity } from '../fixtures';

/** Unit A of the tests: id `aaaa0001`, address `192.168.0.21`. */
export const unitA: Identity = unitIdentity({ id: 'aaaa0001', name: 'la4-a', ip: '192.168.0.21' });

/** Unit B of the tests: id `bbbb0002`, address `192.168.0.22`. */
export const unitB: Identity = { ...unitA, id: 'bbbb0002', name: 'la4-b', ip: '192.168.0.22' };

/** An `output` event from `unit`. */
export const output = (unit: Identity, text: string): Output => ({ ...unit, type_: 'output', output: text });

/** A `message` event from `unit`. */
export const message = (unit: Identity, text: string): Message => ({
  ...unit,
  type_: 'message',
  message: text,
});

/** A `unit_info` event from `unit`. */
export const unitInfo = (unit: Identity): UnitInfo => ({
  ...unit,
  type_: 'unit_info',
  wiringpi_version: '2.52',
  boardio_version: '1.3.0',
  firmware_version: '1.1.0',
  unit_type: 'light_array',
  mcu_type: 'RP2040',
  mac_address: 'dc:a6:32:1b:4e:f0',
});
