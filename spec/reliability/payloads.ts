import fc from 'fast-check';
import { encodeEvent, type PycomEvent } from '../../src/protocol';
import { event } from '../protocol/arbitraries';

/** What the decoder must say about a payload, when the way it was made tells. */
export type Expectation = 'valid' | 'invalid' | 'either';

/** A payload to send, how it was made, and what the decoder must say of it. */
export interface Case {
  readonly how: string;
  readonly bytes: Buffer;
  readonly expect: Expectation;
  /** For a valid event sent unchanged: the event itself. */
  readonly original?: PycomEvent;
}

const jsonKind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** JSON values of every type; `differentFrom` keeps those whose JSON type differs from `v`'s. */
const anyJsonValue = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);
const differentFrom = (v: unknown) => anyJsonValue.filter((w) => jsonKind(w) !== jsonKind(v));

const keysOf = (e: PycomEvent) => Object.keys(e);
const reserved = new Set(['__proto__', 'constructor', 'prototype']);

function withEntry(e: PycomEvent, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...e };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** A valid event, encoded as a unit does. */
export const validCase: fc.Arbitrary<Case> = event.map((e) => ({
  how: 'valid',
  bytes: encodeEvent(e),
  expect: 'valid',
  original: e,
}));

/** A valid event with one required field removed: always invalid. */
export const droppedField: fc.Arbitrary<Case> = event.chain((e) =>
  fc.constantFrom(...keysOf(e)).map((key) => {
    const copy: Record<string, unknown> = { ...e };
    delete copy[key];
    return { how: `drop ${key}`, bytes: json(copy), expect: 'invalid' as const };
  }),
);

/** A valid event with one field's value replaced by a value of another JSON type: invalid. */
export const retypedField: fc.Arbitrary<Case> = event.chain((e) =>
  fc.constantFrom(...keysOf(e)).chain((key) =>
    differentFrom((e as unknown as Record<string, unknown>)[key]).map((value) => ({
      how: `retype ${key}`,
      bytes: json(withEntry(e, key, value)),
      expect: 'invalid' as const,
    })),
  ),
);

/** A valid event with extra, unknown fields: still valid (extra fields are tolerated). */
export const addedFields: fc.Arbitrary<Case> = event.chain((e) =>
  fc
    .dictionary(
      fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !reserved.has(k) && !keysOf(e).includes(k)),
      fc.jsonValue({ maxDepth: 2 }),
      { minKeys: 1, maxKeys: 4 },
    )
    .map((extra) => ({
      how: 'add fields',
      bytes: json(
        Object.entries(extra).reduce((acc, [k, v]) => withEntry(acc as PycomEvent, k, v), e as object),
      ),
      expect: 'valid' as const,
    })),
);

/** A valid event cut short at any byte: never a complete JSON object, so invalid. */
export const truncated: fc.Arbitrary<Case> = event.chain((e) => {
  const bytes = encodeEvent(e);
  return fc.integer({ min: 0, max: bytes.length - 1 }).map((end) => ({
    how: `truncate at ${end}/${bytes.length}`,
    bytes: bytes.subarray(0, end),
    expect: 'invalid' as const,
  }));
});

/** A valid event with one byte overwritten: the decoder decides. */
export const corruptedByte: fc.Arbitrary<Case> = event.chain((e) => {
  const bytes = encodeEvent(e);
  return fc
    .tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }))
    .map(([at, value]) => {
      const copy = Buffer.from(bytes);
      copy[at] = value;
      return { how: `byte ${at} = ${value}`, bytes: copy, expect: 'either' as const };
    });
});

/** Arbitrary bytes: the decoder decides. */
export const arbitraryBytes: fc.Arbitrary<Case> = fc
  .uint8Array({ maxLength: 600 })
  .map((b) => ({ how: 'bytes', bytes: Buffer.from(b), expect: 'either' as const }));

/** Arbitrary JSON texts of any shape. */
export const arbitraryJson: fc.Arbitrary<Case> = fc
  .json({ maxDepth: 3 })
  .map((text) => ({ how: 'json', bytes: Buffer.from(text, 'utf8'), expect: 'either' as const }));

/** Objects with a known or unknown `type_` and arbitrary fields. */
export const looseObject: fc.Arbitrary<Case> = fc
  .record({
    type_: fc.oneof(fc.constantFrom('output', 'message', 'unit_info', 'cmd', ''), anyJsonValue),
    rest: fc.dictionary(
      fc.string({ maxLength: 8 }).filter((k) => !reserved.has(k)),
      fc.jsonValue({ maxDepth: 1 }),
      {
        maxKeys: 8,
      },
    ),
  })
  .map(({ type_, rest }) => ({
    how: 'loose object',
    bytes: json({ ...rest, type_ }),
    expect: 'either' as const,
  }));

/** Every kind of payload, weighted towards the near-valid ones that exercise the decoder most. */
export const anyCase: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: validCase, weight: 3 },
  { arbitrary: droppedField, weight: 2 },
  { arbitrary: retypedField, weight: 2 },
  { arbitrary: addedFields, weight: 2 },
  { arbitrary: truncated, weight: 2 },
  { arbitrary: corruptedByte, weight: 1 },
  { arbitrary: arbitraryBytes, weight: 1 },
  { arbitrary: arbitraryJson, weight: 1 },
  { arbitrary: looseObject, weight: 1 },
);
