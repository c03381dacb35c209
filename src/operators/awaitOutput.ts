import { Observable, timer, type OperatorFunction, type Subscription } from 'rxjs';
import type { Output, PycomEvent } from '../protocol';
import { isFromUnit } from './fromNode';

/**
 * A command waiting for its `output`: what the `request$` of {@link awaitOutput} emits must
 * extend it. Add whatever else you need (the command text, an id of your own): it is handed back
 * unchanged in the result.
 *
 * ## Example
 * ```ts
 * const pending: PendingCommand & { command: string } = { unit: '81639cd4', command: 'uptime', timeoutMs: 5000 };
 * ```
 * @category Operators
 */
export interface PendingCommand {
  /** The unit the command was sent to: its id or its IP address. */
  readonly unit: string;
  /** How long to wait for the output, in ms; the operator's default when absent. */
  readonly timeoutMs?: number;
}

/**
 * No `output` came back from a unit in time for a command. A value inside an {@link AwaitedOutput}
 * of kind `timeout`, not a stream error.
 *
 * ## Example
 * ```ts
 * if (result.kind === 'timeout') console.warn(result.error.message, result.error.unit);
 * ```
 * @category Errors
 */
export class OutputTimeoutError extends Error {
  /** Always `'OutputTimeoutError'`. */
  override readonly name = 'OutputTimeoutError';

  /**
   * @param unit The unit the command was sent to.
   * @param timeoutMs The time allowed for the output, in ms.
   * @param request The request that got no output.
   * @param message Overrides the default message (`no output from unit "…" within … ms`).
   */
  constructor(
    /** The unit the command was sent to. */
    readonly unit: string,
    /** The time allowed for the output, in ms. */
    readonly timeoutMs: number,
    /** The request that got no output. */
    readonly request: unknown,
    message = `no output from unit "${unit}" within ${timeoutMs} ms`,
  ) {
    super(message);
  }
}

/**
 * One result of {@link awaitOutput}:
 * - `output`: the request and the output that answers it;
 * - `timeout`: the request got no output in time (or the events ended first);
 * - `unmatched`: an output no request was waiting for.
 *
 * ## Example
 * ```ts
 * const text = result.kind === 'output' ? result.output.output : undefined;
 * ```
 * @category Operators
 */
export type AwaitedOutput<R> =
  | {
      /** The request got its output. */
      readonly kind: 'output';
      /** The request, as `request$` emitted it. */
      readonly request: R;
      /** The `output` event that answers it. */
      readonly output: Output;
    }
  | {
      /** The request got no output in time. */
      readonly kind: 'timeout';
      /** The request, as `request$` emitted it. */
      readonly request: R;
      /** Says which unit and how long; never thrown. */
      readonly error: OutputTimeoutError;
    }
  | {
      /** An output no request was waiting for. */
      readonly kind: 'unmatched';
      /** The `output` event. */
      readonly output: Output;
    };

/**
 * Options of {@link awaitOutput}.
 *
 * ## Example
 * ```ts
 * events$.pipe(awaitOutput(request$, { timeoutMs: 3000 }));
 * ```
 * @category Operators
 */
export interface AwaitOutputOptions {
  /** Time allowed for an output when the request names none, in ms. Default 10000. */
  timeoutMs?: number;
  /** Whether an output comes from the unit a request names. Default `isFromUnit` (its id or its `ip` field). */
  isFrom?: (unit: string, event: Output) => boolean;
  /**
   * Requests that stop waiting at once, without any result: emit a request here (the same object
   * `request$` emitted) when it never reached its unit, e.g. because the send failed.
   */
  cancel$?: Observable<PendingCommand>;
  /**
   * Every `unit` name an output can match (for which `isFrom` may hold). When given, an output
   * is compared with the requests of those units only, instead of with every request waiting.
   */
  candidates?: (output: Output) => Iterable<string>;
}

/**
 * Default time allowed for an output, in ms.
 * @category Operators
 */
export const DEFAULT_OUTPUT_TIMEOUT_MS = 10_000;

/** Longest delay a timer can have (setTimeout's limit); beyond it a request waits forever. */
const MAX_TIMER_MS = 2_147_483_647;

interface Waiting<R> {
  readonly request: R;
  readonly timeoutMs: number;
  readonly seq: number;
  timer?: Subscription;
}

