export * from './types';
export * from './createCoordinator';
export * from './errors';
export { LIBRARY_VERSION } from './identity';
export * from './runSequence';
export type { HeartbeatPolicy } from './heartbeats';
export type { UnitInfoRefresh } from './unitInfoRefresh';
