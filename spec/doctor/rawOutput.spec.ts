import { changesOf, cutAt, pythonStrip } from '../../src/doctor/rawOutput';

const expected = '  hi\n\x1epycom-rx 0123456789abcdef0123456789abcdef 0\x1e';

describe("the doctor's reading of a raw output", () => {
  it("strips as Python's str.strip() does, the record separator included", () => {
    expect(pythonStrip(' \t\x1ca b\n\x1e\x1f')).toBe('a b');
  });

  it.each([
    [expected, []],
    ['hi\n\x1epycom-rx 0123456789abcdef0123456789abcdef 0', ['stripped']],
    [expected.replace('\n', '\r\n'), ['crlf']],
    [`${expected}\n`, ['newline-appended']],
    ['hi\r\n\x1epycom-rx 0123456789abcdef0123456789abcdef 0\n', ['stripped', 'crlf', 'newline-appended']],
  ])('names the changes of %j', (raw, changes) => {
    expect(changesOf(raw, expected)).toEqual(changes);
  });

  it('knows no change that explains another text', () => {
    expect(changesOf('something else', expected)).toBeUndefined();
  });

  it('finds where an output was cut, even with a newline appended after the cut', () => {
    expect(cutAt('  hi\n\x1epyc', expected)).toBe(9);
    expect(cutAt('  hi\n\x1epyc\n', expected)).toBe(9);
    expect(cutAt('other', expected)).toBeUndefined();
  });
});
