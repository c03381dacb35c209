import { filter, map, pipe, type OperatorFunction } from 'rxjs';
import type { Message, PycomEvent } from '../protocol';
import { ofType } from './ofType';

/**
 * What a boardio report in a `message` event means, together with the event itself:
 * - `ready`: `BOARDIO_READY`, the last request to boardio succeeded (`detail` is any text after it);
 * - `error`: `BOARDIO_ERROR`, it failed (`reason` says why, or is `'unspecified'`);
 * - `complete`: `Sequence complete`, a running sequence finished.
 *
 * ## Example
 * ```ts
 * events$.pipe(toBoardioResult()).subscribe((result: BoardioResult) => {
 *   if (result.status === 'error') console.error(result.event.ip, result.reason);
 * });
 * ```
 * @category Operators
 */
export type BoardioResult =
  | {
      /** boardio reported `BOARDIO_READY`. */
      readonly status: 'ready';
      /** The text after the keyword, often `''`. */
      readonly detail: string;
      /** The `message` event of the report. */
      readonly event: Message;
    }
  | {
      /** boardio reported `BOARDIO_ERROR`. */
      readonly status: 'error';
      /** The text after the keyword, else the text before it, else `'unspecified'`. */
      readonly reason: string;
      /** The `message` event of the report. */
      readonly event: Message;
    }
  | {
      /** The unit reported `Sequence complete`. */
      readonly status: 'complete';
      /** The `message` event of the report. */
      readonly event: Message;
    };

/**
 * What {@link parseBoardioMessage} reads in a message text: a {@link BoardioResult} without its event.
 *
 * ## Example
 * ```ts
 * const report: BoardioReport = { status: 'error', reason: 'unspecified' };
 * ```
 * @category Operators
 */
export type BoardioReport =
  | {
      /** `BOARDIO_READY`. */
      status: 'ready';
      /** The text after the keyword, often `''`. */
      detail: string;
    }
  | {
      /** `BOARDIO_ERROR`. */
      status: 'error';
      /** The text after the keyword, else the text before it, else `'unspecified'`. */
      reason: string;
    }
  | {
      /** `Sequence complete`. */
      status: 'complete';
    };

const WORD = '[A-Za-z0-9_]';
const keyword = (name: string) => new RegExp(`(?<!${WORD})${name}(?!${WORD})\\s*:?\\s*`);
const READY = keyword('BOARDIO_READY');
const ERROR = keyword('BOARDIO_ERROR');
const TRAILING = /[\s\p{P}]+$/u;

/** The text before and after the keyword, trimmed; `undefined` when the keyword is absent. */
function after(pattern: RegExp, text: string): { before: string; rest: string } | undefined {
  const found = pattern.exec(text);
  if (found === null) return undefined;
  return {
    before: text.slice(0, found.index).replace(TRAILING, '').trim(),
    rest: text.slice(found.index + found[0].length).trim(),
  };
}

/**
 * Reads the text of a `message` event as a boardio report, tolerantly.
 *
 * The vendor does not document the exact wording (docs/protocol.md, open point 3), so the rules are
 * lenient about where the keyword stands, spacing and punctuation, but strict about the keywords:
 * - `BOARDIO_ERROR` anywhere in the text (as a whole word, case-sensitive) → `error`, `reason`
 *   being the text after it (after an optional `:` and whitespace), or else the text before it,
 *   or else `'unspecified'`. An error wins over a `BOARDIO_READY` in the same text: a text that
 *   says both is never taken as a success;
 * - `BOARDIO_READY` anywhere (likewise) → `ready`, `detail` being the text after it (often `''`);
 * - the whole text is `Sequence complete`, ignoring case, runs of whitespace and trailing
 *   punctuation (`"sequence complete."` matches) → `complete`;
 * - anything else → `undefined`.
 *
 * `BOARDIO_READYNESS`, `MY_BOARDIO_READY` or `BOARDIO_ERROR_COUNT` are not reports: the keyword
 * must stand between the ends of the text or characters other than a letter, digit or `_`.
 *
 * ## Example
 * ```ts
 * parseBoardioMessage('BOARDIO_ERROR: file not found'); // { status: 'error', reason: 'file not found' }
 * parseBoardioMessage('boardio: BOARDIO_READY'); // { status: 'ready', detail: '' }
 * parseBoardioMessage('Sequence complete'); // { status: 'complete' }
 * parseBoardioMessage('hello'); // undefined
 * ```
 * @param text The `message` field of a `message` event.
 * @return The report, or `undefined` when the text is not a boardio report.
 * @category Operators
 */
export function parseBoardioMessage(text: string): BoardioReport | undefined {
  const trimmed = text.trim();
  const error = after(ERROR, trimmed);
  if (error) return { status: 'error', reason: error.rest || error.before || 'unspecified' };
  const ready = after(READY, trimmed);
  if (ready) return { status: 'ready', detail: ready.rest };
  const words = trimmed.replace(TRAILING, '').replace(/\s+/g, ' ').toLowerCase();
  return words === 'sequence complete' ? { status: 'complete' } : undefined;
}

/**
 * Turns the boardio reports among a unit's events into {@link BoardioResult} values.
 *
 * Use it to learn how a sequence upload or run went: the `output` of `boardiocli uSeq` only says
 * the verb was handed over; the outcome arrives as `message` events, possibly before that output.
 * Every other event, and every message that is not a report (see {@link parseBoardioMessage}), is
 * skipped (`runSequence` reports those as `message` steps instead). Combine it with
 * {@link fromNode} to follow one unit.
 *
 * ## Marbles
 * ```text
 * events$: --o--r--h--c--|    o: an output; messages r: "BOARDIO_READY", h: "hello",
 *          toBoardioResult()   c: "Sequence complete"
 * result:  -----R-----C--|    R: status 'ready', C: status 'complete'
 * ```
 *
 * ## Example
 * ```ts
 * events$.pipe(fromNode('192.168.0.23'), toBoardioResult()).subscribe((r) => {
 *   if (r.status === 'error') console.error(`boardio failed: ${r.reason}`);
 * });
 * ```
 * @return An operator from events to boardio results.
 * @category Operators
 */
export function toBoardioResult(): OperatorFunction<PycomEvent, BoardioResult> {
  return pipe(
    ofType<PycomEvent, 'message'>('message'),
    map((event) => {
      const parsed = parseBoardioMessage(event.message);
      return parsed && { ...parsed, event };
    }),
    filter((result): result is BoardioResult => result !== undefined),
  );
}
