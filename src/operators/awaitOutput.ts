import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { Output } from '../protocol/events';
import type { Inbound, Received, Rejected } from '../protocol/inbound';
import { trailerOf, untagOutput } from '../protocol/tagged';
import { checkOption, OptionError, RULES } from '../validation/checkOptions';
import { after } from './after';
import { mayBeOutput } from './mayBeOutput';
import { OutputTimeoutError } from './outputTimeoutError';
import type { AwaitedOutput } from './awaitedOutput';
import { pendingBook, type Pending } from './pendingBook';
import { isTruncated } from './truncation';
import type { PendingCommand } from './pendingCommand';

export { OutputTimeoutError } from './outputTimeoutError';
export type { PendingCommand } from './pendingCommand';
export type { AwaitedOutput } from './awaitedOutput';

/**
 * Options of {@link awaitOutput}.
 *
 * ## Example
 * ```ts
 * const request$ = new Subject<PendingCommand>();
 * listen().pipe(awaitOutput(request$, { timeoutMs: 3000 }));
 * ```
 * @category Operators
 */
export interface AwaitOutputOptions {
  /** Time allowed for an output when the request names none, in ms (`Infinity`: forever). Default 10000. */
  readonly timeoutMs?: number;
  /** Where timeouts are scheduled. Default `asyncScheduler` (virtual inside `TestScheduler.run`). */
  readonly scheduler?: SchedulerLike;
  /**
   * Requests that stop waiting at once, without any result: emit a request here (the same object
   * `request$` emitted) when it never reached its unit, e.g. because the send failed. A later
   * output with its nonce is `late` (reason `cancelled`).
   */
  readonly cancel$?: Observable<PendingCommand>;
  /**
   * Which unit an item came from, named as requests name units. Default: its source address
   * (`item.remote.address`). Return `undefined` for an item of no known unit.
   */
  readonly unitOf?: (item: Inbound) => string | undefined;
  /**
   * Also accept an output whose `ip` field names the request's unit, from any address (units
   * behind NAT). Anyone who can reach the listener can then answer for the unit. Default `false`.
   */
  readonly trustIpField?: boolean;
  /**
   * The size at which the units' pycom cuts an output, in UTF-8 bytes, when known (the doctor
   * measures it). An output of that size or more from a unit whose tagged requests wait, without
   * a whole trailer, answers the oldest of them `lost` (reason `truncated`) at once. Without it,
   * only an output that ends with the beginning of a waiting request's trailer counts as cut.
   * Default: unknown.
   */
  readonly outputCapBytes?: number;
}

/**
 * Default time allowed for an output, in ms.
 * @category Operators
 */
export const DEFAULT_OUTPUT_TIMEOUT_MS = 10_000;

const byAddress = (item: Inbound): string => item.remote.address;

