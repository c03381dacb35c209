import { filter, map, pipe, type OperatorFunction } from 'rxjs';
import type { Message, PycomEvent } from '../protocol';
import { ofType } from './ofType';

/**
 * What a boardio report in a `message` event means, together with the event itself:
 * - `ready`: `BOARDIO_READY`, the last request to boardio succeeded (`detail` is any text after it);
 * - `error`: `BOARDIO_ERROR`, it failed (`reason` is the text after it, or `'unspecified'`);
 * - `complete`: `Sequence complete`, a running sequence finished.
 *
 * ## Example
 * ```ts
 * const result: BoardioResult = { status: 'error', reason: 'no sequence file', event };
 * ```
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
      /** The text after the keyword, or `'unspecified'`. */
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
      /** The text after the keyword, or `'unspecified'`. */
      reason: string;
    }
  | {
      /** `Sequence complete`. */
      status: 'complete';
    };

const READY = /^BOARDIO_READY(?![A-Za-z0-9_])\s*:?\s*/;
const ERROR = /^BOARDIO_ERROR(?![A-Za-z0-9_])\s*:?\s*/;
const TRAILING = /[\s\p{P}]+$/u;

/**
 * Reads the text of a `message` event as a boardio report, tolerantly.
 *
 * The vendor does not document the exact wording (PROTOCOL.md, open point 3), so the rules are
 * lenient about spacing and punctuation but strict about the keywords. On the trimmed text:
 * - starts with `BOARDIO_READY` (as a whole word, case-sensitive) → `ready`, `detail` being the
 *   rest after an optional `:` and whitespace, trimmed (often `''`);
 * - starts with `BOARDIO_ERROR` (likewise) → `error`, `reason` being the rest, or `'unspecified'`
 *   when empty;
 * - equals `Sequence complete`, ignoring case, runs of whitespace and trailing punctuation
 *   (`"sequence complete."` matches) → `complete`;
 * - anything else → `undefined`.
 *
 * `BOARDIO_READYNESS` or `BOARDIO_ERROR_COUNT` are not reports: the keyword must be followed by the
 * end of the text or a character other than a letter, digit or `_`.
 *
 * ## Example
 * ```ts
 * parseBoardioMessage('BOARDIO_ERROR: file not found'); // { status: 'error', reason: 'file not found' }
 * parseBoardioMessage('Sequence complete'); // { status: 'complete' }
 * parseBoardioMessage('hello'); // undefined
 * ```
 * @param text The `message` field of a `message` event.
 * @return The report, or `undefined` when the text is not a boardio report.
 */
export function parseBoardioMessage(text: string): BoardioReport | undefined {
  const trimmed = text.trim();
  const ready = READY.exec(trimmed);
  if (ready) return { status: 'ready', detail: trimmed.slice(ready[0].length).trim() };
  const error = ERROR.exec(trimmed);
  if (error) return { status: 'error', reason: trimmed.slice(error[0].length).trim() || 'unspecified' };
  const words = trimmed.replace(TRAILING, '').replace(/\s+/g, ' ').toLowerCase();
  return words === 'sequence complete' ? { status: 'complete' } : undefined;
}

/**
 * Turns the boardio reports among a unit's events into {@link BoardioResult} values.
 *
 * Use it to learn how a sequence upload or run went: the `output` of `boardiocli uSeq && boardiocli
 * runSeq` only says the verbs were handed over; the outcome arrives later as `message` events.
 * Every other event, and every message that is not a report (see {@link parseBoardioMessage}), is
 * skipped. Combine it with {@link fromNode} to follow one unit.
 *
 * ## Example
 * ```ts
 * events$.pipe(fromNode(unitId), toBoardioResult()).subscribe((r) => {
 *   if (r.status === 'error') console.error(`boardio failed: ${r.reason}`);
 * });
 * ```
 * @return An operator from events to boardio results.
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
