/**
 * Test a pycom-rx application without units, sockets or waiting: an in-memory network, a
 * transport for the coordinator, and in-memory LA4 units, all on one RxJS scheduler, so a whole
 * coordinator runs inside `TestScheduler.run()` and marble tests show its timing.
 * `import { memoryNetwork, memoryTransport, memoryUnit } from 'pycom-rx/testing'`; see
 * `docs/testing.md`.
 *
 * @packageDocumentation
 * @module pycom-rx/testing
 */
export {
  memoryNetwork,
  type MemoryNetwork,
  type MemoryNetworkOptions,
  type ConnectOptions,
  type Receiver,
} from './network';
export { memoryTransport, MEMORY_COORDINATOR_HOST, type MemoryTransportOptions } from './memoryTransport';
export { memoryUnit, MEMORY_UNIT_DEFAULTS } from './memoryUnit';
export type {
  MemoryExecutor,
  MemoryExecutorContext,
  MemoryExecutorResult,
  MemoryFaultControls,
  MemoryRebootOptions,
  MemoryUnit,
  MemoryUnitOptions,
} from './types';
export type { UnitInfoOncePer, UnitOptions } from '../unit/options';
export type { PycomQuirks } from '../unit/options';
export {
  identityOf,
  memoryUnitId,
  MEMORY_UNIT_HOST,
  messageEvent,
  outputEvent,
  receivedEvent,
  unitInfoEvent,
  type EventOrigin,
} from './events';
