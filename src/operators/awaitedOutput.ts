import type { Received, Rejected } from '../protocol/inbound';
import type { CommandOutput } from '../protocol/tagged';
import type { OutputTimeoutError } from './outputTimeoutError';

/**
 * One result of {@link awaitOutput}:
 * - `output`: the request and the output that answers it (trailer removed, `exitCode` added when tagged);
 * - `timeout`: the request got no output in time (or the events ended first);
 * - `late`: the output of a tagged request that had stopped waiting (timed out, cancelled or lost);
 * - `lost`: the request's output is lost, and it stops waiting at once: the listener rejected a
 *   payload from its unit that may have been it (`reason: 'rejected'`: too large, not JSON, too
 *   deep...), or an output of its unit came cut short, its trailer missing (`reason: 'truncated'`);
 * - `unmatched`: an output no request was waiting for (including a known nonce from the wrong address).
 *
 * ## Example
 * ```ts
 * const request$ = new Subject<PendingCommand>();
 * listen().pipe(awaitOutput(request$)).subscribe((result: AwaitedOutput<PendingCommand>) => {
 *   if (result.kind === 'output') console.log(result.output.output);
 *   if (result.kind === 'timeout') console.warn(result.error.message, result.error.unit);
 * });
 * ```
 * @category Operators
 */
export type AwaitedOutput<R> =
  | {
      /** The request got its output. */
      readonly kind: 'output';
      /** The request, as `request$` emitted it. */
      readonly request: R;
      /** The output that answers it. */
      readonly output: Received<CommandOutput>;
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
      /** The output of a request that had stopped waiting. */
      readonly kind: 'late';
      /** The request, as `request$` emitted it. */
      readonly request: R;
      /** Why it had stopped waiting. */
      readonly reason: 'timeout' | 'cancelled' | 'lost';
      /** The output, trailer removed. */
      readonly output: Received<CommandOutput>;
    }
  | {
      /** What may have been the request's output was rejected by the listener. */
      readonly kind: 'lost';
      /** The request, as `request$` emitted it. */
      readonly request: R;
      /** Always `'rejected'`. */
      readonly reason: 'rejected';
      /** The rejected payload (reason, message, bytes). */
      readonly rejected: Rejected;
    }
  | {
      /** An output of the request's unit came cut short: its trailer is missing or incomplete. */
      readonly kind: 'lost';
      /** The request, as `request$` emitted it. */
      readonly request: R;
      /** Always `'truncated'`. */
      readonly reason: 'truncated';
      /** The output as it came (no trailer to remove). */
      readonly output: Received<CommandOutput>;
    }
  | {
      /** An output no request was waiting for. */
      readonly kind: 'unmatched';
      /** The output (trailer removed when it had one). */
      readonly output: Received<CommandOutput>;
    };
