import { either as E } from 'fp-ts';
import { readBoardioCsv } from '../../src/unit/boardioCsv';
import { boardioParameters } from '../../src/unit/boardioRegisters';
import { readSequenceFile } from '../../src/unit/sequenceFile';

/** A unit home holding the given files. */
const home = (files: Record<string, string>) => ({ read: (name: string) => files[name] });

describe("the simulated boardio's own reader", () => {
  it('reads rows by its own table, tolerating whitespace, \\r\\n and blank lines', () => {
    expect(readBoardioCsv(' LED_FAN , 1 \r\n\r\nALL_4_CANON,80,105\r\n')).toEqual(
      E.right([
        { register: 'LED_FAN', state: 1 },
        { register: 'ALL_4_CANON', power: 80, shutterMs: 105 },
      ]),
    );
  });

  it('knows register names case-sensitively, and nothing inherited', () => {
    expect(boardioParameters('LED_FAN')).toEqual([{ name: 'state', min: 0, max: 1 }]);
    for (const name of ['led_fan', 'toString', '__proto__', 'constructor'])
      expect(boardioParameters(name)).toBeUndefined();
  });

  it('names the first problem and counts the others', () => {
    expect(readBoardioCsv('LED_FAN,1\nALL_4_CANON,80,110\nLED_FAN,2\n')).toEqual(
      E.left({ line: 2, message: 'ALL_4_CANON shutterMs: 110 is out of range 0..109', more: 1 }),
    );
    expect(readBoardioCsv('MODEL_LIGHT,5O\n')).toEqual(
      E.left({ line: 1, message: 'MODEL_LIGHT power: "5O" is not an integer (expected 0..100)', more: 0 }),
    );
    expect(readBoardioCsv('ALL_4_CANON,80\n')).toEqual(
      E.left({ line: 1, message: 'ALL_4_CANON shutterMs: missing (expected an integer 0..109)', more: 0 }),
    );
  });

  it('keeps messages short whatever the file holds (a 300 KB line)', () => {
    expect(readBoardioCsv(`LED_FAN${',1'.repeat(150_000)}\n`)).toEqual(
      E.left({ line: 1, message: 'LED_FAN: extra parameter 1 (expected 1: state)', more: 149_998 }),
    );
    for (const text of [
      `${'X'.repeat(100_000)},1\n`,
      `LED_FAN,${'9'.repeat(100_000)}\n`,
      `LED_FAN,1,${'y'.repeat(100_000)}\n`,
    ]) {
      const read = readBoardioCsv(text);
      expect(E.isLeft(read) && read.left.message.length).toBeLessThan(200);
    }
  });
});

describe('readSequenceFile', () => {
  it("judges the unit's file with the unit's reader: the line, the problem and how many more", () => {
    expect(readSequenceFile(home({ 'f.csv': 'LED_FAN,1\nLED_FAN,2\nLASER,1\n' }), 'f.csv')).toEqual(
      E.left('f.csv line 2: LED_FAN state: 2 is out of range 0..1 (and 1 more)'),
    );
    expect(readSequenceFile(home({ 'f.csv': 'LED_FAN,1\n' }), 'f.csv')).toEqual(
      E.right([{ register: 'LED_FAN', state: 1 }]),
    );
  });

  it('says when the file is missing, empty or unreadable', () => {
    expect(readSequenceFile(home({}), 'f.csv')).toEqual(E.left('f.csv not found'));
    expect(readSequenceFile(home({ 'f.csv': '\n \n' }), 'f.csv')).toEqual(E.left('f.csv is empty'));
    const locked = {
      read: () => {
        throw Object.assign(new Error('denied'), { code: 'EACCES' });
      },
    };
    expect(readSequenceFile(locked, 'f.csv')).toEqual(E.left('cannot read f.csv (EACCES)'));
  });
});
