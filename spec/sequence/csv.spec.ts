import { either as E } from 'fp-ts';
import fc from 'fast-check';
import {
  all4Canon,
  all4Nikon,
  digitalPolarizer,
  ledFan,
  modelLight,
  olat4Canon,
} from '../../src/sequence/builders';
import { parse, render, type SequenceIssue } from '../../src/sequence/csv';
import { SequenceError } from '../../src/sequence/error';
import type { Row, Sequence } from '../../src/sequence/registers';
import { REGISTER_NAMES, REGISTER_SPECS } from '../../src/sequence/specs';
import { anyRow, anySequence } from './arbitraries';

function issues(csv: string): ReadonlyArray<SequenceIssue> {
  const result = parse(csv);
  if (E.isRight(result)) throw new Error(`expected issues, parsed ${JSON.stringify(result.right)}`);
  return result.left;
}

describe('render', () => {
  it('writes REGISTER,p1,p2 per row, parameters in spec order, \\n after every row, no header', () => {
    const sequence: Sequence = [
      ledFan(1),
      modelLight(50),
      digitalPolarizer(0),
      all4Canon({ power: 80, shutterMs: 105 }),
      olat4Canon({ power: 70, driveMode: 1 }),
      all4Nikon(0),
    ];
    expect(render(sequence)).toBe(
      'LED_FAN,1\nMODEL_LIGHT,50\nDIGITAL_POLARIZER,0\nALL_4_CANON,80,105\nOLAT_4_CANON,70,1\nALL_4_NIKON,0\n',
    );
  });

  it('follows the spec order whatever the key order of the row object', () => {
    const row = { shutterMs: 3, power: 2, register: 'ALL_4_CANON' } as const;
    expect(render([row])).toBe('ALL_4_CANON,2,3\n');
  });

  it('renders an empty sequence as an empty file', () => {
    expect(render([])).toBe('');
  });

  it('refuses hand-made invalid rows, naming the row', () => {
    const bad = [ledFan(1), { register: 'ALL_4_CANON', power: 80, shutterMs: 110 }] as unknown as Sequence;
    expect(() => render(bad)).toThrow(SequenceError);
    expect(() => render(bad)).toThrow('row 2: ALL_4_CANON shutterMs: 110 is out of range 0..109');
    const injected = [{ register: 'LED_FAN', state: '1\nREBOOT' }] as unknown as Sequence;
    expect(() => render(injected)).toThrow('row 1: LED_FAN state: "1\\nREBOOT" is not an integer');
  });

  it('writes one line per row, each with 1 + parameter count columns (property)', () => {
    fc.assert(
      fc.property(anySequence, (sequence) => {
        const lines = render(sequence).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(sequence.length);
        lines.forEach((line, i) => {
          const row = sequence[i] as Row;
          expect(line.split(',')).toHaveLength(1 + REGISTER_SPECS[row.register].params.length);
          expect(line.startsWith(`${row.register},`)).toBe(true);
        });
      }),
    );
  });
});

