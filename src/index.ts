/**
 * pycom-rx: an RxJS client for pycom, the service on LightArray4 (LA4) light arrays.
 *
 * @packageDocumentation
 */
export * from './protocol';
