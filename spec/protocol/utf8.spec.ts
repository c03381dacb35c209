import { either as E } from 'fp-ts';
import { decodeEvent } from '../../src/protocol/decode';
import { message, unitA } from '../helpers/events';

/** What the WHATWG decoder (fatal, BOM dropped) makes of the bytes: the reference. */
const reference = new TextDecoder('utf-8', { fatal: true });

/** A `message` event from unitA whose text is `inner`, as bytes. */
const event = (inner: number[]) => {
  const [head, tail] = JSON.stringify(message(unitA, '@')).split('@') as [string, string];
  return Uint8Array.from([...Buffer.from(head), ...inner, ...Buffer.from(tail)]);
};

const samples: ReadonlyArray<readonly [string, number[]]> = [
  ['ASCII', [0x68, 0x69]],
  ['two, three and four byte characters', [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x92, 0xa1]],
  ['a lone continuation byte', [0x80]],
  ['a truncated sequence', [0xe2, 0x82]],
  ['an overlong slash', [0xc0, 0xaf]],
  ['an overlong NUL', [0xe0, 0x80, 0x80]],
  ['a surrogate encoded as UTF-8 (CESU-8)', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['0xFF', [0xff]],
  ['U+FFFE, a noncharacter that is still UTF-8', [0xef, 0xbf, 0xbe]],
];

describe('decodeEvent: UTF-8 as the WHATWG fatal decoder reads it', () => {
  it.each(samples)('%s', (_, inner) => {
    const bytes = event(inner);
    let expected: string | undefined;
    try {
      expected = reference.decode(bytes);
    } catch {
      expected = undefined;
    }
    const decoded = decodeEvent(bytes);
    if (expected === undefined) expect(E.isLeft(decoded) && decoded.left.kind).toBe('utf8');
    else expect(E.isRight(decoded) && decoded.right).toEqual(JSON.parse(expected));
  });

  it('drops a leading byte order mark, as the decoder does', () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...event([0x68])]);
    expect(E.isRight(decodeEvent(bytes))).toBe(true);
  });

  it('reads a Uint8Array that is a view into a larger buffer', () => {
    const whole = Buffer.concat([Buffer.from('xx'), Buffer.from(event([0xc3, 0xa9])), Buffer.from('yy')]);
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 2, whole.length - 4);
    const decoded = decodeEvent(view);
    expect(E.isRight(decoded) && decoded.right).toEqual(message(unitA, 'é'));
  });
});
