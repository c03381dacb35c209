import { randomBytes } from 'node:crypto';

/**
 * A fresh unit id: 8 random lowercase hex characters, like pycom's (`"81639cd4"`).
 *
 * ## Example
 * ```ts
 * randomUnitId(); // e.g. '3fa91c07'
 * ```
 * @category Simulator
 */
export function randomUnitId(): string {
  return randomBytes(4).toString('hex');
}
