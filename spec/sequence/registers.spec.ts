import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { either as E } from 'fp-ts';
import fc from 'fast-check';
import * as t from 'io-ts';
import {
  all4Canon,
  all4Nikon,
  digitalPolarizer,
  ledFan,
  modelLight,
  olat4Canon,
  olat4Nikon,
  buildRow,
  validateRow,
  validateSequence,
} from '../../src/sequence/builders';
import { SequenceError } from '../../src/sequence/error';
import { ROW_CODECS, Row, Sequence, type RowOf, type RowParameters } from '../../src/sequence/registers';
import { isRegisterName, REGISTER_NAMES, REGISTER_SPECS, type RegisterName } from '../../src/sequence/specs';
import { anyRow } from './arbitraries';

/** The vendor's register table (docs/sequences.md), restated here so the spec does not trust the source. */
const EXPECTED: { [R in RegisterName]: ReadonlyArray<readonly [string, number, number]> } = {
  MODEL_LIGHT: [['power', 0, 100]],
  ALL_4_NIKON: [['power', 0, 100]],
  ALL_4_CANON: [
    ['power', 0, 100],
    ['shutterMs', 0, 109],
  ],
  OLAT_4_NIKON: [
    ['power', 0, 100],
    ['driveMode', 0, 1],
  ],
  OLAT_4_CANON: [
    ['power', 0, 100],
    ['driveMode', 0, 1],
  ],
  LED_FAN: [['state', 0, 1]],
  DIGITAL_POLARIZER: [['state', 0, 1]],
};

/** Each register's own builder, called with a parameters object. */
const BUILDERS: { [R in RegisterName]: (p: RowParameters<R>) => RowOf<R> } = {
  MODEL_LIGHT: (p) => modelLight(p.power),
  ALL_4_NIKON: (p) => all4Nikon(p.power),
  ALL_4_CANON: (p) => all4Canon(p),
  OLAT_4_NIKON: (p) => olat4Nikon(p),
  OLAT_4_CANON: (p) => olat4Canon(p),
  LED_FAN: (p) => ledFan(p.state),
  DIGITAL_POLARIZER: (p) => digitalPolarizer(p.state),
};

function build(register: RegisterName, params: Record<string, unknown>): unknown {
  return (BUILDERS[register] as (p: Record<string, unknown>) => unknown)(params);
}

/** A valid parameters object for `register`: every parameter at its minimum. */
function minimal(register: RegisterName): Record<string, number> {
  return Object.fromEntries(EXPECTED[register].map(([name, min]) => [name, min]));
}

function thrown(f: () => unknown): SequenceError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SequenceError);
    expect(e).toBeInstanceOf(RangeError);
    return e as SequenceError;
  }
  throw new Error('expected a SequenceError, nothing was thrown');
}

