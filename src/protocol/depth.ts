const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Whether JSON text nests objects and arrays deeper than `limit`, found by one linear scan that
 * skips strings (so a `{` inside a string does not count). Runs before `JSON.parse`, so that
 * hostile nesting is refused before anything recurses over it. The text need not be valid JSON:
 * an unterminated string simply ends the scan.
 *
 * ## Example
 * ```ts
 * exceedsDepth('{"a": {"b": "{{{"}}', 2); // false
 * exceedsDepth('[[[1]]]', 2); // true
 * ```
 * @param text JSON text.
 * @param limit The deepest nesting allowed (a flat object is 1).
 * @category Protocol
 */
export function exceedsDepth(text: string, limit: number): boolean {
  const n = text.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // jump to the closing quote: the first one preceded by an even number of backslashes
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j === -1) return false;
        let slashes = 0;
        for (let k = j - 1; k > i && text.charCodeAt(k) === BACKSLASH; k -= 1) slashes += 1;
        if (slashes % 2 === 0) break;
        j += 1;
      }
      i = j + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth -= 1;
    i += 1;
  }
  return false;
}
