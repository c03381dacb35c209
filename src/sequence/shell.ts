import { checkCommandSize } from '../protocol/commandSize';
import { shellQuote } from '../protocol/shellQuote';
import { renderChecked } from './csv';
import type { Sequence } from './registers';

export { shellQuote };
export { MAX_COMMAND_BYTES, CommandTooLargeError } from '../protocol/commandSize';

/**
 * Where {@link uploadCommand} writes a sequence by default, as the vendor documents it:
 * `~/la4_sequence.csv`, in the home of pycom's user (`rigsters`, home `/home/rigsters`).
 *
 * ## Example
 * ```ts
 * uploadCommand(sequence, { path: SEQUENCE_PATH }); // the same as the default
 * ```
 * @category Sequences
 */
export const SEQUENCE_PATH = '~/la4_sequence.csv';

/**
 * Where {@link uploadCommand} writes a standalone sequence by default, as the vendor documents
 * it: the absolute path `/home/rigsters/la4_sequence_standalone.csv`, which boardio reads at
 * every boot whatever pycom's own `HOME` is. (A simulated unit maps `/home/rigsters` into its
 * temporary home.)
 *
 * ## Example
 * ```ts
 * uploadCommand(sequence, { standalone: true }); // writes '/home/rigsters/la4_sequence_standalone.csv'
 * ```
 * @category Sequences
 */
export const STANDALONE_SEQUENCE_PATH = '/home/rigsters/la4_sequence_standalone.csv';

/**
 * The command that starts the loaded sequence: `boardiocli runSeq`. Send it as its own `cmd`
 * request, and only after boardio answered `BOARDIO_READY` to the upload: `boardiocli` exits 0
 * as soon as the verb is in boardio's FIFO, so chaining it after `uSeq` with `&&` would start
 * whatever boardio still has loaded when the new file is refused. `runSequence` does this.
 *
 * ## Example
 * ```ts
 * coordinator.command(unit, RUN_COMMAND); // once BOARDIO_READY arrived
 * ```
 * @category Sequences
 */
export const RUN_COMMAND = 'boardiocli runSeq';

/**
 * Quotes a file path for the shell; a leading `~/` becomes `"$HOME"/` outside the quotes so the
 * shell expands it, and the rest is quoted with {@link shellQuote}.
 *
 * ## Example
 * ```ts
 * shellPath('~/la4_sequence.csv'); // `"$HOME"/'la4_sequence.csv'`
 * shellPath('/tmp/a b.csv'); // `'/tmp/a b.csv'`
 * ```
 * @param path An absolute path, a relative path, or one starting with `~/`.
 * @throws RangeError when the path is empty, is `~` alone, or ends with `/`.
 * @category Sequences
 */
export function shellPath(path: string): string {
  if (path === '' || path === '~' || path.endsWith('/'))
    throw new RangeError(`not a file path: ${JSON.stringify(path)}`);
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

/**
 * Options of {@link uploadCommand}.
 *
 * ## Example
 * ```ts
 * const options: UploadOptions = { standalone: true, path: '/home/rigsters/boot.csv' };
 * ```
 * @category Sequences
 */
export interface UploadOptions {
  /** Write the standalone sequence (run by boardio at every boot) and load it with `uSeqStandalone`. Default `false`. */
  readonly standalone?: boolean;
  /**
   * Where to write the file. Default {@link SEQUENCE_PATH}, or {@link STANDALONE_SEQUENCE_PATH}
   * when `standalone`. A leading `~/` means the unit's home; the path is quoted, never expanded.
   * Which file `uSeq` / `uSeqStandalone` load is boardio's choice: another path only helps on a
   * unit whose boardio reads it.
   */
  readonly path?: string;
}

/**
 * Builds the shell command that uploads a sequence to a unit and asks boardio to load it, to send
 * as a `cmd` request: `printf '%s' '<csv>' > <file> && boardiocli uSeq` (or `uSeqStandalone`).
 *
 * The CSV comes from {@link renderSequence} (so every row is checked) and, like the path, goes through
 * {@link shellQuote}: nothing in it can be expanded or run by the shell. `printf '%s'` writes it
 * byte for byte (no reliance on `echo` and escapes). The `&&` only keeps boardio from being asked
 * to load a file that could not be written.
 *
 * It never starts the sequence: whether boardio accepted the file is known only later, from a
 * `BOARDIO_READY` / `BOARDIO_ERROR` message, so {@link RUN_COMMAND} must be sent separately,
 * after `BOARDIO_READY` (as `runSequence` does).
 *
 * The command must fit in one shell argument once the coordinator has tagged it (the default):
 * a sequence whose command, tagged, is over {@link MAX_COMMAND_BYTES} (Linux `MAX_ARG_STRLEN`)
 * is refused here, before anything is sent: from about 6,500 rows of 20 bytes
 * (`ALL_4_CANON,100,100`) to 13,000 of 10 (`LED_FAN,1`). Split a longer one into sequences run
 * one after the other.
 *
 * Each row is read once: the CSV is written from the same values that were checked, even for a
 * row object whose getters answer differently on every read.
 *
 * ## Example
 * ```ts
 * uploadCommand([ledFan(1), all4Nikon(80)]);
 * // printf '%s' 'LED_FAN,1
 * // ALL_4_NIKON,80
 * // ' > "$HOME"/'la4_sequence.csv' && boardiocli uSeq
 * ```
 * @param sequence The rows to upload.
 * @param options Standalone or not, and the file path.
 * @throws {@link SequenceError} for an invalid row; {@link CommandTooLargeError} (with `bytes`,
 *   `limit` and `rows`, `tagged` true) when the command, once tagged, is longer than
 *   {@link MAX_COMMAND_BYTES}; RangeError for a bad path.
 * @category Sequences
 */
export function uploadCommand(sequence: Sequence, options: UploadOptions = {}): string {
  const standalone = options.standalone ?? false;
  const path = options.path ?? (standalone ? STANDALONE_SEQUENCE_PATH : SEQUENCE_PATH);
  const verb = standalone ? 'uSeqStandalone' : 'uSeq';
  const { csv, rows } = renderChecked(sequence);
  const command = `printf '%s' ${shellQuote(csv)} > ${shellPath(path)} && boardiocli ${verb}`;
  // as a coordinator sends it by default: tagged
  checkCommandSize(command, { tagged: true, rows });
  return command;
}
