import { randomBytes } from 'node:crypto';

/** This library's version, sent as the coordinator's `version` by default. */
export const LIBRARY_VERSION = '0.1.0';

/**
 * A random id in the vendor's format: 8 lowercase hex characters.
 *
 * ## Example
 * ```ts
 * randomId(); // e.g. '7756f193'
 * ```
 */
export function randomId(): string {
  return randomBytes(4).toString('hex');
}
