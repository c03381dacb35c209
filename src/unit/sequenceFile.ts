import { either as E } from 'fp-ts';
import type { Sequence } from '../sequence/registers';
import { readBoardioCsv } from './boardioCsv';
import type { UnitFiles } from './environment';

/**
 * The file `boardiocli uSeq` loads, in the unit's home.
 * @category Simulator
 */
export const SEQUENCE_FILE = 'la4_sequence.csv';

/**
 * The file `boardiocli uSeqStandalone` loads and boardio runs at boot, in the unit's home.
 * @category Simulator
 */
export const STANDALONE_SEQUENCE_FILE = 'la4_sequence_standalone.csv';

/**
 * Reads and checks a sequence file of the unit's home, as it is at the moment boardio gets the
 * verb, with the unit's own reader and register table ({@link readBoardioCsv},
 * `BOARDIO_REGISTERS`), never the library's parser: a library that writes what the vendor's
 * table does not allow fails against a simulated unit. The rows are reported with the names of
 * the unit's table, which are the library's, so they are `Row`s.
 *
 * ## Example
 * ```ts
 * const r = readSequenceFile(files, 'la4_sequence.csv');
 * if (E.isLeft(r)) console.log(r.left); // 'la4_sequence.csv line 2: ALL_4_CANON shutterMs: 110 is out of range 0..109'
 * ```
 * @internal
 * @param files The unit's home.
 * @param file The file name.
 * @return `Right` with the rows, or `Left` with a short reason naming the file (and line).
 */
export function readSequenceFile(files: UnitFiles, file: string): E.Either<string, Sequence> {
  let text: string | undefined;
  try {
    text = files.read(file);
  } catch (e) {
    const code = (e as { code?: string } | undefined)?.code;
    return E.left(`cannot read ${file} (${code ?? String(e)})`);
  }
  if (text === undefined) return E.left(`${file} not found`);
  const read = readBoardioCsv(text);
  if (E.isLeft(read)) {
    const { line, message, more } = read.left;
    return E.left(`${file} line ${line}: ${message}${more > 0 ? ` (and ${more} more)` : ''}`);
  }
  if (read.right.length === 0) return E.left(`${file} is empty`);
  return E.right(read.right as unknown as Sequence);
}
