/**
 * pycom-rx: an RxJS client for pycom, the service on LightArray4 (LA4) light arrays.
 *
 * - protocol: io-ts codecs of every request and event, `decodeEvent`, `encodeRequest`;
 * - transport: `listen()` (inbound events) and `send()` (one request, one connection);
 * - operators: `ofType`, `fromNode`, `awaitOutput`, `toBoardioResult`, `queueByUnit`;
 * - sequence: typed registers, CSV, safe upload commands, flash-mode presets.
 *
 * @packageDocumentation
 * @module pycom-rx
 */
export * from './protocol';
export * from './transport';
export * from './operators';
export * from './coordinator';
export * from './discovery';
export * from './sequence';
export * from './validation';
