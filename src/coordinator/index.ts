export * from './types';
export * from './createCoordinator';
export * from './errors';
export * from './tagged';
export { LIBRARY_VERSION } from './identity';
export * from './runSequence';
