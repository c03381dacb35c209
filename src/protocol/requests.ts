import * as t from 'io-ts';
import { identityProps } from './identity';

/**
 * A heartbeat: the sender's identity alone, no `type_`. A coordinator sends one every 5 s;
 * pycom considers it offline after 15 s without one.
 *
 * ## Example
 * ```ts
 * const beat: Heartbeat = { id: '7756f193', name: 'rig-pc', ip: '127.0.0.1', port: 5000, version: '1.0.0', coordinator: true };
 * ```
 * @category Protocol
 */
export const Heartbeat = t.type(identityProps, 'Heartbeat');

/**
 * A heartbeat request: see the {@link Heartbeat} codec.
 * @category Protocol
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- io-ts's idiom: a named type for the docs and editors
export interface Heartbeat extends t.TypeOf<typeof Heartbeat> {}

/**
 * A shell command for the unit: identity plus `type_: "cmd"` and the `command` string. The unit
 * runs it and answers later with an `output` event.
 *
 * ## Example
 * ```ts
 * const cmd: Command = { ...me, type_: 'cmd', command: 'uptime' };
 * ```
 * @category Protocol
 */
export const Command = t.type({ ...identityProps, type_: t.literal('cmd'), command: t.string }, 'Command');

/**
 * A command request: see the {@link Command} codec.
 * @category Protocol
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- io-ts's idiom: a named type for the docs and editors
export interface Command extends t.TypeOf<typeof Command> {}

/**
 * Anything a coordinator sends to a unit: a {@link Command} or a {@link Heartbeat}.
 *
 * ## Example
 * ```ts
 * PycomRequest.is({ ...me, type_: 'cmd', command: 'ls' }); // true
 * ```
 * @category Protocol
 */
export const PycomRequest = t.union([Command, Heartbeat], 'PycomRequest');

/**
 * A request from coordinator to unit: see the {@link PycomRequest} codec.
 * @category Protocol
 */
export type PycomRequest = Command | Heartbeat;
