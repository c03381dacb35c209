import * as t from 'io-ts';
import { either as E } from 'fp-ts';
import { eventCodecs, type PycomEvent } from './events';
import { Command, Heartbeat, type PycomRequest } from './requests';
import { exceedsDepth } from './depth';

/** How many characters of the raw payload a {@link DecodeFailure} keeps.
 * @category Protocol
 */
export const EXCERPT_LENGTH = 200;

/**
 * Why a payload could not be decoded:
 * - `utf8`: the bytes are not valid UTF-8;
 * - `json`: the text is not JSON;
 * - `not-object`: the JSON is not an object;
 * - `too-deep`: the JSON nests deeper than `maxDepth` (found by a linear scan, before parsing);
 * - `type`: `type_` is missing, not a string, or unknown;
 * - `field`: a field is missing or has the wrong type.
 * @category Protocol
 */
export type DecodeFailureKind = 'utf8' | 'json' | 'too-deep' | 'not-object' | 'type' | 'field';

/**
 * Limits of {@link decodeEvent} and {@link decodeRequest} on what they accept and keep.
 *
 * ## Example
 * ```ts
 * decodeEvent(bytes, { maxDepth: 4, maxUnknownBytes: 1024 });
 * ```
 * @category Protocol
 */
export interface DecodeOptions {
  /**
   * The deepest nesting accepted, the message object itself being level 1 (pycom's messages are
   * flat). Deeper input is rejected as `too-deep` before it is parsed. Default 16.
   */
  readonly maxDepth?: number;
  /**
   * Unknown extra fields are kept on the result up to this many bytes of JSON text in all (their
   * names included); the ones that do not fit are dropped. Default 4096.
   */
  readonly maxUnknownBytes?: number;
}

/** The defaults of {@link DecodeOptions}.
 * @category Protocol
 */
export const DECODE_DEFAULTS = { maxDepth: 16, maxUnknownBytes: 4096 } as const;

/**
 * A payload that is not a valid pycom message: one readable line and an excerpt of the raw text.
 *
 * ## Example
 * ```ts
 * const r = decodeEvent('{"type_":"x"}');
 * if (E.isLeft(r)) console.log(r.left.message); // unknown type_ "x" ...
 * ```
 * @category Protocol
 */
export interface DecodeFailure {
  /** The category of failure. */
  readonly kind: DecodeFailureKind;
  /** One readable line saying what was wrong. */
  readonly message: string;
  /** The start of the raw text (at most `EXCERPT_LENGTH` characters, `…` appended if cut). */
  readonly excerpt: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Shortens `text` to at most `max` characters, appending `…` when it was cut.
 *
 * ## Example
 * ```ts
 * excerptOf('abcdef', 3); // 'abc…'
 * ```
 * @param text The text to shorten.
 * @param max The maximum length kept.
 * @category Protocol
 */
export function excerptOf(text: string, max: number = EXCERPT_LENGTH): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Shows any value in a one-line message as JSON, shortened by {@link excerptOf} to `max`
 * characters; a value JSON cannot show (`undefined`, a function, a cycle, a bigint) as `String(value)`.
 *
 * ## Example
 * ```ts
 * jsonExcerpt({ port: 'abc' }); // '{"port":"abc"}'
 * jsonExcerpt('x'.repeat(50)); // '"xxx…' (40 characters, then …)
 * ```
 * @param value Any value.
 * @param max The maximum length kept. Default 40.
 * @category Protocol
 */
export function jsonExcerpt(value: unknown, max = 40): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // too deep, a cycle, a BigInt, a throwing toJSON: its kind, never a throw
    try {
      text = Array.isArray(value) ? 'an array' : String(value);
    } catch {
      text = typeof value === 'object' ? 'an object' : typeof value;
    }
  }
  return excerptOf(text, max);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : jsonExcerpt(value);
}

/**
 * Turns io-ts errors into one readable line: ``field `port`: expected Port, got "abc"``.
 *
 * ## Example
 * ```ts
 * const r = Output.decode({});
 * if (E.isLeft(r)) console.log(formatErrors(r.left));
 * ```
 * @param errors The errors of a failed `decode`.
 * @category Protocol
 */
export function formatErrors(errors: t.Errors): string {
  const parts = errors.slice(0, 3).map((error) => {
    const path = error.context
      .slice(1)
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    const expected = error.context[error.context.length - 1]?.type.name ?? 'a value';
    const got = error.value === undefined ? 'missing' : `got ${describe(error.value)}`;
    return path === '' ? `expected ${expected}, ${got}` : `field \`${path}\`: expected ${expected}, ${got}`;
  });
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return parts.join('; ') + more;
}

/** Escapes the characters that would break a one-line message (C0, DEL, C1, LS, PS) as \\uXXXX. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function fail(kind: DecodeFailureKind, message: string, text: string): E.Either<DecodeFailure, never> {
  return E.left({ kind, message: printable(message), excerpt: excerptOf(text) });
}

/** A payload parsed as a JSON object: its text, the object, and its `type_` field (any value). */
type Parsed = E.Either<DecodeFailure, { text: string; value: Record<string, unknown>; type: unknown }>;

