import fc from 'fast-check';
import type { Command, Heartbeat, Identity, Message, Output, PycomEvent, UnitInfo } from '../../src/protocol';

export const identity = (coordinator: boolean): fc.Arbitrary<Identity> =>
  fc.record({
    id: fc.string(),
    name: fc.string(),
    ip: fc.string(),
    port: fc.integer({ min: 1, max: 65535 }),
    version: fc.string(),
    coordinator: fc.constant(coordinator),
  });

export const heartbeat: fc.Arbitrary<Heartbeat> = identity(true);
export const command: fc.Arbitrary<Command> = fc
  .tuple(identity(true), fc.string({ unit: 'binary' }))
  .map(([id, cmd]) => ({ ...id, type_: 'cmd' as const, command: cmd }));

export const output: fc.Arbitrary<Output> = fc
  .tuple(identity(false), fc.string({ unit: 'binary' }))
  .map(([id, text]) => ({ ...id, type_: 'output' as const, output: text }));
export const message: fc.Arbitrary<Message> = fc
  .tuple(identity(false), fc.string({ unit: 'binary' }))
  .map(([id, text]) => ({ ...id, type_: 'message' as const, message: text }));
export const unitInfo: fc.Arbitrary<UnitInfo> = fc
  .tuple(identity(false), fc.array(fc.string(), { minLength: 6, maxLength: 6 }))
  .map(([id, s]) => ({
    ...id,
    type_: 'unit_info' as const,
    wiringpi_version: s[0]!,
    boardio_version: s[1]!,
    firmware_version: s[2]!,
    unit_type: s[3]!,
    mcu_type: s[4]!,
    mac_address: s[5]!,
  }));
export const event: fc.Arbitrary<PycomEvent> = fc.oneof(output, message, unitInfo);
