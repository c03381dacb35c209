import fc from 'fast-check';
import { either as E } from 'fp-ts';
import { parseSequence, validateSequence } from '../../src/sequence';

describe('parseSequence and validateSequence never throw', () => {
  it('answers a line of 150,000 columns (300 KB) with four issues, not a RangeError', () => {
    const line = `LED_FAN${',1'.repeat(150_000)}`;
    expect(parseSequence(line)).toEqual(
      E.left([
        { line: 1, message: 'LED_FAN: extra parameter 1 (expected 1: state)' },
        { line: 1, message: 'LED_FAN: extra parameter 1 (expected 1: state)' },
        { line: 1, message: 'LED_FAN: extra parameter 1 (expected 1: state)' },
        { line: 1, message: 'LED_FAN: and 149996 more extra parameters' },
      ]),
    );
  });

  it('answers a row object with 150,000 unknown keys the same way', () => {
    const row: Record<string, unknown> = { register: 'LED_FAN', state: 1 };
    for (let i = 0; i < 150_000; i += 1) row[`k${i}`] = 1;
    const result = validateSequence([row]);
    expect(E.isLeft(result) && result.left).toEqual([
      'row 1: LED_FAN: unknown parameter "k0" (expected state)',
      'row 1: LED_FAN: unknown parameter "k1" (expected state)',
      'row 1: LED_FAN: unknown parameter "k2" (expected state)',
      'row 1: LED_FAN: and 149997 more unknown parameters',
    ]);
  });

  it('lists the first 100 problems of a file one by one and counts the rest', () => {
    const result = parseSequence('NOPE\n'.repeat(200_000));
    expect(E.isLeft(result) && result.left.length).toBe(101);
    expect(E.isLeft(result) && result.left[100]).toEqual({
      line: 101,
      message: 'and 199900 more problems from line 101 on',
    });
  });

  it('answers values that cannot be read with a Left', () => {
    const revoked = Proxy.revocable([], {});
    revoked.revoke();
    expect(validateSequence(revoked.proxy)).toEqual(
      E.left([expect.stringMatching(/^the sequence cannot be read: /)]),
    );
    const getter = {
      get register(): string {
        throw new Error('boom');
      },
    };
    expect(validateSequence([getter])).toEqual(E.left(['row 1: the row cannot be read: "boom"']));
    expect(parseSequence(undefined as unknown as string)).toEqual(
      E.left([{ line: 1, message: 'expected CSV text, got undefined' }]),
    );
  });

  it('never throws on any text or any value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (text) => {
        expect(() => parseSequence(text)).not.toThrow();
      }),
      { numRuns: 1_000 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(() => validateSequence(value)).not.toThrow();
        expect(() => validateSequence([value])).not.toThrow();
      }),
      { numRuns: 1_000 },
    );
  });
});