describe('parse', () => {
  it('reads the unit CSV', () => {
    expect(parse('LED_FAN,1\nALL_4_CANON,80,105\n')).toEqual(
      E.right([ledFan(1), all4Canon({ power: 80, shutterMs: 105 })]),
    );
    expect(parse('')).toEqual(E.right([]));
    expect(parse('MODEL_LIGHT,0')).toEqual(E.right([modelLight(0)]));
  });

  it('round-trips: parse(render(s)) equals s (property)', () => {
    fc.assert(
      fc.property(anySequence, (s) => expect(parse(render(s))).toEqual(E.right(s))),
      {
        numRuns: 300,
      },
    );
  });

  it('tolerates \\r\\n, blank lines and whitespace around lines and columns (property)', () => {
    const space = fc.constantFrom('', ' ', '\t', '  ');
    const noisyRow = fc
      .tuple(anyRow, space, space, space, fc.constantFrom('\n', '\r\n'), fc.constantFrom('', '\n', ' \r\n'))
      .map(([row, before, around, after, end, blank]) => {
        const line = render([row]).trimEnd().split(',').join(`${around},${around}`);
        return { row, text: `${blank}${before}${line}${after}${end}` };
      });
    fc.assert(
      fc.property(fc.array(noisyRow, { maxLength: 20 }), (rows) => {
        const csv = rows.map((r) => r.text).join('');
        expect(parse(csv)).toEqual(E.right(rows.map((r) => r.row)));
      }),
    );
  });

  it('tolerates a byte order mark and a missing final newline', () => {
    expect(parse('\uFEFFLED_FAN,1\r\nMODEL_LIGHT,5')).toEqual(E.right([ledFan(1), modelLight(5)]));
  });

  describe.each(REGISTER_NAMES)('%s', (register) => {
    const params = REGISTER_SPECS[register].params;
    const line = (values: ReadonlyArray<string | number>) => [register, ...values].join(',');
    const minimal = params.map((p) => p.min);

    it.each(params.map((p, index) => ({ ...p, index })))(
      '$name: accepts min and max, rejects min-1, max+1 and non-integers with the line number',
      ({ name, min, max, index }) => {
        const at = (value: string | number) => minimal.map((v, i) => (i === index ? value : v));
        for (const value of [min, max]) {
          const result = parse(`\n${line(at(value))}\n`);
          expect(E.isRight(result) && (result.right[0] as Record<string, unknown>)[name]).toBe(value);
        }
        for (const value of [min - 1, max + 1]) {
          expect(issues(`LED_FAN,1\n${line(at(value))}\n`)).toEqual([
            { line: 2, message: `${register} ${name}: ${value} is out of range ${min}..${max}` },
          ]);
        }
        for (const value of ['0.5', '1e2', 'x', '', '0x1', '--1']) {
          expect(issues(line(at(value)))).toEqual([
            {
              line: 1,
              message: `${register} ${name}: ${JSON.stringify(value)} is not an integer (expected ${min}..${max})`,
            },
          ]);
        }
      },
    );

    it('reports a missing parameter', () => {
      const last = params[params.length - 1]!;
      expect(issues(`\n\n${line(minimal.slice(0, -1))}`)).toEqual([
        {
          line: 3,
          message: `${register} ${last.name}: missing (expected an integer ${last.min}..${last.max})`,
        },
      ]);
    });

    it('reports an extra parameter', () => {
      const names = params.map((p) => p.name).join(', ');
      expect(issues(line([...minimal, 7]))).toEqual([
        { line: 1, message: `${register}: extra parameter 7 (expected ${params.length}: ${names})` },
      ]);
    });
  });

  it('reports unknown registers, with a hint for the wrong case', () => {
    expect(issues('STROBE,1\nall_4_nikon,80\n,5\n')).toEqual([
      {
        line: 1,
        message: expect.stringMatching(/^unknown register "STROBE" \(expected one of MODEL_LIGHT, /),
      },
      {
        line: 2,
        message: 'unknown register "all_4_nikon" (did you mean ALL_4_NIKON? register names are upper case)',
      },
      { line: 3, message: expect.stringMatching(/^missing register/) },
    ]);
  });

  it('collects every issue of every line, with 1-based line numbers counting blank lines', () => {
    const csv = [
      'LED_FAN,1',
      '',
      'ALL_4_CANON,101,110',
      '  ',
      'OLAT_4_NIKON,80',
      'DIGITAL_POLARIZER,1,0',
      'MODEL_LIGHT,50',
    ].join('\r\n');
    expect(issues(csv)).toEqual([
      { line: 3, message: 'ALL_4_CANON power: 101 is out of range 0..100' },
      { line: 3, message: 'ALL_4_CANON shutterMs: 110 is out of range 0..109' },
      { line: 5, message: 'OLAT_4_NIKON driveMode: missing (expected an integer 0..1)' },
      { line: 6, message: 'DIGITAL_POLARIZER: extra parameter 0 (expected 1: state)' },
    ]);
  });

  it('finds one bad value anywhere in a valid sequence, on its line (property)', () => {
    const badValue = fc.oneof(
      fc.integer({ min: 110, max: 10 ** 6 }),
      fc.integer({ min: -(10 ** 6), max: -1 }),
    );
    fc.assert(
      fc.property(anySequence, anyRow, badValue, fc.nat(), (sequence, row, value, at) => {
        const params = REGISTER_SPECS[row.register].params;
        const parameter = params[at % params.length]!;
        const lines = render(sequence).split('\n').slice(0, -1);
        const index = at % (lines.length + 1);
        const bad = { ...row, [parameter.name]: value } as Record<string, unknown>;
        const text = [row.register, ...params.map((p) => bad[p.name])].join(',');
        lines.splice(index, 0, text);
        expect(issues(lines.join('\n'))).toEqual([
          {
            line: index + 1,
            message: `${row.register} ${parameter.name}: ${value} is out of range ${parameter.min}..${parameter.max}`,
          },
        ]);
      }),
    );
  });
});
