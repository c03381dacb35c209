import fc from 'fast-check';
import { either as E } from 'fp-ts';
import { decodeEvent, encodeEvent, type DecodeFailure, type PycomEvent } from '../../src/protocol';
import { scale, unitIdentity } from '../fixtures';
import { sendAndEnd } from '../helpers/sockets';
import { hostsOf, ListenerHarness } from './harness';
import { anyCase, type Case } from './payloads';

// This file's loopback range: 127.41.12.0/24 (spec/helpers/addresses.ts): the listener on .1, good senders from .2.
const AT = hostsOf(__filename);

/** The decoder's verdict on a case, checked against how the case was made. */
function verdict(c: Case): E.Either<DecodeFailure, PycomEvent> {
  const result = decodeEvent(c.bytes);
  if (c.expect === 'valid') expect(result).toEqual(E.right(c.original ?? expect.anything()));
  if (c.expect === 'invalid') expect(E.isLeft(result)).toBe(true);
  return result;
}

/** The characters of `text` that break a one-line log record or drive a terminal: C0, DEL, C1, LS, PS. */
function controlCharacters(text: string): string[] {
  return [...text].filter((ch) => {
    const code = ch.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
  });
}

describe('decodeEvent on arbitrary input', () => {
  it(
    'never throws, accepts valid and extended events, rejects dropped, retyped and truncated ones',
    () => {
      fc.assert(
        fc.property(anyCase, (c) => {
          const result = verdict(c);
          if (E.isLeft(result)) {
            expect(['utf8', 'json', 'too-deep', 'not-object', 'type', 'field']).toContain(result.left.kind);
            expect(result.left.message.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: scale(1_000, 100_000) },
      );
    },
    scale(30_000, 120_000),
  );

  it(
    'says what was wrong in one line of printable text, whatever the sender put in the payload',
    () => {
      // any text the sender controls: bad JSON, an unknown type_, a field of the wrong type
      const text = fc.string({ unit: 'binary', maxLength: 40 });
      const unit = unitIdentity({ id: 'a', name: 'u', ip: 'i', version: '1' });
      const noisy = fc.oneof(
        anyCase.map((c) => c.bytes),
        text.map((t) => Buffer.from(`x${t}`, 'utf8')),
        text.map((t) => Buffer.from(JSON.stringify({ ...unit, type_: t }), 'utf8')),
        text.map((t) =>
          Buffer.from(JSON.stringify({ ...unit, port: t, type_: 'output', output: '' }), 'utf8'),
        ),
      );
      fc.assert(
        fc.property(noisy, (bytes) => {
          const result = decodeEvent(bytes);
          if (E.isLeft(result)) expect(controlCharacters(result.left.message)).toEqual([]);
        }),
        { numRuns: scale(1_000, 100_000) },
      );
    },
    scale(30_000, 120_000),
  );
});

describe('listen() on arbitrary input over real sockets', () => {
  let harness: ListenerHarness;
  let sent = 0;

  beforeAll(async () => {
    harness = await ListenerHarness.start(AT, { idleTimeoutMs: 5_000 });
  });
  afterAll(() => harness.stop());

  it(
    'emits one item per connection: the decoded event when decodeEvent accepts the bytes, else a rejection with its reason',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(anyCase, { minLength: 1, maxLength: 8 }), async (cases) => {
          const before = harness.count;
          const outcomes = await Promise.all(cases.map((c) => sendAndEnd(harness, c.bytes)));
          sent += cases.length;
          // a sender whose event was taken sees a clean close; any other sees a reset
          expect(outcomes.map((o) => o.error)).toEqual(
            cases.map((c) => (E.isRight(decodeEvent(c.bytes)) ? undefined : 'ECONNRESET')),
          );
          await harness.until(
            () => outcomes.every((o) => harness.has(o.key)),
            'an item for every connection',
          );
          cases.forEach((c, i) => {
            const items = harness.take(outcomes[i]!.key);
            expect(items).toHaveLength(1);
            const item = items[0]!;
            const expected = verdict(c);
            if (E.isRight(expected)) {
              expect(item).toMatchObject({ remote: { address: AT.from } });
              expect('type_' in item && item).toEqual({
                ...expected.right,
                remote: item.remote,
                receivedAt: item.receivedAt,
              });
            } else {
              expect(item).toMatchObject({
                kind: 'rejected',
                reason: expected.left.kind,
                message: expected.left.message,
                bytes: c.bytes.length,
              });
            }
          });
          expect(harness.count - before).toBe(cases.length);
        }),
        { numRuns: scale(100, 3_000) },
      );
      // nothing arrives late or twice, and the stream is still alive: a sentinel event comes next
      const sentinel = encodeEvent({ ...unitIdentity(), type_: 'message', message: 'sentinel' });
      await sendAndEnd(harness, sentinel);
      await harness.until(() => harness.count > sent, 'the sentinel');
      expect(harness.count).toBe(sent + 1);
      expect(harness.items.at(-1)).toMatchObject({ type_: 'message', message: 'sentinel' });
      expect(harness.error).toBeUndefined();
    },
    scale(30_000, 180_000),
  );
});
