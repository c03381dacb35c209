import fc from 'fast-check';
import { JsonEndScanner } from '../../src/transport/jsonEnd';

/** Feeds `text` in the given chunks; returns the absolute end offset found, or -1. */
function endOf(text: string, cuts: number[] = []): number {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const scanner = new JsonEndScanner();
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const end = scanner.feed(bytes.subarray(from, to));
    if (end !== -1) return from + end;
    from = to;
  }
  return -1;
}

describe('JsonEndScanner', () => {
  it.each([
    ['{}', 2],
    ['  \n{"a": 1}  ', 11],
    ['{"a": "}"}', 10],
    ['{"a": "\\"}"}', 12],
    ['{"a": "\\\\"}', 11],
    ['{"a": [1, {"b": [2]}]}', 22],
    ['[1, 2]', 6],
    ['{"a": "é}€"}', 15],
    ['{"a": 1}{"b": 2}', 8],
    ['{abc}', 5],
  ])('finds the end of %p at byte %p', (text, end) => {
    expect(endOf(text)).toBe(end);
  });

  it.each([['{"a": 1'], ['{"a": "}'], ['"a string"'], ['42'], ['garbage {}'], ['   ']])(
    'finds no end in %p',
    (text) => {
      expect(endOf(text)).toBe(-1);
    },
  );

  it('finds the end of any JSON object however its bytes are split, and reports its depth', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.constantFrom('', ' ', '\n', ' garbage'),
        (value, cuts, trailer) => {
          const text = JSON.stringify(value, null, cuts.length % 2 === 0 ? undefined : 1);
          expect(endOf(text + trailer, cuts)).toBe(Buffer.byteLength(text));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('tracks the deepest nesting seen', () => {
    const scanner = new JsonEndScanner();
    scanner.feed(Buffer.from('{"a": [{"b": "[[[["}], "c": {}}'));
    expect(scanner.maxDepth).toBe(3);
    expect(scanner.ended).toBe(true);
  });

  it('finds the end of an object that arrives one byte at a time', () => {
    const text = `{"a": "${'x}'.repeat(5_000)}"}`;
    const scanner = new JsonEndScanner();
    const bytes = Buffer.from(text);
    let end = -1;
    for (let i = 0; i < bytes.length && end === -1; i += 1) end = scanner.feed(bytes.subarray(i, i + 1));
    expect(end).toBe(1);
    expect(scanner.ended).toBe(true);
  });
});
