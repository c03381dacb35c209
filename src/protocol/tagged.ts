import { randomBytes } from 'node:crypto';
import { copyFields } from './copyFields';
import type { Output } from './events';
import { shellQuote } from './shellQuote';

/**
 * The mark that opens and closes a tagged command's trailer: the ASCII record separator (0x1E),
 * which no ordinary command prints, written by `printf` as `\036`.
 */
const MARK = '\x1e';
/** What the trailer says before the nonce. */
const LABEL = 'pycom-rx';
/**
 * What follows the label in a trailer: the 32-hex nonce, the exit status, then the closing mark,
 * or the end of the output (pycom stripped the mark, maybe appending line ends after).
 */
// eslint-disable-next-line no-control-regex -- the trailer is marked by the record separator on purpose
const BODY = /^([0-9a-f]{32}) (\d{1,3})(?:\x1e|[\r\n]*$)/;
/** Line ends only: what pycom may append after the trailer (a newline, converted or not). */
const LINE_ENDS = /^[\r\n]*$/;

/**
 * A command as the coordinator sends it when tagged: the shell text to send, and the nonce its
 * output must end with.
 *
 * ## Example
 * ```ts
 * const { text, nonce } = tagCommand('uptime');
 * ```
 * @category Protocol
 */
export interface TaggedCommand {
  /** The wrapped shell command, to send as the `command` field of a `cmd` request. */
  readonly text: string;
  /** 128 random bits as 32 hex characters, new for every command. */
  readonly nonce: string;
}

/**
 * What {@link readTrailer} finds at the end of an output.
 *
 * ## Example
 * ```ts
 * const t = event.type_ === 'output' ? readTrailer(event.output) : undefined;
 * if (t !== undefined) console.log(t.nonce, t.exitCode, JSON.stringify(t.output));
 * ```
 * @category Protocol
 */
export interface Trailer {
  /** The nonce of the command that printed it. */
  readonly nonce: string;
  /** The command's exit status (`128 + n` when it was killed by signal `n`). */
  readonly exitCode: number;
  /** The output as the command printed it (stdout and stderr merged), the trailer removed. */
  readonly output: string;
}

/**
 * Wraps a shell command so that its output can be matched to it and carries its exit status.
 *
 * The command runs in a child shell, handed over as one single-quoted word (so any syntax in it,
 * heredocs, unbalanced parentheses, comments, `exit`, `set -e`, is the child's business alone),
 * with stderr merged into stdout; then the parent prints a trailer with the nonce and `$?`:
 *
 * ```sh
 * sh -c '<command>' 2>&1; printf '\036pycom-rx %s%s %d\036' '<nonce, first half>' '<second half>' "$?"
 * ```
 *
 * The parent always exits 0, so pycom sends stdout (never "stderr on failure"), and nothing is
 * added to what the command printed except the trailer at the very end, which
 * {@link readTrailer} removes. The nonce is split in two arguments, so even a command that prints
 * its own command line (`ps`) cannot print the whole nonce.
 *
 * ## Example
 * ```ts
 * const { text, nonce } = tagCommand("echo x >&2; exit 3");
 * // text: sh -c 'echo x >&2; exit 3' 2>&1; printf '\036pycom-rx %s%s %d\036' '1f2e…' '…9a' "$?"
 * ```
 * @param command Any shell command without NUL characters.
 * @param nonce The nonce to use; default 128 random bits (only tests pass one).
 * @throws RangeError when the command contains a NUL character.
 * @category Protocol
 */
export function tagCommand(command: string, nonce: string = newNonce()): TaggedCommand {
  const half = nonce.length >> 1;
  const text =
    `sh -c ${shellQuote(command)} 2>&1; ` +
    `printf '\\036${LABEL} %s%s %d\\036' '${nonce.slice(0, half)}' '${nonce.slice(half)}' "$?"`;
  return { text, nonce };
}

