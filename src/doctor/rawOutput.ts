/**
 * What pycom may do to an output on its way: Python's `str.strip()`, `\n` → `\r\n`, a newline
 * appended. The doctor names each change it recognises.
 * @internal
 */
export type OutputChange = 'stripped' | 'crlf' | 'newline-appended';

/** What Python's `str.strip()` removes: whitespace, including the separators \x1c-\x1f. */
const PY_WHITESPACE =
  ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/**
 * Python's `str.strip()`.
 * @internal
 * @param text Any text.
 */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_WHITESPACE.includes(text[start]!)) start += 1;
  while (end > start && PY_WHITESPACE.includes(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}

/** The trailer's opening, its nonce and exit status, wherever it is in an output. */
// eslint-disable-next-line no-control-regex -- the trailer is marked by the record separator on purpose
const TRAILER_HEAD = /\x1epycom-rx ([0-9a-f]{32}) (\d{1,3})/;

/**
 * The nonce and exit status of the trailer in a raw output, if its opening survived.
 * @internal
 * @param raw The `output` field as the unit sent it.
 */
export function trailerHead(raw: string): { nonce: string; exitCode: number; at: number } | undefined {
  const match = TRAILER_HEAD.exec(raw);
  if (match === null) return undefined;
  return { nonce: match[1]!, exitCode: Number(match[2]), at: match.index };
}

/** Every combination of changes, fewest first, with what each makes of a text. */
const VARIANTS: ReadonlyArray<{ changes: OutputChange[]; apply: (text: string) => string }> = (() => {
  const out: Array<{ changes: OutputChange[]; apply: (text: string) => string }> = [];
  for (const crlf of [false, true])
    for (const strip of [false, true])
      for (const append of ['', '\n', '\r\n']) {
        if (append === '\r\n' && !crlf) continue;
        const changes: OutputChange[] = [];
        if (strip) changes.push('stripped');
        if (crlf) changes.push('crlf');
        if (append !== '') changes.push('newline-appended');
        out.push({
          changes,
          apply: (text) => {
            let t = crlf ? text.replace(/\n/g, '\r\n') : text;
            if (strip) t = pythonStrip(t);
            return t + append;
          },
        });
      }
  return out.sort((a, b) => a.changes.length - b.changes.length);
})();

/**
 * How a raw output differs from what a faithful pycom sends (`expected`): `[]` when identical,
 * the changes that explain it, or `undefined` when none do.
 * @internal
 * @param raw What came.
 * @param expected What the command printed, trailer included.
 */
export function changesOf(raw: string, expected: string): OutputChange[] | undefined {
  return VARIANTS.find((v) => v.apply(expected) === raw)?.changes;
}

/**
 * Whether a raw output is the start of a changed `expected`, cut short: then how many bytes came.
 * @internal
 * @param raw What came.
 * @param expected What the command printed, trailer included.
 */
export function cutAt(raw: string, expected: string): number | undefined {
  // a newline may have been appended after the cut
  for (const prefix of raw.endsWith('\n') ? [raw, raw.slice(0, -1)] : [raw]) {
    const variant = VARIANTS.find((v) => {
      const whole = v.apply(expected);
      return prefix.length < whole.length && whole.startsWith(prefix);
    });
    if (variant !== undefined) return Buffer.byteLength(prefix, 'utf8');
  }
  return undefined;
}

/**
 * The changes in words, for a check's `saw`.
 * @internal
 * @param changes What {@link changesOf} found.
 */
export function describeChanges(changes: ReadonlyArray<OutputChange>): string {
  const words: Record<OutputChange, string> = {
    stripped:
      "stripped leading and trailing whitespace (as Python's str.strip(): the trailer's closing \\x1e went)",
    crlf: 'converted \\n to \\r\\n',
    'newline-appended': 'appended a newline',
  };
  return changes.map((c) => words[c]).join(', ');
}

/**
 * The end of a text as JSON, at most `max` characters of it, for a check's `saw`.
 * @internal
 * @param text Any text.
 * @param max The most characters shown.
 */
export function tail(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `…${text.slice(-max)}` : text);
}