function parseObject(input: Uint8Array | string, options: DecodeOptions): Parsed {
  const maxDepth = options.maxDepth ?? DECODE_DEFAULTS.maxDepth;
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      const latin = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
      return fail('utf8', 'invalid UTF-8', latin);
    }
  }
  if (exceedsDepth(text, maxDepth))
    return fail('too-deep', `nested deeper than ${maxDepth} levels (maxDepth)`, text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return fail('json', text.trim() === '' ? 'empty payload' : `not JSON: ${reason}`, text);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return fail('not-object', `not a JSON object: got ${what}`, text);
  }
  const object = value as Record<string, unknown>;
  return E.right({ text, value: object, type: object['type_'] });
}

/**
 * Decodes one inbound payload (raw bytes or text) into a {@link PycomEvent}. Never throws.
 *
 * Checks, in order: UTF-8, nesting depth (`too-deep`, before parsing), JSON, an object, a known
 * `type_`, then that event's fields. Unknown extra fields are kept on the result, up to
 * `maxUnknownBytes` of them (see {@link DecodeOptions}), so that anything accepted can be printed
 * and serialised safely.
 *
 * ## Example
 * ```ts
 * import { either as E } from 'fp-ts';
 * const r = decodeEvent(bytes);
 * if (E.isRight(r)) console.log(r.right.type_);
 * else console.warn(r.left.message);
 * ```
 * @param input The complete payload of one inbound connection.
 * @param options Depth and size limits (see `DECODE_DEFAULTS`).
 * @return `Right` with the event, or `Left` with a {@link DecodeFailure}.
 * @category Protocol
 */
export function decodeEvent(
  input: Uint8Array | string,
  options: DecodeOptions = {},
): E.Either<DecodeFailure, PycomEvent> {
  const parsed = parseObject(input, options);
  if (E.isLeft(parsed)) return parsed;
  const { text, value, type } = parsed.right;
  if (type === undefined) return fail('type', 'missing field `type_`', text);
  if (typeof type !== 'string')
    return fail('type', `field \`type_\`: expected string, got ${describe(type)}`, text);
  if (!Object.prototype.hasOwnProperty.call(eventCodecs, type)) {
    const known = Object.keys(eventCodecs).join(', ');
    return fail('type', `unknown type_ ${describe(type)} (expected one of ${known})`, text);
  }
  const codec = eventCodecs[type as keyof typeof eventCodecs];
  // fast path: a valid event is returned as is; decode only to explain a failure
  if (!codec.is(value)) {
    const result = codec.decode(value);
    if (E.isLeft(result)) return fail('field', formatErrors(result.left), text);
  }
  return E.right(boundUnknown(value, codec.props, options) as PycomEvent);
}

/**
 * Keeps the known fields and, in key order, the unknown ones that fit in `maxUnknownBytes`.
 * Returns `value` itself when nothing is dropped (the common case: no unknown field at all).
 */
function boundUnknown(
  value: Record<string, unknown>,
  props: Record<string, unknown>,
  options: DecodeOptions,
): Record<string, unknown> {
  const keys = Object.keys(value);
  let known = 0;
  for (const key of keys) if (Object.prototype.hasOwnProperty.call(props, key)) known += 1;
  if (known === keys.length) return value;
  let budget = options.maxUnknownBytes ?? DECODE_DEFAULTS.maxUnknownBytes;
  let dropped = false;
  const kept: Record<string, unknown> = {};
  for (const key of keys) {
    const field = value[key];
    if (!Object.prototype.hasOwnProperty.call(props, key)) {
      const size = JSON.stringify(key).length + 2 + jsonLength(field);
      if (size > budget) {
        dropped = true;
        continue;
      }
      budget -= size;
    }
    Object.defineProperty(kept, key, { value: field, enumerable: true, writable: true, configurable: true });
  }
  return dropped ? kept : value;
}

/** The length of a parsed JSON value's text (its depth is bounded by the pre-scan). */
function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

/**
 * Decodes one request payload (what a unit receives) into a {@link PycomRequest}. Never throws.
 * A payload without `type_` is a heartbeat; `type_: "cmd"` is a command.
 *
 * ## Example
 * ```ts
 * const r = decodeRequest(bytes);
 * if (E.isRight(r) && 'command' in r.right) console.log('run:', r.right.command);
 * ```
 * @param input The complete payload of one request connection.
 * @param options Depth and size limits (see `DECODE_DEFAULTS`).
 * @category Protocol
 */
export function decodeRequest(
  input: Uint8Array | string,
  options: DecodeOptions = {},
): E.Either<DecodeFailure, PycomRequest> {
  const parsed = parseObject(input, options);
  if (E.isLeft(parsed)) return parsed;
  const { text, value, type } = parsed.right;
  const codec = type === undefined ? Heartbeat : type === 'cmd' ? Command : undefined;
  if (codec === undefined)
    return fail('type', `unknown request type_ ${describe(type)} (expected "cmd" or none)`, text);
  const result = (codec as t.Decoder<unknown, PycomRequest>).decode(value);
  if (E.isLeft(result)) return fail('field', formatErrors(result.left), text);
  return E.right(boundUnknown(result.right as Record<string, unknown>, codec.props, options) as PycomRequest);
}
