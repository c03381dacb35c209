import { render } from './csv';
import { SequenceError } from './error';
import type { Sequence } from './registers';

/**
 * Where `boardiocli uSeq` reads the sequence: `~/la4_sequence.csv` (the unit's user is
 * `rigsters`, home `/home/rigsters`).
 *
 * ## Example
 * ```ts
 * uploadCommand(sequence, { path: SEQUENCE_PATH }); // the same as the default
 * ```
 */
export const SEQUENCE_PATH = '~/la4_sequence.csv';

/**
 * Where {@link uploadCommand} writes a standalone sequence by default:
 * `~/la4_sequence_standalone.csv`. boardio reads `/home/rigsters/la4_sequence_standalone.csv` at
 * boot; on a real unit pycom runs as `rigsters`, whose `HOME` is `/home/rigsters`, so both name
 * the same file, and a simulated unit with a temporary `HOME` works too. Pass
 * {@link VENDOR_STANDALONE_PATH} as `path` to pin the absolute path instead.
 *
 * ## Example
 * ```ts
 * uploadCommand(sequence, { standalone: true }); // writes "$HOME"/'la4_sequence_standalone.csv'
 * ```
 */
export const STANDALONE_SEQUENCE_PATH = '~/la4_sequence_standalone.csv';

/**
 * The absolute standalone path the vendor documents: `/home/rigsters/la4_sequence_standalone.csv`.
 *
 * ## Example
 * ```ts
 * uploadCommand(sequence, { standalone: true, path: VENDOR_STANDALONE_PATH });
 * ```
 */
export const VENDOR_STANDALONE_PATH = '/home/rigsters/la4_sequence_standalone.csv';

/**
 * The longest command, in UTF-8 bytes, that {@link uploadCommand} produces. The unit runs a
 * command as `/bin/sh -c <command>`, and Linux refuses a single argument of 128 KiB or more
 * (`MAX_ARG_STRLEN`, counting the terminating NUL) with `E2BIG`.
 *
 * ## Example
 * ```ts
 * Buffer.byteLength(uploadCommand(sequence)) <= MAX_COMMAND_BYTES; // always true
 * ```
 */
export const MAX_COMMAND_BYTES = 131071;

/**
 * Quotes a string as one word for a POSIX shell (`/bin/sh`, dash): wraps it in single quotes and
 * writes each embedded `'` as `'\''`. Inside single quotes the shell expands nothing (`$`, `` ` ``,
 * `\`, `%`, newlines are all literal), so the word is exactly `s`.
 *
 * ## Example
 * ```ts
 * shellQuote("it's $(rm -rf ~)"); // `'it'\''s $(rm -rf ~)'`
 * shellQuote(''); // `''`
 * ```
 * @param s Any string without NUL characters.
 * @throws RangeError when `s` contains a NUL character, which no shell word can hold.
 */
export function shellQuote(s: string): string {
  if (s.includes('\0')) throw new RangeError('shellQuote: a shell word cannot contain a NUL character');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

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
 * const options: UploadOptions = { standalone: false, run: true };
 * ```
 */
export interface UploadOptions {
  /** Write the standalone sequence (run by boardio at every boot) and load it with `uSeqStandalone`. Default `false`. */
  readonly standalone?: boolean;
  /** Append `&& boardiocli runSeq` to start the sequence. Default `false`. */
  readonly run?: boolean;
  /**
   * Where to write the file. Default {@link SEQUENCE_PATH}, or {@link STANDALONE_SEQUENCE_PATH}
   * when `standalone`. A leading `~/` means the unit's home; the path is quoted, never expanded.
   */
  readonly path?: string;
}

/**
 * Builds the shell command that uploads a sequence to a unit, to send as a `cmd` request:
 * `printf '%s' '<csv>' > <file> && boardiocli uSeq [&& boardiocli runSeq]`.
 *
 * The CSV comes from {@link render} (so every row is checked) and, like the path, goes through
 * {@link shellQuote}: nothing in it can be expanded or run by the shell. `printf '%s'` writes it
 * byte for byte (no reliance on `echo` and escapes). Commands are chained with `&&`, so boardio
 * is only told to load the file if it was written.
 *
 * ## Example
 * ```ts
 * uploadCommand([ledFan(1), all4Nikon(80)], { run: true });
 * // printf '%s' 'LED_FAN,1
 * // ALL_4_NIKON,80
 * // ' > "$HOME"/'la4_sequence.csv' && boardiocli uSeq && boardiocli runSeq
 * ```
 * @param sequence The rows to upload.
 * @param options Standalone or not, run or not, and the file path.
 * @throws {@link SequenceError} for an invalid row; RangeError for a bad path or a command
 *   longer than {@link MAX_COMMAND_BYTES}.
 */
export function uploadCommand(sequence: Sequence, options: UploadOptions = {}): string {
  const standalone = options.standalone ?? false;
  const path = options.path ?? (standalone ? STANDALONE_SEQUENCE_PATH : SEQUENCE_PATH);
  const verbs = [standalone ? 'uSeqStandalone' : 'uSeq', ...(options.run === true ? ['runSeq'] : [])];
  const command = [
    `printf '%s' ${shellQuote(render(sequence))} > ${shellPath(path)}`,
    ...verbs.map((verb) => `boardiocli ${verb}`),
  ].join(' && ');
  const bytes = new TextEncoder().encode(command).length;
  if (bytes > MAX_COMMAND_BYTES)
    throw new SequenceError([
      `the upload command is ${bytes} bytes; a shell command holds at most ${MAX_COMMAND_BYTES} (${sequence.length} rows)`,
    ]);
  return command;
}