describe('REGISTER_SPECS', () => {
  it('lists exactly the registers, parameters (in CSV order) and ranges of the vendor table', () => {
    expect([...REGISTER_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const register of REGISTER_NAMES) {
      const actual = REGISTER_SPECS[register].params.map((p) => [p.name, p.min, p.max]);
      expect({ register, params: actual }).toEqual({ register, params: EXPECTED[register] });
    }
  });

  it('marks the undocumented parameters as assumptions, and OLAT_4_CANON as cut off', () => {
    expect(REGISTER_SPECS.OLAT_4_CANON.source).toBe('truncated page');
    expect(REGISTER_SPECS.LED_FAN.params[0]?.source).toBe('assumed');
    expect(REGISTER_SPECS.DIGITAL_POLARIZER.params[0]?.source).toBe('assumed');
    expect(REGISTER_SPECS.ALL_4_CANON.source).toBe('vendor');
  });

  it('says which registers fire flashes', () => {
    const flash = REGISTER_NAMES.filter((r) => REGISTER_SPECS[r].flash);
    expect(flash.sort()).toEqual(['ALL_4_CANON', 'ALL_4_NIKON', 'OLAT_4_CANON', 'OLAT_4_NIKON']);
  });

  it('knows register names case-sensitively', () => {
    expect(isRegisterName('LED_FAN')).toBe(true);
    expect(isRegisterName('led_fan')).toBe(false);
    expect(isRegisterName('toString')).toBe(false);
    expect(isRegisterName(1)).toBe(false);
  });
});

describe('builders', () => {
  it('build the documented example rows', () => {
    expect(modelLight(50)).toEqual({ register: 'MODEL_LIGHT', power: 50 });
    expect(all4Nikon(80)).toEqual({ register: 'ALL_4_NIKON', power: 80 });
    expect(all4Canon({ power: 80, shutterMs: 105 })).toEqual({
      register: 'ALL_4_CANON',
      power: 80,
      shutterMs: 105,
    });
    expect(olat4Nikon({ power: 80, driveMode: 1 })).toEqual({
      register: 'OLAT_4_NIKON',
      power: 80,
      driveMode: 1,
    });
    expect(olat4Canon({ power: 70, driveMode: 0 })).toEqual({
      register: 'OLAT_4_CANON',
      power: 70,
      driveMode: 0,
    });
    expect(ledFan(1)).toEqual({ register: 'LED_FAN', state: 1 });
    expect(ledFan(true)).toEqual({ register: 'LED_FAN', state: 1 });
    expect(ledFan(false)).toEqual({ register: 'LED_FAN', state: 0 });
    expect(digitalPolarizer(0)).toEqual({ register: 'DIGITAL_POLARIZER', state: 0 });
    expect(digitalPolarizer(true)).toEqual({ register: 'DIGITAL_POLARIZER', state: 1 });
  });

  it('name register, parameter, value and range when out of range', () => {
    expect(() => all4Canon({ power: 80, shutterMs: 110 })).toThrow(
      new RangeError('ALL_4_CANON shutterMs: 110 is out of range 0..109'),
    );
    expect(thrown(() => modelLight(101)).issues).toEqual(['MODEL_LIGHT power: 101 is out of range 0..100']);
    expect(thrown(() => ledFan(2)).message).toBe('LED_FAN state: 2 is out of range 0..1');
  });

  describe.each(REGISTER_NAMES)('%s', (register) => {
    const params = EXPECTED[register];

    it.each(params.map(([name, min, max]) => ({ name, min, max })))(
      'accepts $name at min and max, rejects min-1, max+1 and non-integers',
      ({ name, min, max }) => {
        for (const value of [min, max]) {
          const params = { ...minimal(register), [name]: value };
          expect(build(register, params)).toEqual({ register, ...params });
          expect(buildRow(register, params as never)).toEqual({ register, ...params });
        }
        for (const value of [min - 1, max + 1]) {
          const message = `${register} ${name}: ${value} is out of range ${min}..${max}`;
          expect(thrown(() => build(register, { ...minimal(register), [name]: value })).issues).toEqual([
            message,
          ]);
        }
        for (const value of [min + 0.5, NaN, Infinity, '1', null]) {
          const error = thrown(() => build(register, { ...minimal(register), [name]: value }));
          expect(error.issues).toHaveLength(1);
          expect(error.message).toMatch(
            new RegExp(`^${register} ${name}: .+ is not an integer \\(expected ${min}\\.\\.${max}\\)$`),
          );
        }
      },
    );

    it.each(params.map(([name, min, max]) => ({ name, min, max })))(
      'reports $name missing',
      ({ name, min, max }) => {
        const { [name]: _dropped, ...rest } = minimal(register);
        expect(thrown(() => build(register, rest)).message).toBe(
          `${register} ${name}: missing (expected an integer ${min}..${max})`,
        );
      },
    );

    it('reports an extra parameter', () => {
      const names = params.map(([name]) => name).join(', ');
      const error = thrown(() => buildRow(register, { ...minimal(register), flashes: 3 } as never));
      expect(error.message).toBe(`${register}: unknown parameter "flashes" (expected ${names})`);
    });
  });

  it('object builders reject an extra parameter too', () => {
    expect(() => all4Canon({ power: 1, shutterMs: 1, extra: 1 } as never)).toThrow(
      'ALL_4_CANON: unknown parameter "extra" (expected power, shutterMs)',
    );
    expect(() => olat4Nikon({ power: 1, driveMode: 0, shutterMs: 5 } as never)).toThrow(
      'OLAT_4_NIKON: unknown parameter "shutterMs"',
    );
  });

  it('report every problem of a row at once', () => {
    expect(thrown(() => all4Canon({ power: -1, shutterMs: 1.5 })).issues).toEqual([
      'ALL_4_CANON power: -1 is out of range 0..100',
      'ALL_4_CANON shutterMs: 1.5 is not an integer (expected 0..109)',
    ]);
  });

  it('turn -0 into 0', () => {
    expect(Object.is(modelLight(-0).power, 0)).toBe(true);
  });
});

describe('validateRow / validateSequence', () => {
  it('return Right with a fresh row, parameters in CSV order', () => {
    const input = { shutterMs: 105, register: 'ALL_4_CANON', power: 80 };
    const result = validateRow(input);
    expect(result).toEqual(E.right({ register: 'ALL_4_CANON', power: 80, shutterMs: 105 }));
    if (E.isRight(result)) {
      expect(result.right).not.toBe(input);
      expect(Object.keys(result.right)).toEqual(['register', 'power', 'shutterMs']);
    }
  });

  it('return Left for an unknown register, a non-object, and a wrong-case register', () => {
    expect(validateRow({ register: 'STROBE', power: 1 })).toEqual(
      E.left([expect.stringMatching(/^unknown register "STROBE" \(expected one of MODEL_LIGHT, .*\)$/)]),
    );
    expect(validateRow({ register: 'led_fan', state: 1 })).toEqual(
      E.left([expect.stringContaining('did you mean LED_FAN?')]),
    );
    expect(validateRow({ power: 1 })).toEqual(E.left([expect.stringMatching(/^missing register/)]));
    expect(validateRow('LED_FAN,1')).toEqual(E.left([expect.stringMatching(/^expected a row object/)]));
    expect(validateRow(null)).toEqual(E.left([expect.stringMatching(/^expected a row object/)]));
  });

  it('number the problems of a sequence by row', () => {
    const input = [ledFan(1), { register: 'LED_FAN', state: 2 }, all4Nikon(1), { register: 'X' }];
    expect(validateSequence(input)).toEqual(
      E.left([
        'row 2: LED_FAN state: 2 is out of range 0..1',
        expect.stringMatching(/^row 4: unknown register "X"/),
      ]),
    );
    expect(validateSequence({})).toEqual(E.left(['expected an array of rows, got object']));
    expect(validateSequence([])).toEqual(E.right([]));
  });

  it('accept every valid row (property)', () => {
    fc.assert(fc.property(anyRow, (r) => expect(validateRow(r)).toEqual(E.right(r))));
  });
});

describe('codecs', () => {
  it('each register codec accepts its own valid rows only', () => {
    fc.assert(
      fc.property(anyRow, (r) => {
        for (const register of REGISTER_NAMES) {
          const codec = ROW_CODECS[register] as t.Type<Row, Row, unknown>;
          expect(codec.is(r)).toBe(register === r.register);
          expect(E.isRight(codec.decode(r))).toBe(register === r.register);
        }
        expect(Row.is(r)).toBe(true);
      }),
    );
  });

  it('Row.decode gives one error per problem, with the readable message', () => {
    const result = Row.decode({ register: 'ALL_4_CANON', power: 80, shutterMs: 110, flash: 1 });
    expect(E.isLeft(result) && result.left.map((e) => e.message)).toEqual([
      'ALL_4_CANON shutterMs: 110 is out of range 0..109',
      'ALL_4_CANON: unknown parameter "flash" (expected power, shutterMs)',
    ]);
    expect(Row.is({ register: 'ALL_4_CANON', power: 80, shutterMs: 110 })).toBe(false);
  });

  it('a register codec rejects another register and out-of-range values', () => {
    const wrong = ROW_CODECS.LED_FAN.decode({ register: 'MODEL_LIGHT', power: 1 });
    expect(E.isLeft(wrong) && wrong.left.map((e) => e.message)).toEqual(['expected a LED_FAN row']);
    const range = ROW_CODECS.LED_FAN.decode({ register: 'LED_FAN', state: -1 });
    expect(E.isLeft(range) && range.left.map((e) => e.message)).toEqual([
      'LED_FAN state: -1 is out of range 0..1',
    ]);
  });

  it('Sequence decodes arrays of rows and rejects a bad row', () => {
    expect(Sequence.decode([ledFan(1), modelLight(5)])).toEqual(E.right([ledFan(1), modelLight(5)]));
    expect(Sequence.is([ledFan(1), { register: 'MODEL_LIGHT', power: 500 }])).toBe(false);
  });
});

describe('docs/sequences.md register table', () => {
  const doc = readFileSync(join(__dirname, '../../docs/sequences.md'), 'utf8');

  it.each(REGISTER_NAMES)('documents %s with its parameters in CSV order and their maxima', (register) => {
    const line = doc.split('\n').find((l) => l.startsWith(`| \`${register}\``));
    expect(line).toBeDefined();
    const cell = line?.split('|')[3] ?? '';
    const positions = REGISTER_SPECS[register].params.map((p) => {
      expect(cell).toContain(`${p.max}`);
      return cell.indexOf(`\`${p.name}\``);
    });
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
