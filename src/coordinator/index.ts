export * from './types';
export * from './createCoordinator';
export * from './identity';
export * from './lanes';
export * from './presence';
