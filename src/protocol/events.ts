import * as t from 'io-ts';
import { identityProps } from './identity';

/**
 * An `output` event: what a command printed. Its stdout, or its stderr if it failed; pycom sends
 * no exit code and no request id.
 *
 * ## Example
 * ```ts
 * if (Output.is(value)) console.log(value.output);
 * ```
 * @category Protocol
 */
export const Output = t.type({ ...identityProps, type_: t.literal('output'), output: t.string }, 'Output');

/**
 * An `output` event: see the {@link Output} codec.
 * @category Protocol
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- io-ts's idiom: a named type for the docs and editors
export interface Output extends t.TypeOf<typeof Output> {}

/**
 * A `message` event: free text from the unit, such as `"Sequence complete"`, or boardio's
 * `BOARDIO_READY` / `BOARDIO_ERROR` reports.
 *
 * ## Example
 * ```ts
 * if (Message.is(value) && value.message.startsWith('BOARDIO_ERROR')) console.error(value.message);
 * ```
 * @category Protocol
 */
export const Message = t.type(
  { ...identityProps, type_: t.literal('message'), message: t.string },
  'Message',
);

/**
 * A `message` event: see the {@link Message} codec.
 * @category Protocol
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- io-ts's idiom: a named type for the docs and editors
export interface Message extends t.TypeOf<typeof Message> {}

/**
 * A `unit_info` event: the unit's hardware and software description. pycom sends it once per
 * coordinator, when the coordinator is known and the hardware is ready.
 *
 * ## Example
 * ```ts
 * if (UnitInfo.is(value)) console.log(value.unit_type, value.mac_address);
 * ```
 * @category Protocol
 */
export const UnitInfo = t.type(
  {
    ...identityProps,
    type_: t.literal('unit_info'),
    wiringpi_version: t.string,
    boardio_version: t.string,
    firmware_version: t.string,
    unit_type: t.string,
    mcu_type: t.string,
    mac_address: t.string,
  },
  'UnitInfo',
);

/**
 * A `unit_info` event: see the {@link UnitInfo} codec.
 * @category Protocol
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- io-ts's idiom: a named type for the docs and editors
export interface UnitInfo extends t.TypeOf<typeof UnitInfo> {}

/**
 * The codec of each event, by its `type_`. Used by {@link decodeEvent} to pick the codec from
 * the discriminant, which gives precise error messages.
 *
 * ## Example
 * ```ts
 * eventCodecs['output'].is(value);
 * ```
 * @category Protocol
 */
export const eventCodecs = {
  output: Output,
  message: Message,
  unit_info: UnitInfo,
} as const;

/**
 * Every event a unit sends, as a union discriminated by `type_`.
 *
 * Unknown extra fields are tolerated and **kept** on the decoded value (newer pycom versions may
 * add some); they are not part of the static type.
 *
 * ## Example
 * ```ts
 * const result = PycomEvent.decode(JSON.parse(bytes.toString('utf8')));
 * ```
 * @category Protocol
 */
export const PycomEvent = t.union([Output, Message, UnitInfo], 'PycomEvent');

/**
 * An event from a unit: see the {@link PycomEvent} codec.
 * @category Protocol
 */
export type PycomEvent = Output | Message | UnitInfo;

/**
 * The `type_` values of events: `"output" | "message" | "unit_info"`.
 * @category Protocol
 */
export type EventType = PycomEvent['type_'];
