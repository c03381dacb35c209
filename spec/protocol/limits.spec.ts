import fc from 'fast-check';
import { either as E } from 'fp-ts';
import { DECODE_DEFAULTS, decodeEvent, decodeRequest, encodeEvent } from '../../src/protocol';
import { exceedsDepth } from '../../src/protocol/depth';
import { VENDOR_COORDINATOR, VENDOR_UNIT } from '../fixtures';

const message = { ...VENDOR_UNIT, type_: 'message', message: 'Sequence complete' };

/** `depth` nested arrays around `inner`, as JSON text. */
const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

/** An event whose unknown field `extra` holds `text` (JSON). */
const withExtra = (text: string) => `${JSON.stringify(message).slice(0, -1)},"extra":${text}}`;

describe('decode limits', () => {
  it('rejects an unknown field nested deeper than maxDepth as too-deep, before parsing', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (const depth of [5_000, 500_000]) {
        const result = decodeEvent(withExtra(nested(depth)));
        expect(result).toEqual(
          E.left(
            expect.objectContaining({ kind: 'too-deep', message: 'nested deeper than 16 levels (maxDepth)' }),
          ),
        );
      }
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('accepts nesting up to maxDepth (the event itself is level 1), and keeps such a field', () => {
    const limit = DECODE_DEFAULTS.maxDepth;
    const ok = decodeEvent(withExtra(nested(limit - 1)));
    expect(E.isRight(ok) && (ok.right as unknown as { extra: unknown }).extra).toEqual(
      JSON.parse(nested(limit - 1)),
    );
    expect(decodeEvent(withExtra(nested(limit)))).toEqual(
      E.left(expect.objectContaining({ kind: 'too-deep' })),
    );
    expect(E.isRight(decodeEvent(withExtra(nested(3)), { maxDepth: 4 }))).toBe(true);
    expect(decodeEvent(withExtra(nested(4)), { maxDepth: 4 })).toEqual(
      E.left(
        expect.objectContaining({ kind: 'too-deep', message: 'nested deeper than 4 levels (maxDepth)' }),
      ),
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ ...message, message: `${'['.repeat(100)} \\" {{{ "` });
    expect(decodeEvent(text)).toEqual(E.right(JSON.parse(text)));
    expect(exceedsDepth('{"a": "\\\\"}', 1)).toBe(false);
    expect(exceedsDepth('{"a": "\\\\", "b": [[]]}', 2)).toBe(true);
    expect(exceedsDepth('{"a": "unterminated [[[[', 1)).toBe(false);
  });

  it('agrees with the real nesting depth of any JSON value', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object'
        ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.nat({ max: 10 }), (value, limit) => {
        expect(exceedsDepth(JSON.stringify(value), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps unknown fields up to maxUnknownBytes and drops the ones that do not fit, never a known one', () => {
    const big = 'x'.repeat(5_000);
    const text = JSON.stringify({ ...message, small: 'kept', huge: big, after: 1 });
    const result = decodeEvent(text);
    expect(result).toEqual(E.right({ ...message, small: 'kept', after: 1 }));
    expect(decodeEvent(text, { maxUnknownBytes: 0 })).toEqual(E.right(message));
    expect(decodeEvent(text, { maxUnknownBytes: 10_000 })).toEqual(E.right(JSON.parse(text)));
    // a known field is never dropped, however large
    const long = { ...message, message: big };
    expect(decodeEvent(encodeEvent(long as never), { maxUnknownBytes: 0 })).toEqual(E.right(long));
  });

  it('keeps an unknown field named __proto__ as a plain field, never as the prototype', () => {
    const text = `${JSON.stringify(message).slice(0, -1)},"__proto__":{"polluted":true},"huge":"${'x'.repeat(5_000)}"}`;
    const result = decodeEvent(text);
    expect(E.isRight(result)).toBe(true);
    const event = E.isRight(result) ? (result.right as unknown as Record<string, unknown>) : {};
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(event, '__proto__')).toBe(true);
    expect((event as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(event))).toMatchObject({ __proto__: { polluted: true } });
  });

  it('applies the same limits to requests', () => {
    const beat = `${JSON.stringify(VENDOR_COORDINATOR).slice(0, -1)},"x":${nested(100)}}`;
    expect(decodeRequest(beat)).toEqual(E.left(expect.objectContaining({ kind: 'too-deep' })));
    const extra = JSON.stringify({ ...VENDOR_COORDINATOR, note: 'y'.repeat(5_000) });
    expect(decodeRequest(extra)).toEqual(E.right(VENDOR_COORDINATOR));
  });

  it('makes every accepted event safe to serialise, whatever its unknown fields', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (extra) => {
        const result = decodeEvent(JSON.stringify({ ...extra, ...message }));
        if (E.isRight(result)) {
          const text = JSON.stringify(result.right);
          expect(text.length).toBeLessThanOrEqual(
            JSON.stringify(message).length + DECODE_DEFAULTS.maxUnknownBytes + 2,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
