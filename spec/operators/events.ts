import type { Identity, Message, Output, PycomEvent, UnitInfo } from '../../src/protocol';
import { receive, type Received, type Rejected, type RejectReason } from '../../src/protocol/inbound';
import { unitIdentity } from '../fixtures';

/** Unit A of the tests: id `aaaa0001`, address `192.168.0.21`. */
export const unitA: Identity = unitIdentity({ id: 'aaaa0001', name: 'la4-a', ip: '192.168.0.21' });

/** Unit B of the tests: id `bbbb0002`, address `192.168.0.22`. */
export const unitB: Identity = { ...unitA, id: 'bbbb0002', name: 'la4-b', ip: '192.168.0.22' };

/** Unit A's address, as the listener reports the source of its connections. */
export const ADDRESS_A = '192.168.0.21';
/** Unit B's address. */
export const ADDRESS_B = '192.168.0.22';
/** A router's address: where the events of units behind NAT come from. */
export const ADDRESS_NAT = '10.0.0.1';

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

/** `event` as the listener hands it on when its connection came from `address`. */
export const received = <E extends PycomEvent>(event: E, address: string, receivedAt = 0): Received<E> =>
  receive(event, { address, port: 40312 }, receivedAt);

/** A payload from `address` the listener rejected for `reason`, whose first bytes were `excerpt`. */
export const rejected = (
  reason: RejectReason,
  excerpt: string,
  address: string,
  receivedAt = 0,
): Rejected => ({
  kind: 'rejected',
  reason,
  message: `rejected (${reason})`,
  excerpt,
  bytes: Buffer.byteLength(excerpt),
  remote: { address, port: 40312 },
  receivedAt,
});
