import { concatMap, type Observable, of, map } from 'rxjs';
import { isBoardioVerb } from '../unit/boardio';
import { VENDOR_HOME } from '../unit/identity';
import type { BoardioVerb } from '../unit/types';

/**
 * How one command ended in a {@link memoryUnit}: both streams, the exit status, and what a
 * `2>&1` merge of the two would hold.
 *
 * ## Example
 * ```ts
 * const done: ShellResult = { stdout: 'hi\n', stderr: '', merged: 'hi\n', exitCode: 0 };
 * ```
 */
export interface ShellResult {
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Standard output and error together, each step's stdout before its stderr. */
  readonly merged: string;
  /** The exit status. */
  readonly exitCode: number;
}

/**
 * What {@link runShell} needs: where files go, where boardio verbs go, and who runs the rest.
 *
 * ## Example
 * ```ts
 * const shell: ShellParts = { files: new Map(), boardio: (v) => verbs.push(v), run: (c) => of(notFound(c)) };
 * ```
 */
export interface ShellParts {
  /** The unit's home, by file name. */
  readonly files: Map<string, string>;
  /** Hands a verb to boardio. */
  readonly boardio: (verb: BoardioVerb) => void;
  /** Runs a command that is not built in. */
  readonly run: (command: string) => Observable<ShellResult>;
}

/**
 * Reads one shell word made of single-quoted parts and backslash escapes (what `shellQuote`
 * writes), returning the text it stands for, or `undefined` when the word holds anything else.
 */
function unquoteWord(word: string): string | undefined {
  let text = '';
  let i = 0;
  while (i < word.length) {
    const c = word[i]!;
    if (c === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) return undefined;
      text += word.slice(i + 1, end);
      i = end + 1;
    } else if (c === '\\' && i + 1 < word.length) {
      text += word[i + 1];
      i += 2;
    } else {
      return undefined;
    }
  }
  return text;
}

/** The home of pycom's user on a real unit, as a path prefix. */
const UNIT_HOME = `${VENDOR_HOME}/`;
const PRINTF_TO_FILE = /^printf '%s' ((?:'[^']*'|\\[^])+) > (\S[^]*)$/;
const BOARDIOCLI = /^boardiocli(?: (.*))?$/;

/**
 * A result with only standard output, or only standard error when `exitCode` is not 0.
 *
 * ## Example
 * ```ts
 * result('hi\n'); // { stdout: 'hi\n', stderr: '', merged: 'hi\n', exitCode: 0 }
 * ```
 * @param text What was printed.
 * @param exitCode The exit status; not 0 puts `text` on stderr.
 */
export function result(text: string, exitCode = 0): ShellResult {
  return exitCode === 0
    ? { stdout: text, stderr: '', merged: text, exitCode }
    : { stdout: '', stderr: text, merged: text, exitCode };
}

/**
 * Splits a command at each `&&` outside quotes.
 *
 * ## Example
 * ```ts
 * splitAnd("printf '%s' 'a&&b' > f && boardiocli uSeq"); // ["printf '%s' 'a&&b' > f", 'boardiocli uSeq']
 * ```
 * @param command A shell command.
 */
export function splitAnd(command: string): string[] {
  const parts: string[] = [];
  let quote: "'" | '"' | undefined;
  let start = 0;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === '\\') {
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '&' && command[i + 1] === '&') {
      parts.push(command.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  parts.push(command.slice(start).trim());
  return parts;
}

/** The file name in the unit's home that a path of `printf ... > <path>` names. */
function fileOf(path: string): string | undefined {
  const home = /^(?:"\$HOME"|\$HOME|~)\/([^]+)$/.exec(path);
  const rest = home === null ? path : home[1]!;
  const text = /^[\w./-]+$/.test(rest) ? rest : unquoteWord(rest);
  if (text === undefined || text === '') return undefined;
  if (home !== null) return text;
  return text.startsWith(UNIT_HOME) ? text.slice(UNIT_HOME.length) : text;
}

/** Runs one step of an `&&` chain: a built-in, or the executor. */
function step(command: string, parts: ShellParts): Observable<ShellResult> {
  const printf = PRINTF_TO_FILE.exec(command);
  if (printf !== null) {
    const text = unquoteWord(printf[1]!);
    const file = fileOf(printf[2]!.trim());
    if (text !== undefined && file !== undefined) {
      parts.files.set(file, text);
      return of(result(''));
    }
  }
  const cli = BOARDIOCLI.exec(command);
  if (cli !== null) {
    const verb = (cli[1] ?? '').trim();
    if (!isBoardioVerb(verb))
      return of(
        result(`BOARDIO_CLI: unknown command "${verb}" (expected uSeq, uSeqStandalone or runSeq)\n`, 1),
      );
    parts.boardio(verb);
    return of(result(`BOARDIO_CLI: Sent: "${verb}" to FIFO file\n`));
  }
  return parts.run(command);
}

/**
 * Runs a command the way a {@link memoryUnit}'s shell does: split at `&&`, each step in turn
 * until one fails; the steps pycom-rx sends for sequences are built in (`printf '%s' '<text>' >
 * <file>` writes a home file, `boardiocli <verb>` hands a verb to boardio and prints what the
 * real one prints), every other step goes to `parts.run`.
 *
 * ## Example
 * ```ts
 * runShell(uploadCommand(sequence, { run: true }), parts).subscribe((r) => console.log(r.stdout));
 * ```
 * @param command The command.
 * @param parts Files, boardio and the executor.
 * @return An Observable of the one result.
 */
export function runShell(command: string, parts: ShellParts): Observable<ShellResult> {
  return splitAnd(command).reduce<Observable<ShellResult>>(
    (before, part) =>
      before.pipe(
        concatMap((done) =>
          done.exitCode !== 0
            ? of(done)
            : step(part, parts).pipe(
                map((r) => ({
                  stdout: done.stdout + r.stdout,
                  stderr: done.stderr + r.stderr,
                  merged: done.merged + r.merged,
                  exitCode: r.exitCode,
                })),
              ),
        ),
      ),
    of(result('')),
  );
}
