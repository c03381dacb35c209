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
 * @category Protocol
 */
export function shellQuote(s: string): string {
  if (s.includes('\0')) throw new RangeError('shellQuote: a shell word cannot contain a NUL character');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
