/** C0 controls except tab, DEL, C1 controls, and the line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Makes text safe for one line of a terminal: control characters (escape sequences that could
 * move the cursor, retitle the window or hide text, line breaks that could forge another line)
 * become `\uXXXX`. What a unit sends is data, never terminal commands.
 *
 * ## Example
 * ```ts
 * printable('ok\x1b[2Jgone\n'); // 'ok\\u001b[2Jgone\\u000a'
 * ```
 * @param text Any text.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `JSON.stringify` that never throws and always gives one line: for anything it cannot
 * serialise (which the decoder's depth and size limits should make impossible for an accepted
 * event), a `{"kind":"unprintable",...}` line that says so.
 *
 * ## Example
 * ```ts
 * writeLine(io.stdout, safeJson(item));
 * ```
 * @param value What to print.
 */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (e) {
    const kind =
      typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
        ? (value as { kind: string }).kind
        : typeof value;
    return JSON.stringify({
      kind: 'unprintable',
      of: kind,
      error: e instanceof Error ? e.message : String(e),
    });
  }
}
