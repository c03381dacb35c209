// A trustworthy command runner without the coordinator, from the public parts only
// (docs/pipeline.md, "A pipeline without the coordinator").
import {
  catchError,
  defer,
  filter,
  ignoreElements,
  merge,
  type Observable,
  of,
  share,
  Subject,
  take,
} from 'rxjs';
import { awaitOutput, fromNode, listen, ofType, queueByUnit, send, tagCommand } from 'pycom-rx';
import type { AwaitedOutput, Identity, PendingCommand } from 'pycom-rx';

export interface Job extends PendingCommand {
  readonly command: string;
}
export type JobInput = { readonly unit: string; readonly command: string; readonly timeoutMs?: number };
export type JobResult =
  AwaitedOutput<Job> | { readonly kind: 'failed'; readonly request: Job; readonly error: unknown };

/** Runs shell commands on units: one in flight per unit, units in parallel, each answer its own. */
export function commandRunner(me: Identity, timeoutMs = 10_000) {
  const inbound$ = listen({ host: me.ip, port: me.port }).pipe(share());
  const request$ = new Subject<Job>();
  const cancel$ = new Subject<Job>();
  const result$ = inbound$.pipe(awaitOutput(request$, { cancel$ }), share());
  const runOne = ({ unit, command, ...job }: JobInput): Observable<JobResult> => {
    const { text, nonce } = tagCommand(command);
    const request: Job = { unit, nonce, command, timeoutMs: job.timeoutMs ?? timeoutMs };
    const answer$ = result$.pipe(
      filter((r) => r.kind !== 'unmatched' && r.kind !== 'late' && r.request === request),
    );
    const sent$ = defer(
      () => (
        request$.next(request),
        send(unit, { ...me, type_: 'cmd', command: text }, { localAddress: me.ip })
      ),
    ).pipe(
      ignoreElements(),
      catchError(
        (error: unknown) => (cancel$.next(request), of({ kind: 'failed' as const, request, error })),
      ),
    );
    return merge(answer$, sent$).pipe(take(1)); // answer$ is subscribed first, then the request goes
  };
  return {
    run: (jobs$: Observable<JobInput>) => jobs$.pipe(queueByUnit((job) => job.unit, runOne)),
    strays$: result$.pipe(filter((r) => r.kind === 'unmatched' || r.kind === 'late')),
    messagesFrom: (unit: string) => inbound$.pipe(ofType('message'), fromNode(unit)),
  };
}
