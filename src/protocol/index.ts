export * from './identity';
export * from './requests';
export * from './events';
export * from './decode';
export * from './encode';
export * from './tagged';
export * from './commandSize';
