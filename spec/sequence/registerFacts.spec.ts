import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { either as E } from 'fp-ts';
import fc from 'fast-check';
import { parse, render } from '../../src/sequence/csv';
import { REGISTER_NAMES, REGISTER_SPECS, type RegisterName } from '../../src/sequence/specs';
import { readBoardioCsv } from '../../src/unit/boardioCsv';
import { BOARDIO_REGISTERS } from '../../src/unit/boardioRegisters';
import { docSection, normalized, registerSection } from '../docs/tables';
import { anySequence } from './arbitraries';

/**
 * Where the library's table (REGISTER_SPECS) and the simulated units' own table
 * (BOARDIO_REGISTERS) may differ, and why. Each difference must be documented in
 * docs/sequences.md; today there is none.
 */
const KNOWN_DIFFERENCES: ReadonlyArray<{ readonly register: string; readonly why: string }> = [];

/** The columns tried for one parameter: around both ends of its range, and text that is no integer. */
function columnsFor(min: number, max: number): string[] {
  const values = [min - 1, min, min + 1, Math.floor((min + max) / 2), max - 1, max, max + 1];
  return [...new Set(values)].map(String).concat(['-0', '007', ` ${max} `, '1.5', '+1', '1e1', 'x', '']);
}

/** Every line of `register` with `arity` columns, each from {@link columnsFor} of its parameter. */
function linesOf(register: RegisterName, arity: number): string[] {
  const params = REGISTER_SPECS[register].params;
  let lines: string[] = [register];
  for (let i = 0; i < arity; i += 1) {
    const p = params[i];
    const columns = p === undefined ? ['0', '1'] : columnsFor(p.min, p.max);
    lines = lines.flatMap((line) => columns.map((column) => `${line},${column}`));
  }
  return lines;
}

/** What a reader made of one line: the row, or that it refused it. */
function verdicts(text: string): { library: unknown; unit: unknown } {
  const library = parse(text);
  const unit = readBoardioCsv(text);
  return {
    library: E.isRight(library) ? library.right : 'refused',
    unit: E.isRight(unit) ? unit.right : 'refused',
  };
}

describe("the library's register table against the simulated units' own", () => {
  it('knows the same registers', () => {
    const differing = KNOWN_DIFFERENCES.map((d) => d.register);
    const unit = Object.keys(BOARDIO_REGISTERS).filter((r) => !differing.includes(r));
    expect([...REGISTER_NAMES].filter((r) => !differing.includes(r)).sort()).toEqual(unit.sort());
  });

  it.each(REGISTER_NAMES.map((r) => [r]))(
    '%s: the same parameters, in the same order, with the same ranges',
    (register) => {
      const library = REGISTER_SPECS[register].params.map(({ name, min, max }) => ({ name, min, max }));
      expect(library).toEqual(BOARDIO_REGISTERS[register]);
    },
  );

  it.each(REGISTER_NAMES.map((r) => [r]))(
    '%s: every arity and every value at the edges of each range is taken or refused by both alike',
    (register) => {
      const arity = REGISTER_SPECS[register].params.length;
      for (let columns = 0; columns <= arity + 1; columns += 1)
        for (const line of linesOf(register, columns)) {
          const { library, unit } = verdicts(`${line}\n`);
          expect({ line, unit }).toEqual({ line, unit: library });
        }
    },
  );

  it('refuses what neither table knows: other names, wrong case, no register', () => {
    for (const line of ['STROBE,1', 'led_fan,1', ',1', 'LED_FAN;1', 'MODEL_LIGHT 5'])
      expect({ line, ...verdicts(`${line}\n`) }).toEqual({ line, library: 'refused', unit: 'refused' });
  });

  it('takes every sequence the library renders, row for row', () => {
    fc.assert(
      fc.property(anySequence, (sequence) => {
        const read = readBoardioCsv(render(sequence));
        expect(read).toEqual(E.right(sequence));
      }),
    );
  });
});

describe('docs/sequences.md register table', () => {
  it('prints REGISTER_SPECS: every register, parameter, range, meaning, source and note', () => {
    // on failure: `npx tsx spec/docs/tables.ts` prints the section to paste between the markers
    expect(normalized(docSection('sequences.md', 'registers'))).toEqual(normalized(registerSection()));
  });

  it('says which registers and parameters are assumed or cut off', () => {
    expect(REGISTER_SPECS.OLAT_4_CANON.source).toBe('truncated page');
    expect(REGISTER_SPECS.OLAT_4_CANON.note).toMatch(/cut off/);
    expect(REGISTER_SPECS.LED_FAN.params[0]?.source).toBe('assumed');
    expect(REGISTER_SPECS.DIGITAL_POLARIZER.params[0]?.source).toBe('assumed');
    for (const r of REGISTER_NAMES) {
      const spec = REGISTER_SPECS[r];
      for (const fact of [spec, ...spec.params]) {
        if (fact.source === 'assumed') expect(fact.where).toBe('assumed');
        else expect(fact.where).toContain(`row ${r}`);
        if (fact.source !== 'vendor') expect(fact.note).toEqual(expect.any(String));
      }
    }
  });

  it('says the presets’ defaults are our own', () => {
    const doc = readFileSync(join(__dirname, '../../docs/sequences.md'), 'utf8');
    expect(doc).toMatch(
      /defaults are\s+\*\*pycom-rx's own\*\* \(power 100, shutter 100 ms, fans turned on first\)/,
    );
  });
});
