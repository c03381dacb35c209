/**
 * A simulated LightArray4 unit (pycom plus a boardio stand-in) over real sockets, for tests,
 * demos and users without hardware: `import { simulateUnit } from 'pycom-rx/simulator'`.
 *
 * @packageDocumentation
 * @module pycom-rx/simulator
 */
export * from './types';
export { simulateUnit, SIMULATOR_DEFAULTS } from './simulateUnit';
export { simulateUnits, nthAddress, type SimulateUnitsOptions, type SimulatedUnits } from './simulateUnits';
export { isLoopbackAddress, UnsafeAddressError } from './loopback';
export { BOARDIO_READY, SEQUENCE_COMPLETE, boardioError, boardioRow } from '../unit/boardio';
export { SEQUENCE_FILE, STANDALONE_SEQUENCE_FILE } from '../unit/sequenceFile';
export { TIMEOUT_EXIT_CODE } from '../unit/command';
export { randomUnitId } from './identity';
export {
  macAddressFromId,
  defaultUnitInfo,
  SIMULATED_PYCOM_VERSION,
  SIMULATED_UNIT_NAME,
} from '../unit/identity';