/** Random bytes drawn 4 KiB at a time: 256 nonces per call to the random generator. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

/** 128 random bits as 32 hex characters. */
function newNonce(): string {
  if (poolAt + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const nonce = pool.toString('hex', poolAt, poolAt + 16);
  poolAt += 16;
  return nonce;
}

/**
 * Reads the trailer of a tagged command's output: its nonce, exit status and the output without
 * the trailer. Returns `undefined` when the output holds no trailer (an untagged command, a
 * command someone else sent, or an output cut short before its trailer was complete).
 *
 * It tolerates what pycom may do to an output on its way:
 * - trim it as Python's `str.strip()` does (whitespace at both ends, which includes the trailer's
 *   closing mark `\x1e`, and the opening one when the command printed only whitespace): the
 *   trailer is still read; what the command printed at the very start or end of the output as
 *   whitespace is lost with it;
 * - convert `\n` to `\r\n`, or append a newline: line ends after the trailer are ignored; line
 *   ends the command printed are returned as they came (converted, if pycom converted them);
 * - background jobs that the command started and that still held its stdout: pycom sends the
 *   output once stdout closes, so their text comes **after** the trailer. It is kept: `output`
 *   is the command's own text followed by theirs.
 *
 * The last well-formed trailer in the output wins.
 *
 * ## Example
 * ```ts
 * readTrailer('ok\n\x1epycom-rx 0123456789abcdef0123456789abcdef 0\x1e');
 * // { nonce: '0123456789abcdef0123456789abcdef', exitCode: 0, output: 'ok\n' }
 * readTrailer('ok\n\x1epycom-rx 0123456789abcdef0123456789abcdef 0'); // trimmed: the same
 * readTrailer('ok\n\x1epycom-rx 0123456789abcdef0123456789abcdef 0\x1ejob done\n');
 * // { ..., output: 'ok\njob done\n' } (a background job printed after the trailer)
 * ```
 * @param output The `output` field of an `output` event.
 * @category Protocol
 */
export function readTrailer(output: string): Trailer | undefined {
  const opening = `${MARK}${LABEL} `;
  for (let start = output.lastIndexOf(opening); start >= 0; start = output.lastIndexOf(opening, start - 1)) {
    const trailer = trailerAt(output, start, start + opening.length);
    if (trailer !== undefined || start === 0) return trailer;
  }
  // trimmed at the start as well: the command printed nothing but whitespace
  return output.startsWith(`${LABEL} `) ? trailerAt(output, 0, LABEL.length + 1) : undefined;
}

/** The trailer whose mark (or stripped mark) is at `start` and whose nonce is at `body`. */
function trailerAt(output: string, start: number, body: number): Trailer | undefined {
  const match = BODY.exec(output.slice(body));
  if (match === null) return undefined;
  const after = output.slice(body + match[0].length);
  const background = LINE_ENDS.test(after) ? '' : after;
  return { nonce: match[1]!, exitCode: Number(match[2]), output: output.slice(0, start) + background };
}

/** A whole tagged command, as {@link tagCommand} writes it. */
const TAGGED =
  /^sh -c '((?:[^']|'\\'')*)' 2>&1; printf '\\036pycom-rx %s%s %d\\036' '([0-9a-f]+)' '([0-9a-f]+)' "\$\?"$/s;

/**
 * Reads a command written by {@link tagCommand} back into the user's command and the nonce: for
 * simulated units whose commands are answered by a function rather than a real shell (the
 * simulator's function executors, `pycom-rx/testing`). Returns `undefined` for any other text.
 *
 * ## Example
 * ```ts
 * const tagged = untagCommand(tagCommand('uptime').text); // { command: 'uptime', nonce: '…' }
 * ```
 * @param text The `command` field of a `cmd` request.
 * @category Protocol
 */
export function untagCommand(text: string): { readonly command: string; readonly nonce: string } | undefined {
  const match = TAGGED.exec(text);
  if (match === null) return undefined;
  return { command: match[1]!.replace(/'\\''/g, "'"), nonce: match[2]! + match[3]! };
}

/**
 * What a real shell prints for a tagged command: the command's stdout and stderr merged, then
 * the trailer. The companion of {@link untagCommand}.
 *
 * ## Example
 * ```ts
 * taggedOutput(nonce, 'x\n', 3); // 'x\n\x1epycom-rx <nonce> 3\x1e'
 * ```
 * @param nonce The command's nonce.
 * @param output What the command printed.
 * @param exitCode Its exit status.
 * @category Protocol
 */
export function taggedOutput(nonce: string, output: string, exitCode: number): string {
  return `${output}${MARK}${LABEL} ${nonce} ${exitCode}${MARK}`;
}

/**
 * An `output` event as pycom-rx hands it on: for a tagged command the trailer is removed and the
 * exit status added as `exitCode`; an untagged output is as the unit sent it (no `exitCode`).
 *
 * ## Example
 * ```ts
 * coordinator.command(unit, 'echo x >&2; exit 3').subscribe((r: CommandOutput) => console.log(r.exitCode, r.output)); // 3 'x\n'
 * ```
 * @category Protocol
 */
export type CommandOutput = Output & {
  /** The command's exit status; present for tagged commands only. */
  readonly exitCode?: number;
};

/**
 * A copy of an `output` event without its trailer and with the exit status as `exitCode`, when
 * it ends with a trailer; the event itself otherwise. Other fields (`remote`, `receivedAt`...)
 * are kept.
 *
 * ## Example
 * ```ts
 * listen().pipe(ofType('output'), map(untagOutput)).subscribe((o) => console.log(o.exitCode, o.output));
 * ```
 * @param event An `output` event, plain or received.
 * @category Protocol
 */
export function untagOutput<E extends Output>(event: E): E & { readonly exitCode?: number } {
  if (event === last.event) return last.untagged as E & { readonly exitCode?: number };
  const trailer = readTrailer(event.output);
  let untagged: E & { exitCode?: number } = event;
  if (trailer !== undefined) {
    untagged = copyFields(event);
    (untagged as { output: string }).output = trailer.output;
    untagged.exitCode = trailer.exitCode;
  }
  last = { event, trailer, untagged };
  return untagged;
}

/**
 * The trailer of an `output` event, read once per event object: the matcher and the streams of
 * the coordinator read the same received item one after the other.
 * @internal
 */
export function trailerOf(event: Output): Trailer | undefined {
  if (event !== last.event) untagOutput(event);
  return last.trailer;
}

/** The last event untagged (one entry: an event goes through its readers in one go). */
let last: { readonly event?: Output; readonly trailer?: Trailer; readonly untagged?: Output } = {};
