import * as t from 'io-ts';

/**
 * A TCP port number as pycom uses it: an integer from 1 to 65535.
 *
 * A plain refinement of `number` (no brand), so values can be written as literals.
 *
 * ## Example
 * ```ts
 * Port.is(5000); // true
 * Port.is(0); // false
 * ```
 * @category Protocol
 */
export const Port = new t.Type<number, number, unknown>(
  'integer 1..65535',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 65535,
  (u, c) =>
    typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 65535 ? t.success(u) : t.failure(u, c),
  t.identity,
);

/**
 * The properties of {@link Identity}, for building codecs that extend it.
 *
 * ## Example
 * ```ts
 * const Custom = t.type({ ...identityProps, type_: t.literal('custom') });
 * ```
 * @category Protocol
 */
export const identityProps = {
  /** Unique id of the sender (vendor example: 8 hex characters, `"7756f193"`). */
  id: t.string,
  /** Human-readable name of the sender. */
  name: t.string,
  /** The sender's IP address. */
  ip: t.string,
  /** The port the sender listens on (for a coordinator: where events are sent back). */
  port: Port,
  /** The sender application's version; required, not interpreted. */
  version: t.string,
  /** `true` for a PC application managing the unit, `false` for a unit. */
  coordinator: t.boolean,
};

/**
 * The six fields every pycom message carries: the identity of its sender.
 *
 * ## Example
 * ```ts
 * const me: Identity = { id: '7756f193', name: 'rig-pc', ip: '192.168.0.100', port: 5000, version: '1.0.0', coordinator: true };
 * ```
 * @category Protocol
 */
export const Identity = t.type(identityProps, 'Identity');

/**
 * The identity of a sender: see the {@link Identity} codec.
 * @category Protocol
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- io-ts's idiom: a named type for the docs and editors
export interface Identity extends t.TypeOf<typeof Identity> {}
