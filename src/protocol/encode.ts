import type { PycomEvent } from './events';
import type { PycomRequest } from './requests';

/**
 * Encodes a request as pycom expects it: one JSON object, UTF-8.
 *
 * ## Example
 * ```ts
 * socket.end(encodeRequest({ ...me, type_: 'cmd', command: 'uptime' }));
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
 * socket.end(encodeEvent({ ...unit, type_: 'message', message: 'Sequence complete' }));
 * ```
 * @param event An output, message or unit_info event.
 * @return The UTF-8 bytes of its JSON text.
 * @category Protocol
 */
export function encodeEvent(event: PycomEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}
