import type { PycomQuirks } from './options';
import { checkOption, OptionError, RULES } from '../validation/checkOptions';

/**
 * Python's whitespace (`str.isspace()`), which `str.strip()` removes: ASCII blanks and line ends,
 * the separators `\x1c`-`\x1f`, and Unicode's spaces and line separators.
 */
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/**
 * An output as a pycom with these quirks sends it: stripped as Python's `str.strip()` does,
 * `\n` converted to `\r\n`, cut to `outputCapBytes` UTF-8 bytes, then a newline appended, each
 * when asked. With no quirks, the output itself.
 *
 * ## Example
 * ```ts
 * pycomOutput(' ok\n\x1epycom-rx … 0\x1e', { stripOutput: true }); // 'ok\n\x1epycom-rx … 0'
 * ```
 * @internal
 * @param output What the command printed (what pycom would send).
 * @param quirks The unit's quirks.
 */
export function pycomOutput(output: string, quirks: PycomQuirks = {}): string {
  let text = quirks.stripOutput === true ? output.replace(PY_STRIP, '') : output;
  if (quirks.crlf === true) text = text.replace(/\n/g, '\r\n');
  const cap = quirks.outputCapBytes;
  if (cap !== undefined && Buffer.byteLength(text, 'utf8') > cap)
    text = Buffer.from(text, 'utf8').subarray(0, cap).toString('utf8');
  return quirks.appendNewline === true ? `${text}\n` : text;
}

/**
 * Checks a unit's {@link PycomQuirks} when the unit is created: each flag a boolean, the cap an
 * integer of at least one byte.
 *
 * ## Example
 * ```ts
 * checkPycomQuirks({ outputCapBytes: 0 }); // throws OptionError: pycomQuirks.outputCapBytes ...
 * ```
 * @internal
 * @param quirks The `pycomQuirks` option as given.
 * @throws {@link OptionError} naming the first bad field.
 */
export function checkPycomQuirks(quirks: PycomQuirks | undefined): void {
  if (quirks === undefined) return;
  if (typeof quirks !== 'object' || quirks === null)
    throw new OptionError('pycomQuirks', 'type', quirks, 'an object');
  for (const flag of ['stripOutput', 'crlf', 'appendNewline', 'keepBackgroundJobs'] as const)
    if (quirks[flag] !== undefined && typeof quirks[flag] !== 'boolean')
      throw new OptionError(`pycomQuirks.${flag}`, 'type', quirks[flag], 'true or false');
  checkOption('pycomQuirks.outputCapBytes', quirks.outputCapBytes, RULES.positiveSize);
}
