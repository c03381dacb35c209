import { catchError, defer, map, mergeMap, of, type Observable, type OperatorFunction } from 'rxjs';
import { OptionError } from '../validation/checkOptions';
import { hostOf } from './callOptions';
import type { CommandRequest, CommandResult, Coordinator } from './types';

/**
 * Runs many commands through a coordinator's `command` (its queues): each request becomes one
 * result, a request with a bad unit, command or timeout a `failed` result, never a thrown error.
 *
 * @internal
 * @category Coordinator
 * @param command The coordinator's `command`.
 */
export function runCommands<R extends CommandRequest>(
  command: Coordinator['command'],
): OperatorFunction<R, CommandResult<R>> {
  return (commands$: Observable<R>) =>
    commands$.pipe(
      mergeMap((request) => {
        const unit = hostOf(request?.unit);
        return defer(() => {
          if (typeof request !== 'object' || request === null)
            throw new OptionError('request', 'type', request, 'a { unit, command } object');
          return command(request.unit, request.command, { outputTimeoutMs: request.outputTimeoutMs });
        }).pipe(
          map((output): CommandResult<R> => ({ kind: 'output', unit, request, output })),
          catchError((error: unknown) =>
            of<CommandResult<R>>({ kind: 'failed', unit, request, error: error as never }),
          ),
        );
      }),
    );
}
