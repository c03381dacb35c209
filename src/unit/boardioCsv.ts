import { either as E } from 'fp-ts';
import { boardioParameters, BOARDIO_REGISTERS, type BoardioParameter } from './boardioRegisters';

/**
 * What the simulated boardio found wrong in a sequence file: the first problem, its 1-based line,
 * and how many more problems the file has.
 *
 * ## Example
 * ```ts
 * const p: BoardioCsvProblem = { line: 2, message: 'ALL_4_CANON shutterMs: 110 is out of range 0..109', more: 0 };
 * ```
 * @internal
 */
export interface BoardioCsvProblem {
  /** The 1-based line of the first problem (blank lines count). */
  readonly line: number;
  /** The first problem, naming register, parameter, value and range where they apply. */
  readonly message: string;
  /** How many more problems the file has. */
  readonly more: number;
}

/**
 * A row as the simulated boardio read it: `register`, then each parameter by its name in
 * {@link BOARDIO_REGISTERS}.
 *
 * ## Example
 * ```ts
 * const row: BoardioRow = { register: 'ALL_4_CANON', power: 80, shutterMs: 105 };
 * ```
 * @internal
 */
export type BoardioRow = Readonly<Record<string, string | number>> & { readonly register: string };

const INTEGER = /^-?[0-9]+$/;
const SHOWN_MAX = 40;

/** A column as written, cut to a few characters for a message (a column may be 300 KB). */
function cut(text: string): string {
  return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}...` : text;
}

/** A column shown in a message as JSON, cut. */
function shown(text: string): string {
  return JSON.stringify(cut(text));
}

function checkColumn(register: string, p: BoardioParameter, column: string | undefined): string | undefined {
  const where = `${register} ${p.name}`;
  const range = `${p.min}..${p.max}`;
  if (column === undefined) return `${where}: missing (expected an integer ${range})`;
  if (!INTEGER.test(column)) return `${where}: ${shown(column)} is not an integer (expected ${range})`;
  const value = Number(column);
  return value < p.min || value > p.max ? `${where}: ${cut(column)} is out of range ${range}` : undefined;
}

/** Every problem of one line (already trimmed, not blank), or the row. */
function readLine(text: string): { readonly problems: string[]; readonly row?: BoardioRow } {
  const [register = '', ...columns] = text.split(',').map((column) => column.trim());
  const params = boardioParameters(register);
  if (params === undefined)
    return {
      problems: [
        `unknown register ${shown(register)} (boardio knows ${Object.keys(BOARDIO_REGISTERS).join(', ')})`,
      ],
    };
  const problems: string[] = [];
  const row: Record<string, string | number> = { register };
  params.forEach((p, index) => {
    const problem = checkColumn(register, p, columns[index]);
    if (problem !== undefined) problems.push(problem);
    else row[p.name] = Number(columns[index]) + 0; // + 0 turns -0 into 0
  });
  const names = params.map((p) => p.name).join(', ');
  for (const extra of columns.slice(params.length))
    problems.push(`${register}: extra parameter ${cut(extra)} (expected ${params.length}: ${names})`);
  return problems.length > 0 ? { problems } : { problems, row: row as BoardioRow };
}

/**
 * Reads a sequence file the way the simulated boardio does, with its own table
 * ({@link BOARDIO_REGISTERS}), not the library's parser: one row per line, `REGISTER,p1,p2...`,
 * no header, parameters decimal integers in range, exactly as many as the register has.
 * Whitespace around lines and columns, `\r\n` line ends and blank lines are tolerated. Never
 * throws; linear in the size of the text.
 *
 * ## Example
 * ```ts
 * readBoardioCsv('LED_FAN,1\nALL_4_CANON,80,110\n');
 * // Left({ line: 2, message: 'ALL_4_CANON shutterMs: 110 is out of range 0..109', more: 0 })
 * ```
 * @internal
 * @param text The file's content.
 * @return `Right` with the rows (possibly none), or `Left` with the first problem.
 */
export function readBoardioCsv(text: string): E.Either<BoardioCsvProblem, ReadonlyArray<BoardioRow>> {
  const rows: BoardioRow[] = [];
  let first: { line: number; message: string } | undefined;
  let count = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    const { problems, row } = readLine(line);
    if (row !== undefined) rows.push(row);
    if (problems.length > 0 && first === undefined) first = { line: index + 1, message: problems[0] ?? '' };
    count += problems.length;
  }
  return first === undefined ? E.right(rows) : E.left({ ...first, more: count - 1 });
}
