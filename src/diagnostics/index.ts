/**
 * Diagnostics of the library: `node:diagnostics_channel` channels that tools can subscribe to,
 * and a `DEBUG=pycom-rx:*` writer to stderr. Silent, and one property read per call site, when off.
 *
 * @packageDocumentation
 */
export * from './names';
export { channels, published, publishCommand, publishHeartbeat } from './channels';
export { debugNamespaces, enableDebug, debugFromEnvironment } from './debug';
export { formatDiagnostic } from './format';
