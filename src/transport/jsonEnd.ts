const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Finds where the first JSON object (or array) of a byte stream ends, incrementally: each chunk
 * is looked at once, so the work is linear in the bytes received however they are split. It
 * tracks strings, escapes and nesting depth only; it does not validate the JSON (the decoder
 * does), so `{abc}` "ends" at its `}` and is then rejected for what it is.
 *
 * Used by the listener for peers that do not half-close (`completeOnJson`): the payload is
 * complete as soon as the scanner says so, without re-parsing what came before.
 *
 * ## Example
 * ```ts
 * const scanner = new JsonEndScanner();
 * scanner.feed(Buffer.from('{"a": "}"')); // -1: not ended yet
 * scanner.feed(Buffer.from(', "b": 1}\n')); // 9: the object ended before offset 9 of this chunk
 * ```
 * @category Transport
 */
export class JsonEndScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** `'before'` the first byte that is not white space, `'inside'` the value, then `'ended'`; `'other'` when the stream does not start with `{` or `[`. */
  private state: 'before' | 'inside' | 'ended' | 'other' = 'before';
  /** The deepest nesting seen so far (1 for a flat object). */
  maxDepth = 0;

  /** `true` once the first value has ended. */
  get ended(): boolean {
    return this.state === 'ended';
  }

  /**
   * Looks at the next chunk of the stream.
   *
   * @param chunk The bytes that follow the previous chunk.
   * @return The offset in `chunk` just past the end of the first object or array, or `-1` when
   * it has not ended (or ended in an earlier chunk, or the stream does not start with one).
   */
  feed(chunk: Uint8Array): number {
    if (this.state === 'ended' || this.state === 'other') return -1;
    let i = 0;
    const n = chunk.length;
    if (this.state === 'before') {
      while (i < n && isWhitespace(chunk[i]!)) i += 1;
      if (i === n) return -1;
      const first = chunk[i]!;
      if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
        this.state = 'other';
        return -1;
      }
      this.state = 'inside';
    }
    let { depth, inString, escaped, maxDepth } = this;
    for (; i < n; i += 1) {
      const byte = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
        continue;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        depth += 1;
        if (depth > maxDepth) maxDepth = depth;
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) {
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          this.maxDepth = maxDepth;
          this.state = 'ended';
          return i + 1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.maxDepth = maxDepth;
    return -1;
  }
}