/**
 * Pairs each command with the `output` event that answers it.
 *
 * pycom's outputs carry no request id (docs/protocol.md, open point 1), so the rule is positional:
 * the next `output` from a unit answers the oldest command of that unit still waiting. Units are
 * independent. The rule is only reliable with **at most one command in flight per unit**, which
 * this operator assumes but does not enforce (see {@link queueByUnit}).
 *
 * `request$` must emit each command **before** its bytes leave, since the output can come back
 * very fast; this operator subscribes to `request$` before the events for the same reason.
 *
 * - Each request is answered by kind `output`, or by kind `timeout` after its `timeoutMs` (else
 *   `options.timeoutMs`, else 10000; `Infinity` waits forever). A timeout is a value, not an
 *   error, so one slow unit never stops the pipeline; the request then stops waiting.
 * - A late output, arriving after its command timed out, cannot be told apart from any other: it
 *   answers the oldest request of that unit still waiting, if any, and is `unmatched` otherwise.
 *   Keep timeouts generous, or space commands, if that matters.
 * - An output no request waits for is emitted as kind `unmatched`; other events are ignored.
 * - When the events complete, no output can come any more: every request still waiting is emitted
 *   at once as a `timeout` (oldest first), then the result completes. The completion of
 *   `request$` alone completes nothing.
 * - A request emitted by `options.cancel$` stops waiting silently (for commands that never left).
 * - An error of any input, or thrown by `isFrom`, is propagated. Unsubscribing clears every timer.
 *
 * ## Marbles
 * ```text
 * request$: -a---b-------c------    a, b: commands to unit U; c: a command to unit V
 * events$:  ---o---o------------    o: outputs of unit U (V never answers)
 *           awaitOutput(request$, { timeoutMs: 5 })    (one frame: 1 ms)
 * result:   ---A---B----------C-    A, B: kind 'output' (a, b); C: kind 'timeout' (c)
 * ```
 *
 * ## Example
 * ```ts
 * const request$ = new Subject<PendingCommand & { command: string }>();
 * events$.pipe(awaitOutput(request$)).subscribe((r) => {
 *   if (r.kind === 'output') console.log(r.request.command, '→', r.output.output);
 * });
 * request$.next({ unit: '81639cd4', command: 'uptime' }); // register, then send
 * ```
 * @param request$ The commands, each emitted when it is sent.
 * @param options Default timeout and unit matching.
 * @return An operator from events to paired results.
 * @category Operators
 */
export function awaitOutput<R extends PendingCommand>(
  request$: Observable<R>,
  options: AwaitOutputOptions = {},
): OperatorFunction<PycomEvent, AwaitedOutput<R>> {
  const isFrom = options.isFrom ?? isFromUnit;
  const defaultTimeout = options.timeoutMs ?? DEFAULT_OUTPUT_TIMEOUT_MS;
  return (events$) =>
    new Observable<AwaitedOutput<R>>((subscriber) => {
      const waiting: Waiting<R>[] = [];
      const byUnit = new Map<string, Waiting<R>[]>();
      const byRequest = new Map<PendingCommand, Waiting<R>>();
      const candidates = options.candidates;

      const stopWaiting = (entry: Waiting<R>): void => {
        byRequest.delete(entry.request);
        const list = byUnit.get(entry.request.unit);
        if (list !== undefined) {
          const j = list.indexOf(entry);
          if (j >= 0) list.splice(j, 1);
          if (list.length === 0) byUnit.delete(entry.request.unit);
        }
        if (candidates === undefined) {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
        }
        entry.timer?.unsubscribe();
      };

      let seq = 0;
      const register = (request: R): void => {
        const entry: Waiting<R> = { request, timeoutMs: request.timeoutMs ?? defaultTimeout, seq: seq++ };
        if (candidates === undefined) waiting.push(entry);
        byRequest.set(request, entry);
        const list = byUnit.get(request.unit);
        if (list === undefined) byUnit.set(request.unit, [entry]);
        else list.push(entry);
        if (Number.isFinite(entry.timeoutMs) && entry.timeoutMs <= MAX_TIMER_MS) {
          entry.timer = timer(entry.timeoutMs).subscribe(() => {
            stopWaiting(entry);
            const error = new OutputTimeoutError(request.unit, entry.timeoutMs, request);
            subscriber.next({ kind: 'timeout', request, error });
          });
        }
      };

      const answer = (output: Output): void => {
        let entry: Waiting<R> | undefined;
        try {
          if (candidates === undefined) entry = waiting.find((w) => isFrom(w.request.unit, output));
          else
            for (const unit of candidates(output)) {
              const first = byUnit.get(unit)?.find((w) => isFrom(w.request.unit, output));
              if (first !== undefined && (entry === undefined || first.seq < entry.seq)) entry = first;
            }
        } catch (e) {
          return subscriber.error(e);
        }
        if (entry === undefined) return subscriber.next({ kind: 'unmatched', output });
        stopWaiting(entry);
        subscriber.next({ kind: 'output', request: entry.request, output });
      };

      const flush = (): void => {
        const all = [...byRequest.values()].sort((a, b) => a.seq - b.seq);
        waiting.splice(0);
        byRequest.clear();
        byUnit.clear();
        for (const entry of all) {
          entry.timer?.unsubscribe();
          const { request, timeoutMs } = entry;
          const why = `no output from unit "${request.unit}": the events ended before it came`;
          const error = new OutputTimeoutError(request.unit, timeoutMs, request, why);
          subscriber.next({ kind: 'timeout', request, error });
        }
        subscriber.complete();
      };

      const cancel = (request: PendingCommand): void => {
        const entry = byRequest.get(request);
        if (entry !== undefined) stopWaiting(entry);
      };

      subscriber.add(request$.subscribe({ next: register, error: (e: unknown) => subscriber.error(e) }));
      if (options.cancel$ !== undefined) {
        subscriber.add(
          options.cancel$.subscribe({ next: cancel, error: (e: unknown) => subscriber.error(e) }),
        );
      }
      if (subscriber.closed) return;
      subscriber.add(
        events$.subscribe({
          next: (event) => {
            if (event.type_ === 'output') answer(event);
          },
          error: (e: unknown) => subscriber.error(e),
          complete: flush,
        }),
      );
      return () => {
        byRequest.forEach((entry) => entry.timer?.unsubscribe());
        byRequest.clear();
        byUnit.clear();
        waiting.splice(0);
      };
    });
}
