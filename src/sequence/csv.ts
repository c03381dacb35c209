import { either as E } from 'fp-ts';
import { validateSequence } from './builders';
import { checkParameter, extraParameters, unknownRegister } from './check';
import { SequenceError } from './error';
import type { Row, Sequence } from './registers';
import { isRegisterName, parametersOf } from './specs';

/**
 * One problem found by {@link parse}: the 1-based line it is on, and what is wrong.
 *
 * ## Example
 * ```ts
 * const issue: SequenceIssue = { line: 2, message: 'ALL_4_CANON shutterMs: 110 is out of range 0..109' };
 * ```
 * @category Sequences
 */
export interface SequenceIssue {
  /** The 1-based line number in the CSV text (blank lines count). */
  readonly line: number;
  /** What is wrong, naming register, parameter, value and allowed range where they apply. */
  readonly message: string;
}

/**
 * Writes a sequence as the CSV the unit expects: `REGISTER,p1,p2` per row, parameters in the
 * order of {@link REGISTER_SPECS}, no header, `\n` after every row (an empty sequence is `''`).
 * Every row is checked first, so a hand-made row object cannot smuggle a bad value to the unit.
 *
 * ## Example
 * ```ts
 * renderSequence([ledFan(1), all4Canon({ power: 80, shutterMs: 105 })]); // 'LED_FAN,1\nALL_4_CANON,80,105\n'
 * ```
 * @param sequence The rows, in the order the unit runs them.
 * @throws {@link SequenceError} listing every invalid row (`row 2: ...`).
 * @category Sequences
 */
export function render(sequence: Sequence): string {
  return renderChecked(sequence).csv;
}

/**
 * {@link render}, also telling how many rows were written. Every row is read once, by
 * `validateSequence`, and the CSV is written from what it returned (never from `sequence`
 * again), so what is checked is what is written.
 *
 * @internal
 * @param sequence The rows.
 * @throws {@link SequenceError} listing every invalid row.
 */
export function renderChecked(sequence: Sequence): { readonly csv: string; readonly rows: number } {
  const checked = validateSequence(sequence);
  if (E.isLeft(checked)) throw new SequenceError(checked.left);
  return { csv: checked.right.map((row) => `${renderRow(row)}\n`).join(''), rows: checked.right.length };
}

function renderRow(row: Row): string {
  const values = row as unknown as Record<string, number>;
  return [row.register, ...parametersOf(row.register).map((p) => String(values[p.name]))].join(',');
}

const INTEGER = /^-?[0-9]+$/;

function parseLine(text: string): E.Either<ReadonlyArray<string>, Row> {
  const [name = '', ...columns] = text.split(',').map((column) => column.trim());
  if (!isRegisterName(name)) return E.left([unknownRegister(name)]);
  const params = parametersOf(name);
  const issues: string[] = [];
  const row: Record<string, unknown> = { register: name };
  params.forEach((parameter, index) => {
    const column = columns[index];
    const value = column === undefined ? undefined : INTEGER.test(column) ? Number(column) : NaN;
    const shown = column === undefined ? '' : INTEGER.test(column) ? column : JSON.stringify(column);
    const issue = checkParameter(name, parameter, value, shown);
    if (issue !== undefined) issues.push(issue);
    row[parameter.name] = value === 0 ? 0 : value;
  });
  for (const issue of extraParameters(name, columns.slice(params.length), 'column')) issues.push(issue);
  return issues.length > 0 ? E.left(issues) : E.right(row as Row);
}

/** How many problems `parse` lists one by one; the rest are counted in one last issue. */
const MAX_SEQUENCE_ISSUES = 100;

/**
 * Reads sequence CSV text and checks every row. Never throws, whatever the input (a line of
 * 150,000 columns, a file of a million lines, a value that is not text); collects the problems,
 * each with its 1-based line number: the first 100 one by one, then one last issue counting the
 * rest (extra columns of one line are counted the same way past three). Tolerates `\r\n` line ends, blank lines and whitespace around
 * lines and columns; register names are case-sensitive; parameters must be decimal integers.
 *
 * ## Example
 * ```ts
 * const r = parseSequence('LED_FAN,1\nALL_4_CANON,80,110\n');
 * if (E.isLeft(r)) console.log(r.left); // [{ line: 2, message: 'ALL_4_CANON shutterMs: 110 is out of range 0..109' }]
 * ```
 * @param csv The file content.
 * @return `Right` with the rows, or `Left` with every {@link SequenceIssue}.
 * @category Sequences
 */
export function parse(csv: string): E.Either<ReadonlyArray<SequenceIssue>, Sequence> {
  if (typeof csv !== 'string') return E.left([{ line: 1, message: `expected CSV text, got ${typeof csv}` }]);
  const issues: SequenceIssue[] = [];
  const rows: Row[] = [];
  let omitted = 0;
  let firstOmitted = 0;
  const lines = csv.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const text = (lines[index] ?? '').trim();
    if (text === '') continue;
    const result = parseLine(text);
    if (E.isRight(result)) {
      rows.push(result.right);
      continue;
    }
    for (const message of result.left) {
      if (issues.length < MAX_SEQUENCE_ISSUES) issues.push({ line: index + 1, message });
      else {
        if (omitted === 0) firstOmitted = index + 1;
        omitted += 1;
      }
    }
  }
  if (omitted > 0)
    issues.push({ line: firstOmitted, message: `and ${omitted} more problems from line ${firstOmitted} on` });
  return issues.length > 0 ? E.left(issues) : E.right(rows);
}
