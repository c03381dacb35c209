import { either as E } from 'fp-ts';
import { ledFan, validateRow, validateSequence } from '../../src/sequence/builders';
import { render } from '../../src/sequence/csv';
import { SequenceError } from '../../src/sequence/error';
import { Row, ROW_CODECS, Sequence } from '../../src/sequence/registers';
import { uploadCommand } from '../../src/sequence/shell';

/** An ALL_4_NIKON row whose `register` and `power` are getters counting their reads; `power` answers `powers` in turn. */
function countingRow(...powers: number[]) {
  const reads = { register: 0, power: 0 };
  const row = {
    get register() {
      reads.register += 1;
      return 'ALL_4_NIKON';
    },
    get power() {
      const value = powers[Math.min(reads.power, powers.length - 1)]!;
      reads.power += 1;
      return value;
    },
  };
  return { row: row as unknown as Row, reads };
}

/** Everything that checks a row and then uses it. */
const USES: ReadonlyArray<[string, (row: Row) => unknown]> = [
  ['validateRow', (row) => validateRow(row)],
  ['validateSequence', (row) => validateSequence([row])],
  ['render', (row) => render([row])],
  ['uploadCommand', (row) => uploadCommand([row])],
  ['Row.decode', (row) => Row.decode(row)],
  ['ROW_CODECS.ALL_4_NIKON.decode', (row) => ROW_CODECS.ALL_4_NIKON.decode(row)],
  ['Sequence.decode', (row) => Sequence.decode([row])],
];

describe('a row is read once, and what was checked is what is used', () => {
  it.each(USES)('%s reads each field of a row once', (_, use) => {
    const { row, reads } = countingRow(50);
    use(row);
    expect(reads).toEqual({ register: 1, power: 1 });
  });

  it('renders the value that was checked, not a later answer of the getter', () => {
    expect(render([countingRow(50, 1000).row])).toBe('ALL_4_NIKON,50\n');
    expect(uploadCommand([countingRow(50, 1000).row])).toContain("'ALL_4_NIKON,50\n'");
    expect(validateSequence([countingRow(50, 1000).row])).toEqual(
      E.right([{ register: 'ALL_4_NIKON', power: 50 }]),
    );
    expect(Row.decode(countingRow(50, 1000).row)).toEqual(E.right({ register: 'ALL_4_NIKON', power: 50 }));
    expect(ROW_CODECS.ALL_4_NIKON.decode(countingRow(50, 1000).row)).toEqual(
      E.right({ register: 'ALL_4_NIKON', power: 50 }),
    );
  });

  it('refuses the value that was checked, even if the getter would answer a valid one next', () => {
    expect(() => render([countingRow(1000, 50).row])).toThrow(
      new SequenceError(['row 1: ALL_4_NIKON power: 1000 is out of range 0..100']),
    );
    expect(() => uploadCommand([countingRow(1000, 50).row])).toThrow(SequenceError);
  });

  it('reads each row of the array once (a proxy counting reads)', () => {
    const reads = new Map<PropertyKey, number>();
    const target = [{ register: 'LED_FAN', state: 1 }];
    const rows = new Proxy(target, {
      get(t, key, receiver) {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        return Reflect.get(t, key, receiver) as unknown;
      },
    }) as unknown as Sequence;
    expect(render(rows)).toBe('LED_FAN,1\n');
    expect(reads.get('0')).toBe(1);
    expect(reads.get('length')).toBe(1);
  });

  it('reports a row that throws from a getter as a SequenceError, never crashing', () => {
    const throwing = {
      register: 'ALL_4_NIKON',
      get power(): number {
        throw new Error('sensor unplugged');
      },
    } as unknown as Row;
    const expected = new SequenceError(['row 2: the row cannot be read: "sensor unplugged"']);
    expect(() => render([{ register: 'LED_FAN', state: 1 }, throwing])).toThrow(expected);
    expect(() => uploadCommand([{ register: 'LED_FAN', state: 1 }, throwing])).toThrow(expected);
    expect(E.isLeft(Row.decode(throwing))).toBe(true);
    expect(E.isLeft(ROW_CODECS.ALL_4_NIKON.decode(throwing))).toBe(true);
    // even a register getter, and an error whose message cannot be read
    const hostile = {
      get register(): string {
        throw Object.defineProperty(new Error(), 'message', {
          get() {
            throw new Error('again');
          },
        });
      },
    } as unknown as Row;
    expect(() => render([hostile])).toThrow(SequenceError);
    expect(E.isLeft(ROW_CODECS.LED_FAN.decode(hostile))).toBe(true);
  });

  it('reports a hole of a sparse array as a missing row', () => {
    const sparse = [{ register: 'LED_FAN', state: 1 }] as unknown as Row[];
    sparse[2] = ledFan(0); // index 1 is a hole
    expect(1 in sparse).toBe(false);
    expect(validateSequence(sparse)).toEqual(
      E.left([expect.stringMatching(/^row 2: expected a row object/)]),
    );
  });
});
