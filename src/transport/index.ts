export * from './errors';
export * from './listenPayloads';
export * from './listen';
export * from './send';
export * from './transport';
