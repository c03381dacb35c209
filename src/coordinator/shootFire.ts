import { tap, type Observable } from 'rxjs';
import type { Sequence } from '../sequence/registers';
import type { Target } from '../transport/send';
import { completionRules } from './completionRules';
import { execCommand, type ExecDeps } from './exec';
import { sequenceSteps } from './runSequence';
import type { RunSequenceOptions, SequenceProgress, SequenceRunner } from './sequenceProgress';
import type { Unit } from './units';
import { eventsOf, type UnitStreamDeps } from './unitStreams';

/**
 * What firing a unit needs of its coordinator.
 * @internal
 */
export interface FireDeps {
  /** What sends one command (its transport is wrapped to see the hand-over). */
  readonly execDeps: ExecDeps;
  /** The coordinator's scheduler and completion rules. */
  readonly streams: UnitStreamDeps;
}

/**
 * Fires a unit whose sequence is loaded: sends `boardiocli runSeq` now, unqueued (the shot holds
 * the unit), and follows it to completion with the run steps of `runSequence` (`started`,
 * `completed`, or `failed` at `run`). `onSent` is called when the unit took the request (the
 * connection's hand-over is done).
 *
 * @internal
 * @category Coordinator
 * @param deps The coordinator's parts.
 * @param unit The resolved unit.
 * @param target The unit as the caller named it (the progress's `unit`).
 * @param sequence The sequence loaded (not sent again).
 * @param options Timeouts and completion rules.
 * @param onSent Called once `runSeq` was handed over.
 */
export function fireOn(
  deps: FireDeps,
  unit: Unit,
  target: Target,
  sequence: Sequence,
  options: RunSequenceOptions,
  onSent: () => void,
): Observable<SequenceProgress> {
  const { transport } = deps.execDeps;
  const exec = execCommand({
    ...deps.execDeps,
    transport: { ...transport, send: (to, request, o) => transport.send(to, request, o).pipe(tap(onSent)) },
  });
  const runner: SequenceRunner = {
    command: (_, command, o) => exec(unit, command, { outputTimeoutMs: o.timeoutMs }),
    eventsFrom: () => eventsOf(unit),
  };
  const completion = completionRules(
    deps.streams.completion,
    { loadTimeoutMs: options.stepTimeoutMs, runTimeoutMs: options.runTimeoutMs },
    options.completion,
  );
  return sequenceSteps(
    runner,
    target,
    sequence,
    { scheduler: deps.streams.scheduler, ...options, completion },
    'run',
  );
}
