import { randomBytes } from 'node:crypto';
import { version } from '../../package.json';

/**
 * This library's version (the `version` of its package.json, inlined by the build), sent as the
 * coordinator's `version` by default.
 *
 * ## Example
 * ```ts
 * console.log(`pycom-rx ${LIBRARY_VERSION}`);
 * ```
 * @category Coordinator
 */
export const LIBRARY_VERSION: string = version;

/**
 * A random id in the vendor's format: 8 lowercase hex characters.
 *
 * ## Example
 * ```ts
 * randomId(); // e.g. '7756f193'
 * ```
 * @category Coordinator
 */
export function randomId(): string {
  return randomBytes(4).toString('hex');
}