/**
 * Pairs each command with the `output` that answers it: the matcher the coordinator itself runs.
 *
 * Apply it to received items (`listen()`, `coordinator.inbound$`), which carry the source
 * address each output really came from:
 * - a **tagged** request (its `nonce` from {@link tagCommand}) is answered only by an output
 *   ending with its nonce's trailer **and** coming from the request's unit. The same nonce from
 *   another address is `unmatched`; a nonce of a request that stopped waiting is `late`. Late,
 *   duplicate, spoofed or guessed outputs never answer another command.
 * - an **untagged** request is answered positionally: the next untagged output from its unit
 *   answers the oldest untagged request of that unit (so keep at most one untagged command in
 *   flight per unit, see {@link queueByUnit}). An untagged output never answers a tagged request.
 * - a payload the listener rejected from a unit's address for its content (too large, not JSON,
 *   too deep, not a valid event), unless its first bytes show another `type_`, may have been an
 *   output: the unit's tagged requests and its oldest untagged one are answered `lost` at once.
 * - an output without a whole trailer from a unit with tagged requests waiting and no untagged
 *   one, that ends with the beginning of a waiting trailer (`\x1epycom-rx ` and part of the
 *   nonce) or is at least `outputCapBytes` long, was cut short: the unit's oldest tagged request
 *   is answered `lost` (reason `truncated`) at once.
 *
 * `request$` must emit each command **before** its bytes leave, since the output can come back
 * very fast; the operator subscribes to `request$` (and `cancel$`) before the items.
 *
 * - A request gets exactly one of `output`, `timeout` (after its `timeoutMs`, else
 *   `options.timeoutMs`, else 10000; `Infinity` waits forever) or `lost`, or nothing when
 *   cancelled. A timeout is a value, not an error, so one slow unit never stops the pipeline.
 * - When the items complete, every request still waiting is emitted as a `timeout` (oldest
 *   first), then the result completes. The completion of `request$` alone completes nothing.
 * - Events other than outputs are ignored. An error of any input, or thrown by `unitOf`, is
 *   propagated; a request without a string `unit` or with a bad `timeoutMs` errors with an
 *   `OptionError`. Unsubscribing
 *   clears every timer.
 *
 * ## Marbles
 * ```text
 * request$: -a---b-------c------    a, b: commands to unit U; c: a command to unit V
 * items:    ---o---o------------    o: outputs from U's address (V never answers)
 *           awaitOutput(request$, { timeoutMs: 5 })    (one frame: 1 ms)
 * result:   ---A---B----------C-    A, B: kind 'output' (a, b); C: kind 'timeout' (c)
 * ```
 *
 * ## Example
 * ```ts
 * const request$ = new Subject<PendingCommand & { command: string }>();
 * listen().pipe(awaitOutput(request$)).subscribe((r) => {
 *   if (r.kind === 'output') console.log(r.request.command, '→', r.output.exitCode, r.output.output);
 * });
 * const { text, nonce } = tagCommand('uptime');
 * request$.next({ unit: '192.168.0.23', nonce, command: 'uptime' }); // register, then send
 * ```
 * @param request$ The commands, each emitted just before it is sent.
 * @param options Default timeout, scheduler, cancellations and unit naming.
 * @return An operator from received items to results.
 * @throws {@link OptionError} when an option is invalid (at call time).
 * @category Operators
 */
