import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSUMPTIONS, type Assumption } from '../../src/protocol/assumptions';
import { REGISTER_NAMES, REGISTER_SPECS, type ParameterSpec } from '../../src/sequence/specs';

/**
 * The sections of the docs that print a table of data (the register table, the assumptions),
 * rendered from the data: the specs compare them with the docs, and
 * `npx tsx spec/docs/tables.ts` prints them to paste between the markers.
 */

/** A markdown table (unpadded: prettier pads it in the docs, {@link normalized} ignores that). */
export function markdownTable(
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): string {
  const line = (cells: ReadonlyArray<string>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A section's lines with table padding and blank lines removed, for comparing. */
export function normalized(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((cell) => (/^ *:?-+:? *$/.test(cell) ? '---' : cell.trim()))
            .join('|')
        : line,
    );
}

/** The text of `docs/<page>` between `<!-- <marker>:begin -->` and `<!-- <marker>:end -->`. */
export function docSection(page: string, marker: string): string {
  const doc = readFileSync(join(__dirname, '../../docs', page), 'utf8');
  const begin = doc.indexOf(`<!-- ${marker}:begin -->`);
  const end = doc.indexOf(`<!-- ${marker}:end -->`);
  if (begin < 0 || end < begin) throw new Error(`docs/${page} has no ${marker} markers`);
  return doc.slice(begin + `<!-- ${marker}:begin -->`.length, end);
}

function parameterCell(p: ParameterSpec): string {
  return `\`${p.name}\` ${p.min}..${p.max}: ${p.meaning} (${p.source})`;
}

/** docs/sequences.md's register table and its notes, from `REGISTER_SPECS`. */
export function registerSection(): string {
  const rows = REGISTER_NAMES.map((r) => {
    const spec = REGISTER_SPECS[r];
    return [`\`${r}\``, spec.summary, spec.params.map(parameterCell).join('<br>'), spec.source];
  });
  const notes = REGISTER_NAMES.flatMap((r) => {
    const spec = REGISTER_SPECS[r];
    const own = spec.note === undefined ? [] : [`- \`${r}\` (${spec.source}): ${spec.note}.`];
    return [
      ...own,
      ...spec.params.flatMap((p) =>
        p.note === undefined ? [] : [`- \`${r}\` \`${p.name}\` (${p.source}): ${p.note}.`],
      ),
    ];
  });
  return [
    markdownTable(
      ['register', 'what it does', 'parameters (CSV order): range, meaning (source)', 'source'],
      rows,
    ),
    '',
    ...notes,
  ].join('\n');
}

/** docs/protocol.md's table of assumptions, from `ASSUMPTIONS`. */
export function assumptionSection(assumptions: ReadonlyArray<Assumption>): string {
  return markdownTable(
    ['id', 'what pycom-rx assumes', 'source', 'where', 'doctor check'],
    assumptions.map((a) => [
      `\`${a.id}\``,
      a.says,
      a.source,
      a.where,
      a.check === undefined ? 'none' : `\`${a.check}\``,
    ]),
  );
}

if (require.main === module) {
  process.stdout.write(
    `<!-- registers -->\n${registerSection()}\n\n<!-- assumptions -->\n${assumptionSection(ASSUMPTIONS)}\n`,
  );
}
