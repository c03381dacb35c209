/** The trailer's opening: the record separator (0x1E) and the label. */
const OPENING = '\x1epycom-rx ';
/** A trailer at the very end of an output, without its closing mark (stripped, or cut). */
const MARKLESS_END = /pycom-rx [0-9a-f]{32} \d{1,3}[\r\n]*$/;

/**
 * Whether an output from a unit whose tagged commands wait was cut short on its way, so that
 * its trailer is missing or incomplete (pycom caps it, or a connection carried part of it):
 * - it ends with the beginning of the trailer of a waiting command, `\x1epycom-rx ` and the
 *   start of its nonce, cut anywhere (trailing whitespace aside, which pycom may strip), or
 * - `capBytes` is given and it is at least that many UTF-8 bytes long, and has no trailer, or
 *   one without its closing mark at its very end (a cut inside the exit status reads as one).
 *
 * @internal
 * @param output The `output` field as received.
 * @param hasTrailer Whether a trailer was read from it.
 * @param nonces The nonces of the unit's tagged commands waiting.
 * @param capBytes The size at which the unit's pycom cuts outputs, when known.
 */
export function isTruncated(
  output: string,
  hasTrailer: boolean,
  nonces: ReadonlyArray<string>,
  capBytes: number | undefined,
): boolean {
  const atCap = capBytes !== undefined && Buffer.byteLength(output, 'utf8') >= capBytes;
  if (hasTrailer) return atCap && MARKLESS_END.test(output);
  if (atCap) return true;
  const end = output.trimEnd();
  return nonces.some((nonce) => endsWithPrefixOf(end, `${OPENING}${nonce}`) || isPrefixOf(end, nonce));
}

/** Whether `text` ends with a non-empty beginning of `whole`. */
function endsWithPrefixOf(text: string, whole: string): boolean {
  const from = text.lastIndexOf(OPENING[0]!);
  if (from < 0) return false;
  const tail = text.slice(from);
  return tail.length <= whole.length && whole.startsWith(tail);
}

/** The whole output is the start of a trailer whose opening mark was stripped with the rest. */
function isPrefixOf(text: string, nonce: string): boolean {
  return text.length > OPENING.length - 1 && `${OPENING.slice(1)}${nonce}`.startsWith(text);
}
