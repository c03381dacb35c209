import type { Rejected } from '../protocol/inbound';

/** Rejections of what arrived whole but could not be an event: the payload itself was bad. */
const CONTENT = new Set(['too-large', 'utf8', 'json', 'too-deep', 'not-object', 'type', 'field']);
/** The `type_` a rejected payload shows in its first bytes, if any. */
const TYPE_FIELD = /"type_"\s*:\s*"([^"\\]*)"/;

/**
 * Whether a rejected payload may have been an output: payloads rejected for their content (too
 * large, not UTF-8, not JSON, too deep, not a valid event), unless their first bytes show another
 * `type_` (a `message`, a `unit_info`). Connections cut short (idle, slow, evicted, reset) or
 * refused are not counted: what they carried is unknown.
 *
 * @internal
 * @param rejected The listener's rejected item.
 */
export function mayBeOutput(rejected: Rejected): boolean {
  if (!CONTENT.has(rejected.reason)) return false;
  const type = TYPE_FIELD.exec(rejected.excerpt)?.[1];
  return type === undefined || type === 'output';
}
