import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as root from '../../src';
import { ASSUMPTIONS } from '../../src/protocol/assumptions';
import { DOCTOR_CHECK_IDS as DOCTOR_CHECK_ID_LIST } from '../../src/doctor/doctor';
import { REGISTER_NAMES, REGISTER_SPECS } from '../../src/sequence/specs';
import { assumptionSection, docSection, normalized } from './tables';

/** The doctor's checks (`DoctorCheckId`), in the order it runs them. */
const DOCTOR_CHECK_IDS: readonly string[] = DOCTOR_CHECK_ID_LIST;

describe('ASSUMPTIONS', () => {
  it('is exported from the package root', () => {
    expect(root.ASSUMPTIONS).toBe(ASSUMPTIONS);
  });

  it('gives every assumption a unique <area>.<name> id and one sentence', () => {
    const ids = ASSUMPTIONS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of ASSUMPTIONS) {
      expect(a.id).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+$/);
      expect(a.says).not.toMatch(/\.$|\|/);
      expect(a.where).not.toMatch(/\|/);
    }
  });

  it("says where each comes from: the vendor page's line, or 'assumed'", () => {
    for (const a of ASSUMPTIONS) {
      if (a.source === 'assumed')
        expect({ id: a.id, where: a.where }).toEqual({ id: a.id, where: 'assumed' });
      else
        expect({ id: a.id, where: a.where }).toEqual({
          id: a.id,
          where: expect.stringMatching(/^[A-Z]\w+: /),
        });
    }
  });

  it("names only the doctor's checks, and every check verifies at least one assumption", () => {
    const checks = ASSUMPTIONS.flatMap((a) => (a.check === undefined ? [] : [a.check]));
    expect(checks.filter((c) => !DOCTOR_CHECK_IDS.includes(c))).toEqual([]);
    expect(DOCTOR_CHECK_IDS.filter((c) => !checks.includes(c))).toEqual([]);
  });

  it('covers what issue 22 found: trimming, line ends, size, heartbeats, unit_info, completion, the probe', () => {
    const ids = ASSUMPTIONS.map((a) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'output.not-trimmed',
        'output.line-ends',
        'output.no-size-cap',
        'output.once-command-exits',
        'heartbeat.offline-after-15s',
        'heartbeat.before-command',
        'unit-info.once-per-coordinator',
        'unit-info.same-coordinator',
        'boardio.ready-means-loaded',
        'boardio.complete-message',
        'boardio.cli-on-path',
        'shell.sh',
        'discovery.coordinator-false',
        'presets.defaults',
      ]),
    );
  });

  it('has an entry for every register fact that is not the vendor’s, with the same source', () => {
    for (const r of REGISTER_NAMES) {
      const spec = REGISTER_SPECS[r];
      const facts = [
        { what: r, source: spec.source },
        ...spec.params.map((p) => ({ what: `${r} ${p.name}`, source: p.source })),
      ];
      for (const fact of facts.filter((f) => f.source !== 'vendor')) {
        const entry = ASSUMPTIONS.find(
          (a) => a.id.startsWith('registers.') && a.source === fact.source && a.says.includes(r),
        );
        expect({ fact: fact.what, entry: entry?.id }).toEqual({ fact: fact.what, entry: expect.any(String) });
      }
    }
  });

  it('no longer says the vendor calls further OLAT_4_CANON parameters "not documented"', () => {
    const olat = ASSUMPTIONS.find((a) => a.id === 'registers.olat-4-canon-parameters');
    expect(olat?.source).toBe('truncated page');
    const texts = [
      JSON.stringify(ASSUMPTIONS),
      JSON.stringify(REGISTER_SPECS),
      readFileSync(join(__dirname, '../../docs/sequences.md'), 'utf8'),
      readFileSync(join(__dirname, '../../docs/protocol.md'), 'utf8'),
    ];
    for (const text of texts) expect(text).not.toMatch(/further parameters (are )?not documented/);
  });
});

describe('docs/protocol.md "What pycom-rx assumes about a unit, and how to check it"', () => {
  it('prints ASSUMPTIONS, row by row', () => {
    const doc = readFileSync(join(__dirname, '../../docs/protocol.md'), 'utf8');
    expect(doc).toContain('## What pycom-rx assumes about a unit, and how to check it');
    // on failure: `npx tsx spec/docs/tables.ts` prints the table to paste between the markers
    expect(normalized(docSection('protocol.md', 'assumptions'))).toEqual(
      normalized(assumptionSection(ASSUMPTIONS)),
    );
  });
});
