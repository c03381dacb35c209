import type { PycomEvent } from './events';
import type { PycomRequest } from './requests';

/**
 * Encodes a request as pycom expects it: one JSON object, UTF-8.
 *
 * ## Example
 * ```ts
 * import { connect } from 'node:net';
 * const socket = connect(5000, '192.168.0.23', () =>
 *   socket.end(encodeRequest({ ...me, type_: 'cmd', command: 'uptime' })),
 * );
 * ```
 * @param request A heartbeat or a command.
 * @return The UTF-8 bytes of its JSON text.
 * @category Protocol
 */
export function encodeRequest(request: PycomRequest): Buffer {
  return Buffer.from(JSON.stringify(request), 'utf8');
}

/**
 * Encodes an event as a unit sends it: one JSON object, UTF-8. Used by the simulator and by tests.
 *
 * ## Example
 * ```ts
 * const payload = encodeEvent(messageEvent({ host: '127.0.0.2' }, 'Sequence complete'));
 * ```
 * @param event An output, message or unit_info event.
 * @return The UTF-8 bytes of its JSON text.
 * @category Protocol
 */
export function encodeEvent(event: PycomEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}
