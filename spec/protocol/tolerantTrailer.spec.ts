import fc from 'fast-check';
import { readTrailer, taggedOutput, trailerOf, untagOutput } from '../../src/protocol/tagged';
import type { Output } from '../../src/protocol';
import { pycomOutput } from '../../src/unit/pycomQuirks';
import { unitIdentity } from '../fixtures';

const NONCE = 'fedcba9876543210fedcba9876543210';

/** What Python's str.isspace() holds true, written out here (not taken from the code under test). */
const PYTHON_WHITESPACE = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\x1c',
  '\x1d',
  '\x1e',
  '\x1f',
  ' ',
  '\x85',
  '\xa0',
  '\u1680',
  '\u2000',
  '\u2005',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
];
const isPythonSpace = (c: string) => PYTHON_WHITESPACE.includes(c);
/** `text` without its leading Python whitespace. */
const lstrip = (text: string) => {
  let i = 0;
  while (i < text.length && isPythonSpace(text[i]!)) i++;
  return text.slice(i);
};

/** Text a command may print: any characters, with whitespace and the separators well represented. */
const printed = fc
  .array(
    fc.oneof(fc.constantFrom(...PYTHON_WHITESPACE, 'a', 'é', '😀', '\x01'), fc.string({ maxLength: 3 })),
    {
      maxLength: 20,
    },
  )
  .map((parts) => parts.join(''));

describe('readTrailer: what pycom may do to an output', () => {
  it('reads the nonce, exit status and text whatever pycom strips, converts or appends', () => {
    fc.assert(
      fc.property(
        printed,
        fc.integer({ min: 0, max: 255 }),
        fc.record({ stripOutput: fc.boolean(), crlf: fc.boolean(), appendNewline: fc.boolean() }),
        (text, exitCode, quirks) => {
          const sent = pycomOutput(taggedOutput(NONCE, text, exitCode), quirks);
          let expected = quirks.stripOutput ? lstrip(text) : text;
          if (quirks.crlf) expected = expected.replace(/\n/g, '\r\n');
          expect(readTrailer(sent)).toEqual({ nonce: NONCE, exitCode, output: expected });
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['stripped', `x\n\x1epycom-rx ${NONCE} 7`, 'x\n'],
    ['stripped, then a newline appended', `x\n\x1epycom-rx ${NONCE} 7\n`, 'x\n'],
    ['stripped, then converted and appended', `x\r\n\x1epycom-rx ${NONCE} 7\r\n`, 'x\r\n'],
    ['with the opening mark stripped too', `pycom-rx ${NONCE} 7`, ''],
    ['followed by a background job', `x\n\x1epycom-rx ${NONCE} 7\x1ejob\n`, 'x\njob\n'],
    ['stripped, the mark at both ends gone, a job after', `pycom-rx ${NONCE} 7\x1ejob`, 'job'],
    [
      'followed by a job that printed something trailer-like',
      `x\x1epycom-rx ${NONCE} 7\x1e\x1epycom-rx oops`,
      'x\x1epycom-rx oops',
    ],
  ])('reads a trailer %s', (_, text, output) => {
    expect(readTrailer(text)).toEqual({ nonce: NONCE, exitCode: 7, output });
  });

  it('takes the last whole trailer when a background job printed another one', () => {
    const other = '0'.repeat(32);
    expect(readTrailer(`a\x1epycom-rx ${NONCE} 1\x1eb\x1epycom-rx ${other} 2\x1e`)).toEqual({
      nonce: other,
      exitCode: 2,
      output: `a\x1epycom-rx ${NONCE} 1\x1eb`,
    });
  });

  it.each([
    ['cut inside the nonce', `x\x1epycom-rx ${NONCE.slice(0, 12)}`],
    ['cut before the exit status', `x\x1epycom-rx ${NONCE} `],
    ['a label without the mark in the middle of a text', `x pycom-rx ${NONCE} 1`],
    ['an exit status of four digits', `x\x1epycom-rx ${NONCE} 1000`],
  ])('reads no trailer from an output %s', (_, text) => {
    expect(readTrailer(text)).toBeUndefined();
  });

  it('gives untagOutput and trailerOf the tolerant reading, once per event', () => {
    const event: Output = { ...unitIdentity(), type_: 'output', output: `ok\r\n\x1epycom-rx ${NONCE} 3\r\n` };
    expect(trailerOf(event)).toEqual({ nonce: NONCE, exitCode: 3, output: 'ok\r\n' });
    const untagged = untagOutput(event);
    expect(untagged).toEqual({ ...event, output: 'ok\r\n', exitCode: 3 });
    expect(untagOutput(event)).toBe(untagged);
  });
});
