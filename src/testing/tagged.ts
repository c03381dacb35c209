/**
 * A tagged command as a {@link memoryUnit} reads it: the command inside the wrapper, and the
 * nonce its output must end with.
 *
 * ## Example
 * ```ts
 * const tagged: UntaggedCommand | undefined = untagCommand(request.command);
 * ```
 */
export interface UntaggedCommand {
  /** The command as the caller gave it to the coordinator. */
  readonly command: string;
  /** The nonce of the trailer (32 hex characters). */
  readonly nonce: string;
}

/**
 * The wrapper of a tagged command, as the coordinator writes it:
 * `sh -c '<command>' 2>&1; printf '\036pycom-rx %s%s %d\036' '<nonce half>' '<nonce half>' "$?"`.
 */
const WRAPPER =
  /^sh -c ((?:'[^']*'|\\[^\n])+) 2>&1; printf '\\036pycom-rx %s%s %d\\036' '([0-9a-f]*)' '([0-9a-f]*)' "\$\?"$/;

/**
 * Reads one shell word made of single-quoted parts and backslash escapes (what `shellQuote`
 * writes), returning the text it stands for.
 *
 * ## Example
 * ```ts
 * unquoteWord(`'it'\\''s'`); // "it's"
 * ```
 * @param word The quoted word.
 * @return The text, or `undefined` when the word holds anything else.
 */
export function unquoteWord(word: string): string | undefined {
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

/**
 * Recognises the wrapper of a command the coordinator sent tagged (the default), and returns the
 * command inside it and the nonce. A {@link memoryUnit} uses it to run the inner command with
 * your executor and answer as a real shell would: what the command printed (stdout, then
 * stderr), then the trailer with the nonce and the exit status.
 *
 * ## Example
 * ```ts
 * untagCommand(`sh -c 'uptime' 2>&1; printf '\\036pycom-rx %s%s %d\\036' '0123' '4567' "$?"`);
 * // { command: 'uptime', nonce: '01234567' }
 * untagCommand('uptime'); // undefined: not tagged
 * ```
 * @param text The `command` field of a `cmd` request.
 * @return The inner command and the nonce, or `undefined` for an untagged command.
 */
export function untagCommand(text: string): UntaggedCommand | undefined {
  const match = WRAPPER.exec(text);
  if (match === null) return undefined;
  const command = unquoteWord(match[1]!);
  if (command === undefined) return undefined;
  return { command, nonce: `${match[2]!}${match[3]!}` };
}

/**
 * The trailer a tagged command's output ends with: the record separator (0x1E), `pycom-rx`, the
 * nonce, the exit status, and the separator again, as the wrapper's `printf` writes it.
 *
 * ## Example
 * ```ts
 * `ok\n${trailerOf('0123456789abcdef0123456789abcdef', 0)}`; // an output the coordinator matches
 * ```
 * @param nonce The command's nonce.
 * @param exitCode The command's exit status (taken modulo 256, as the shell's `$?`).
 */
export function trailerOf(nonce: string, exitCode: number): string {
  return `\x1epycom-rx ${nonce} ${((exitCode % 256) + 256) % 256}\x1e`;
}
