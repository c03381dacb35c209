import { Observable, type SchedulerLike } from 'rxjs';
import { publishCommand } from '../diagnostics';
import { OutputTimeoutError } from '../operators';
import type { Command, Identity } from '../protocol';
import { tagCommand, type CommandOutput } from '../protocol/tagged';
import type { LocalAddress, SendOptions, Transport } from '../transport';
import { OutputRejectedError, OutputTruncatedError } from './errors';
import type { CoordinatorListener } from './listener';
import type { CoordinatorRequest, OutputMatcher, Settled } from './matcher';
import type { StatsCounter } from './stats';
import type { CommandOptions, LateOutput } from './types';
import type { Unit } from './units';

/**
 * What {@link execCommand} needs of its coordinator.
 * @internal
 */
export interface ExecDeps {
  /** Sends the request. */
  readonly transport: Transport;
  /** Options of each send. */
  readonly sendOptions: SendOptions | undefined;
  /** The identity sent with every request (a new object each call). */
  readonly identity: (localAddress?: string) => Identity;
  /** Pairs outputs with commands. */
  readonly matcher: OutputMatcher;
  /** The listener (bound before a command is sent). */
  readonly listener: CoordinatorListener;
  /** Holds the unit (heartbeated) and the listener while subscribed. */
  readonly holdUnit: (unit: Unit) => Observable<never>;
  /** Counters. */
  readonly stats: StatsCounter;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
  /** Whether commands are tagged, and how long they wait, unless a call says otherwise. */
  readonly defaults: {
    readonly tagged: boolean;
    readonly commandTimeoutMs: number;
    /** The size at which the units cut outputs, when known (named by `OutputTruncatedError`). */
    readonly outputCapBytes?: number;
  };
}

/**
 * Makes the function that sends one command now (no queue) and emits its output: the unit and
 * the listener are held, the command is tagged (unless told not to), registered with the matcher,
 * then sent; its result (output, timeout, rejected output, failed send, cancellation) is counted
 * and published on the diagnostics channel.
 *
 * @internal
 * @category Coordinator
 * @param deps The coordinator's parts.
 */
export function execCommand(deps: ExecDeps) {
  const { transport, matcher, listener, stats, scheduler, defaults } = deps;
  return (unit: Unit, shellCommand: string, options: CommandOptions = {}): Observable<CommandOutput> =>
    new Observable<CommandOutput>((subscriber) => {
      const tag = (options.tagged ?? defaults.tagged) ? tagCommand(shellCommand) : undefined;
      const timeoutMs = options.outputTimeoutMs ?? defaults.commandTimeoutMs;
      let request: CoordinatorRequest | undefined;
      const fail = (reason: LateOutput['reason'], error: unknown) => {
        if (request !== undefined && reason !== 'timeout') matcher.cancel(request, reason);
        request = undefined;
        stats.commands[reason]++;
        publishCommand(unit.host, shellCommand, reason, { error });
        subscriber.error(error);
      };
      const settle = (startedAt: number) => (result: Settled) => {
        request = undefined;
        if (result.kind === 'timeout')
          return fail('timeout', new OutputTimeoutError(unit.host, timeoutMs, shellCommand));
        if (result.kind === 'lost' && result.reason === 'truncated') {
          const { output } = result.output;
          return fail(
            'failed',
            new OutputTruncatedError(unit.host, shellCommand, output, defaults.outputCapBytes),
          );
        }
        if (result.kind === 'lost') {
          const { reason, message, bytes } = result.rejected;
          return fail('failed', new OutputRejectedError(unit.host, shellCommand, reason, message, bytes));
        }
        const ms = scheduler.now() - startedAt;
        stats.commands.output++;
        stats.roundTrip(unit.host, ms);
        publishCommand(unit.host, shellCommand, 'output', { ms, exitCode: result.output.exitCode });
        subscriber.next(result.output);
        subscriber.complete();
      };
      const subscription = deps.holdUnit(unit).subscribe({ error: (e: unknown) => subscriber.error(e) });
      const go = () => {
        request = {
          unit: unit.host,
          nonce: tag?.nonce,
          timeoutMs,
          command: shellCommand,
          settle: settle(scheduler.now()),
        };
        matcher.register(request);
        stats.commands.sent++;
        publishCommand(unit.host, shellCommand, 'sent');
        // the identity is a new object each time: completed in place (object spread is slow in V8)
        const cmd = (local: LocalAddress): Command =>
          Object.assign(deps.identity(local.address), {
            type_: 'cmd' as const,
            command: tag?.text ?? shellCommand,
          });
        subscription.add(
          transport.send(unit, cmd, deps.sendOptions).subscribe({ error: (e: unknown) => fail('failed', e) }),
        );
      };
      // bound already (the usual case): no subscription to wait for it
      if (listener.bound$.value !== undefined) {
        if (!subscriber.closed) go();
      } else
        subscription.add(listener.ready$.subscribe({ error: (e: unknown) => subscriber.error(e), next: go }));
      return () => {
        if (request !== undefined) {
          stats.commands.cancelled++;
          publishCommand(unit.host, shellCommand, 'cancelled');
          matcher.cancel(request, 'cancelled');
          request = undefined;
        }
        subscription.unsubscribe();
      };
    });
}
