export * from './errors';
export * from './listenPayloads';
export * from './listen';
export * from './lookup';
export * from './send';
export * from './transport';
