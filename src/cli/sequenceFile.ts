import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { either as E } from 'fp-ts';
import { parseSequence, type Sequence } from '../sequence';
import { CliError } from './errors';
import { EXIT } from './exitCodes';

/**
 * Reads and checks a sequence CSV file.
 *
 * ## Example
 * ```ts
 * const sequence = await readSequenceFile('scan.csv', process.cwd());
 * ```
 * @param file The file name, relative to `cwd` or absolute.
 * @param cwd The working directory.
 * @throws `CliError` with {@link EXIT.usage} when the file cannot be read, or
 *   {@link EXIT.invalidSequence} listing every problem as `file:line: message`.
 */
export async function readSequenceFile(file: string, cwd: string): Promise<Sequence> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new CliError(EXIT.usage, `cannot read sequence file ${file}: ${code}`);
  }
  const parsed = parseSequence(text);
  if (E.isLeft(parsed)) {
    const lines = parsed.left.map((issue) => `${file}:${issue.line}: ${issue.message}`);
    throw new CliError(EXIT.invalidSequence, `invalid sequence\n${lines.join('\n')}`);
  }
  if (parsed.right.length === 0)
    throw new CliError(EXIT.invalidSequence, `invalid sequence\n${file}: no rows`);
  return parsed.right;
}
