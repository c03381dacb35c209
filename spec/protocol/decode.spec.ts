import fc from 'fast-check';
import { either as E } from 'fp-ts';
import {
  decodeEvent,
  decodeRequest,
  encodeEvent,
  encodeRequest,
  EXCERPT_LENGTH,
  PycomEvent,
} from '../../src/protocol';
import { scale, VENDOR_UNIT } from '../fixtures';
import { command, event, heartbeat } from './arbitraries';

const unit = VENDOR_UNIT;

/** Every kind of decode failure. */
const FAILURE_KINDS = ['utf8', 'json', 'too-deep', 'not-object', 'type', 'field'];

function failure(input: string | Uint8Array) {
  const result = decodeEvent(input);
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
  return result.left;
}

describe('decodeEvent', () => {
  it('decodes the vendor example of an output event', () => {
    const result = decodeEvent(JSON.stringify({ ...unit, type_: 'output', output: 'hi\n' }));
    expect(result).toEqual(E.right({ ...unit, type_: 'output', output: 'hi\n' }));
  });

  it('decodes bytes as UTF-8', () => {
    const result = decodeEvent(
      Buffer.from(JSON.stringify({ ...unit, type_: 'message', message: 'Grüße ✓' })),
    );
    expect(E.isRight(result) && result.right.type_ === 'message' && result.right.message).toBe('Grüße ✓');
  });

  it('keeps unknown extra fields sent by newer pycom versions', () => {
    const result = decodeEvent(JSON.stringify({ ...unit, type_: 'output', output: '', uptime: 12 }));
    expect(E.isRight(result) && (result.right as unknown as { uptime: number }).uptime).toBe(12);
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'utf8', /invalid UTF-8/],
    ['not JSON', '{"type_": "output",', 'json', /not JSON/],
    ['an empty payload', '', 'json', /empty payload/],
    ['not an object', '[1,2]', 'not-object', /not a JSON object: got an array/],
    ['null', 'null', 'not-object', /got null/],
    ['no type_', JSON.stringify(unit), 'type', /missing field `type_`/],
    ['an unknown type_', JSON.stringify({ ...unit, type_: 'x' }), 'type', /unknown type_ "x"/],
    ['a non-string type_', JSON.stringify({ ...unit, type_: 3 }), 'type', /`type_`: expected string, got 3/],
    [
      'a port that is a string',
      JSON.stringify({ ...unit, port: 'abc', type_: 'output', output: '' }),
      'field',
      /field `port`: expected integer 1\.\.65535, got "abc"/,
    ],
    [
      'a port out of range',
      JSON.stringify({ ...unit, port: 70000, type_: 'output', output: '' }),
      'field',
      /`port`/,
    ],
    [
      'a missing field',
      JSON.stringify({ ...unit, type_: 'output' }),
      'field',
      /field `output`: expected string, missing/,
    ],
    [
      'a wrong boolean',
      JSON.stringify({ ...unit, coordinator: 'no', type_: 'message', message: '' }),
      'field',
      /`coordinator`/,
    ],
  ])('rejects %s with one readable line', (_name, input, kind, pattern) => {
    const f = failure(input);
    expect(f.kind).toBe(kind);
    expect(f.message).toMatch(pattern);
    expect(f.message).not.toContain('\n');
  });

  it('keeps a truncated excerpt of the raw text', () => {
    const raw = `{"junk": "${'x'.repeat(5000)}"`;
    const f = failure(raw);
    expect(f.excerpt.length).toBe(EXCERPT_LENGTH + 1);
    expect(f.excerpt.startsWith('{"junk": "xxx')).toBe(true);
    expect(f.excerpt.endsWith('…')).toBe(true);
  });

  it('decodes what encodeEvent encodes, for every valid event', () => {
    fc.assert(
      fc.property(event, (e) => {
        expect(decodeEvent(encodeEvent(e))).toEqual(E.right(e));
      }),
      { numRuns: scale(200, 5_000) },
    );
  });

  it('never throws on arbitrary bytes, and rejects them unless they are a valid event', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = decodeEvent(bytes);
        if (E.isRight(result)) {
          expect(PycomEvent.is(result.right)).toBe(true);
          expect(decodeEvent(encodeEvent(result.right))).toEqual(result);
        } else {
          const { kind, message, excerpt } = result.left;
          expect(FAILURE_KINDS).toContain(kind);
          expect(message).toMatch(/^[^\n]+$/); // one line, never empty
          expect(excerpt.length).toBeLessThanOrEqual(EXCERPT_LENGTH + 1);
        }
      }),
      { numRuns: scale(500, 20_000) },
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = decodeEvent(JSON.stringify(value));
        expect(E.isLeft(result)).toBe(true);
      }),
      { numRuns: scale(300, 10_000) },
    );
  });
});

describe('decodeRequest', () => {
  it('decodes what encodeRequest encodes, heartbeats and commands alike', () => {
    fc.assert(
      fc.property(fc.oneof(heartbeat, command), (request) => {
        expect(decodeRequest(encodeRequest(request))).toEqual(E.right(request));
      }),
      { numRuns: scale(200, 5_000) },
    );
  });

  it('rejects an unknown request type', () => {
    const result = decodeRequest(JSON.stringify({ ...unit, type_: 'reboot' }));
    expect(E.isLeft(result) && result.left.message).toMatch(/unknown request type_ "reboot"/);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(() => decodeRequest(bytes)).not.toThrow();
      }),
    );
  });
});

describe('encodeRequest', () => {
  it('writes one JSON object in UTF-8', () => {
    const bytes = encodeRequest({ ...unit, coordinator: true, type_: 'cmd', command: 'echo é' });
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({
      ...unit,
      coordinator: true,
      type_: 'cmd',
      command: 'echo é',
    });
  });
});
