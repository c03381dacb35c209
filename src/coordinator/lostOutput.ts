import type { Rejected } from '../transport';
import type { LostOutput } from './commands';

/** Rejections of what arrived whole but could not be an event: the payload itself was bad. */
const CONTENT = new Set(['too-large', 'utf8', 'json', 'too-deep', 'not-object', 'type', 'field']);
/** The `type_` a rejected payload shows in its first bytes, if any. */
const TYPE_FIELD = /"type_"\s*:\s*"([^"\\]*)"/;

/**
 * Whether a rejected payload may have been an output, and what to tell its command: payloads
 * rejected for their content (too large, not UTF-8, not JSON, too deep, not a valid event),
 * unless their first bytes show another `type_` (a `message`, a `unit_info`). Connections cut
 * short (idle, slow, evicted, reset) or refused are not counted: what they carried is unknown.
 *
 * @internal
 * @category Coordinator
 * @param rejected The listener's rejected item.
 */
export function lostOutput(rejected: Rejected): LostOutput | undefined {
  if (!CONTENT.has(rejected.reason)) return undefined;
  const type = TYPE_FIELD.exec(rejected.excerpt)?.[1];
  if (type !== undefined && type !== 'output') return undefined;
  return { reason: rejected.reason, message: rejected.message, bytes: rejected.bytes };
}
