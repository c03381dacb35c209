import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { Inbound, Received } from '../protocol/inbound';
import type { CommandOutput } from '../protocol/tagged';
import { awaitOutput, type AwaitedOutput, type PendingCommand } from '../operators';
import type { LateOutput } from './types';

/**
 * A command of the coordinator's, waiting in {@link OutputMatcher}.
 *
 * @internal
 * @category Coordinator
 */
export interface CoordinatorRequest extends PendingCommand {
  /** The unit's address. */
  readonly unit: string;
  /** The command as the caller gave it. */
  readonly command: string;
  /** Why the coordinator stopped waiting for it, once it did (told to `late$`). */
  stopped?: LateOutput['reason'];
  /** Gets the request's one result. */
  readonly settle: (result: Settled) => void;
}

/**
 * The results that end a request's wait.
 * @internal
 */
export type Settled = Extract<
  AwaitedOutput<CoordinatorRequest>,
  { readonly kind: 'output' | 'timeout' | 'lost' }
>;

/**
 * Options of {@link OutputMatcher}.
 * @internal
 */
export interface OutputMatcherDeps {
  /** Where timeouts are scheduled. */
  readonly scheduler: SchedulerLike;
  /** Whether an output's `ip` field may name its unit. */
  readonly trustIpField: boolean;
  /** The size at which the units cut outputs, when known (see `awaitOutput`). */
  readonly outputCapBytes?: number;
  /** Told of each late output. */
  readonly late: (late: LateOutput) => void;
  /** Told of each output that answered nothing. */
  readonly unmatched: (output: Received<CommandOutput>) => void;
}

/**
 * The coordinator's side of {@link awaitOutput}: the listener's items go into the operator, the
 * requests of its commands into its `request$` (and `cancel$`), and each result goes back to its
 * command, or to `late$` and `unmatched$`. One matcher per coordinator, for its whole life.
 *
 * @internal
 * @category Coordinator
 */
export class OutputMatcher {
  private readonly requests$ = new Subject<CoordinatorRequest>();
  private readonly cancel$ = new Subject<CoordinatorRequest>();
  /** The listener's items, trailers still on, as they arrive. */
  private readonly items$ = new Subject<Inbound>();
  private readonly subscription: Subscription;

  /**
   * Starts the matcher: one `awaitOutput` for the coordinator's life, so that what it remembers
   * (the nonces of commands that stopped waiting) outlives the listener's bindings.
   * @param deps Scheduler, trust of the `ip` field, output cap, and where late and unmatched outputs go.
   */
  constructor(private readonly deps: OutputMatcherDeps) {
    const { scheduler, trustIpField, outputCapBytes } = deps;
    this.subscription = this.items$
      .pipe(awaitOutput(this.requests$, { scheduler, trustIpField, outputCapBytes, cancel$: this.cancel$ }))
      .subscribe((result) => this.deliver(result));
  }

  /**
   * Matches one item of the listener (called for each, in order, before anyone else sees it).
   * @param item The item, trailer still on.
   */
  see(item: Inbound): void {
    this.items$.next(item);
  }

  /** Stops the matcher: the requests still waiting time out at once (the coordinator closed). */
  close(): void {
    this.items$.complete();
    this.subscription.unsubscribe();
  }

  /**
   * Waits for a command's output: call it just before the command is sent.
   * @param request The command.
   */
  register(request: CoordinatorRequest): void {
    this.requests$.next(request);
  }

  /**
   * Stops waiting for a command; a later output of it goes to `late$` with this reason.
   * @param request The command.
   * @param reason Why.
   */
  cancel(request: CoordinatorRequest, reason: LateOutput['reason']): void {
    request.stopped = reason;
    this.cancel$.next(request);
  }

  private deliver(result: AwaitedOutput<CoordinatorRequest>): void {
    switch (result.kind) {
      case 'late': {
        const { request, output } = result;
        const reason = request.stopped ?? (result.reason === 'lost' ? 'failed' : result.reason);
        return this.deps.late({ unit: request.unit, command: request.command, reason, output });
      }
      case 'unmatched':
        return this.deps.unmatched(result.output);
      default:
        return result.request.settle(result);
    }
  }
}
