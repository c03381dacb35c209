import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DOCTOR_EXIT } from '../../src/cli/commands/doctor';
import { DOCTOR_EXIT_RANGE, EXIT, EXIT_MEANING } from '../../src/cli/exitCodes';
import type { CliIO } from '../../src/cli/io';
import { runCli } from '../../src/cli/program';

// Every place that lists the exit codes of pycom-rx, checked against the code that returns them:
// EXIT (src/cli/exitCodes.ts) and DOCTOR_EXIT (src/cli/commands/doctor.ts).

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

async function help(...args: string[]): Promise<string> {
  let stdout = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => undefined },
    signal: new AbortController().signal,
    cwd: ROOT,
    now: () => Date.now(),
  };
  expect(await runCli([...args, '--help'], io)).toBe(EXIT.ok);
  return stdout;
}

type Name = keyof typeof EXIT;
const NAMES = Object.keys(EXIT) as Name[];

/** What the meaning of each code must say, wherever it is written. */
const SAYS: Record<Name, RegExp> = {
  ok: /^ok\b/,
  failure: /other/,
  usage: /usage/,
  unreachable: /unreachable/,
  portInUse: /port in use/,
  invalidSequence: /invalid sequence.*preset value out of range/s,
  timeout: /timeout/,
  unitError: /BOARDIO_ERROR/,
  commandFailed: /send.*exited non-zero/s,
  notFired: /shoot.*no unit was fired/s,
  interrupted: /interrupted/,
};

/** The doctor's own codes, those beyond EXIT (EXIT.unreachable is its heartbeat check's). */
const doctorOnly = [...new Set(Object.values(DOCTOR_EXIT))].filter(
  (code) => !(Object.values(EXIT) as number[]).includes(code),
);

/** Rows `code meaning` or `first-last meaning` as a map from the text of the code to the meaning. */
function rows(entries: ReadonlyArray<[string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [code, meaning] of entries) {
    expect(map.has(code)).toBe(false); // each code once
    map.set(code, meaning);
  }
  return map;
}

/** The same codes and meanings as EXIT and DOCTOR_EXIT, nothing more. */
function expectAgreement(table: Map<string, string>): void {
  const range = `${DOCTOR_EXIT_RANGE.first}-${DOCTOR_EXIT_RANGE.last}`;
  expect([...table.keys()].sort()).toEqual([...NAMES.map((n) => String(EXIT[n])), range].sort());
  for (const name of NAMES) expect(table.get(String(EXIT[name]))).toMatch(SAYS[name]);
  expect(table.get(range)).toMatch(/doctor/);
}

describe('the exit codes, wherever they are listed', () => {
  it('DOCTOR_EXIT_RANGE spans exactly the codes of DOCTOR_EXIT beyond EXIT', () => {
    const span = DOCTOR_EXIT_RANGE.last - DOCTOR_EXIT_RANGE.first + 1;
    const range = Array.from({ length: span }, (_, i) => DOCTOR_EXIT_RANGE.first + i);
    expect(doctorOnly.sort((a, b) => a - b)).toEqual(range);
  });

  it('pycom-rx --help: every code of EXIT with its meaning, and the doctor range', async () => {
    const text = (await help()).split('\nExit codes:\n')[1] ?? '';
    const table = rows(
      [...text.matchAll(/^ {2}(\d+(?:-\d+)?) +(.*)$/gm)].map((m) => [m[1]!, m[2]!] as [string, string]),
    );
    expectAgreement(table);
    for (const name of NAMES) expect(table.get(String(EXIT[name]))).toBe(EXIT_MEANING[name].split('\n')[0]);
  });

  it("docs/cli.md's table", () => {
    const section = read('docs/cli.md').split('\n## Exit codes\n')[1]?.split('\n## ')[0] ?? '';
    const table = rows(
      [...section.matchAll(/^\| (\d+(?:-\d+)?) +\| (.*?) *\|$/gm)].map(
        (m) => [m[1]!, m[2]!] as [string, string],
      ),
    );
    expectAgreement(table);
  });

  it("README.md's line", () => {
    const line = /Exit codes: ([\s\S]*?)\.(?:\s|$)/.exec(read('README.md'))?.[1] ?? '';
    const table = rows(
      line
        .replace(/\s+/g, ' ')
        .split(/, (?=\d)/)
        .map((entry) => /^(\d+(?:-\d+)?) (.*)$/.exec(entry))
        .map((m) => [m?.[1] ?? '?', m?.[2] ?? ''] as [string, string]),
    );
    expectAgreement(table);
  });

  /** `{ code: [check ids] }` of DOCTOR_EXIT, in its order. */
  const doctorGroups = () => {
    const groups = new Map<number, string[]>();
    for (const [id, code] of Object.entries(DOCTOR_EXIT)) groups.set(code, [...(groups.get(code) ?? []), id]);
    return [...groups.entries()];
  };

  it('pycom-rx doctor --help: one row per code of DOCTOR_EXIT, naming its checks, in order', async () => {
    const text = (await help('doctor')).split('\nExit codes')[1] ?? '';
    const listed = [...text.matchAll(/^ {2}(\d+) +([^:\n]+):/gm)].map(
      (m) => [Number(m[1]), m[2]!.replace(/\s*\(.*\)/, '').split(/, /)] as [number, string[]],
    );
    expect(listed).toEqual(doctorGroups());
    expect(text).toMatch(/^ {2}0 +every check/m);
    expect(text).toContain(
      `${EXIT.usage} usage, ${EXIT.portInUse} port in use, ${EXIT.interrupted} interrupted, as every command`,
    );
  });

  it.each(['docs/cli.md', 'docs/doctor.md'])('the doctor codes in the prose of %s', (file) => {
    const prose = read(file).replace(/\s+/g, ' ');
    const listed = [...prose.matchAll(/(\d+) ((?:`[\w-]+`(?: \/ )?)+)/g)]
      .map((m) => [Number(m[1]), m[2]!.split(' / ').map((id) => id.replace(/`/g, ''))] as [number, string[]])
      .filter(([, ids]) => ids.every((id) => id in DOCTOR_EXIT));
    expect(listed).toEqual(doctorGroups());
  });

  it("docs/doctor.md's table of checks: the exit column is DOCTOR_EXIT", () => {
    const checks = [...read('docs/doctor.md').matchAll(/^\| `([\w-]+)` .*\| (\d+|-) +\|$/gm)];
    expect(checks.length).toBeGreaterThanOrEqual(Object.keys(DOCTOR_EXIT).length);
    for (const [, id, code] of checks)
      expect([id, code === '-' ? undefined : Number(code)]).toEqual([
        id,
        DOCTOR_EXIT[id as keyof typeof DOCTOR_EXIT],
      ]);
  });
});