export function awaitOutput<R extends PendingCommand>(
  request$: Observable<R>,
  options: AwaitOutputOptions = {},
): OperatorFunction<Inbound, AwaitedOutput<R>> {
  checkOption('timeoutMs', options.timeoutMs, RULES.timeout);
  if (options.unitOf !== undefined && typeof options.unitOf !== 'function')
    throw new OptionError('unitOf', 'type', options.unitOf, 'a function');
  if (options.trustIpField !== undefined && typeof options.trustIpField !== 'boolean')
    throw new OptionError('trustIpField', 'type', options.trustIpField, 'true or false');
  checkOption('outputCapBytes', options.outputCapBytes, RULES.positiveSize);
  const capBytes = options.outputCapBytes;
  const defaultTimeout = options.timeoutMs ?? DEFAULT_OUTPUT_TIMEOUT_MS;
  const scheduler = options.scheduler ?? asyncScheduler;
  const unitOf = options.unitOf ?? byAddress;
  const trustIpField = options.trustIpField === true;
  return (items$) =>
    new Observable<AwaitedOutput<R>>((subscriber) => {
      const book = pendingBook<R>();

      const register = (request: R): void => {
        if (typeof request?.unit !== 'string')
          return subscriber.error(new OptionError('request.unit', 'type', request?.unit, 'a string'));
        try {
          checkOption('request.timeoutMs', request.timeoutMs, RULES.timeout);
        } catch (e) {
          return subscriber.error(e);
        }
        const timeoutMs = request.timeoutMs ?? defaultTimeout;
        const entry: Pending<R> = book.add(request, timeoutMs);
        if (timeoutMs <= RULES.timeout.max)
          entry.cancelTimer = after(scheduler, timeoutMs, () => {
            book.stop(entry, 'timeout');
            const error = new OutputTimeoutError(request.unit, timeoutMs, request);
            subscriber.next({ kind: 'timeout', request, error });
          });
      };

      const onOutput = (item: Received & { readonly type_: 'output' }): void => {
        const unit = unitOf(item);
        const claimed = trustIpField ? item.ip : undefined;
        const trailer = trailerOf(item);
        if (trailer === undefined) {
          const entry = book.oldestUntagged(unit) ?? book.oldestUntagged(claimed);
          if (entry === undefined) {
            if (!cut(item, unit, claimed)) subscriber.next({ kind: 'unmatched', output: item });
            return;
          }
          book.stop(entry, 'answered');
          return subscriber.next({ kind: 'output', request: entry.request, output: item });
        }
        const from = (u: string) => u === unit || (claimed !== undefined && u === claimed);
        const entry = book.waiting(trailer.nonce);
        if (entry !== undefined && from(entry.request.unit) && isTruncated(item.output, true, [], capBytes)) {
          book.stop(entry, 'lost'); // at the cap, its closing mark gone: cut inside the exit status
          return subscriber.next({ kind: 'lost', request: entry.request, reason: 'truncated', output: item });
        }
        const output = untagOutput(item); // the same copy the coordinator's streams then get
        if (entry !== undefined && from(entry.request.unit)) {
          book.stop(entry, 'answered');
          return subscriber.next({ kind: 'output', request: entry.request, output });
        }
        const done = entry === undefined ? book.finished(trailer.nonce) : undefined;
        if (done !== undefined && from(done.request.unit)) {
          book.forget(trailer.nonce);
          return subscriber.next({ kind: 'late', request: done.request, reason: done.reason, output });
        }
        subscriber.next({ kind: 'unmatched', output });
      };

      /** Answers `lost` (truncated) the oldest tagged request of the unit of an output cut short. */
      const cut = (item: Received<Output>, unit?: string, claimed?: string): boolean => {
        let waiting = book.taggedAt(unit);
        if (waiting.length === 0) waiting = book.taggedAt(claimed);
        const nonces = waiting.map((entry) => entry.request.nonce!);
        if (waiting.length === 0 || !isTruncated(item.output, false, nonces, capBytes)) return false;
        const oldest = waiting[0]!;
        book.stop(oldest, 'lost');
        subscriber.next({ kind: 'lost', request: oldest.request, reason: 'truncated', output: item });
        return true;
      };

      const onRejected = (rejected: Rejected): void => {
        if (!mayBeOutput(rejected)) return;
        for (const entry of book.lostAt(unitOf(rejected))) {
          book.stop(entry, 'lost');
          subscriber.next({ kind: 'lost', request: entry.request, reason: 'rejected', rejected });
        }
      };

      const flush = (): void => {
        for (const entry of book.drain()) {
          const { request, timeoutMs } = entry;
          const why = `no output from unit "${request.unit}": the events ended before it came`;
          const error = new OutputTimeoutError(request.unit, timeoutMs, request, why);
          subscriber.next({ kind: 'timeout', request, error });
        }
        subscriber.complete();
      };

      subscriber.add(request$.subscribe({ next: register, error: (e: unknown) => subscriber.error(e) }));
      if (options.cancel$ !== undefined)
        subscriber.add(
          options.cancel$.subscribe({
            next: (request) => book.cancel(request),
            error: (e: unknown) => subscriber.error(e),
          }),
        );
      if (subscriber.closed) return;
      subscriber.add(
        items$.subscribe({
          next: (item) => {
            try {
              if (!('type_' in item)) onRejected(item);
              else if (item.type_ === 'output') onOutput(item);
            } catch (e) {
              subscriber.error(e);
            }
          },
          error: (e: unknown) => subscriber.error(e),
          complete: flush,
        }),
      );
      return () => book.clear();
    });
}
