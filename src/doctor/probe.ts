import { filter, firstValueFrom, type Observable, type SchedulerLike, Subscription } from 'rxjs';
import type { Coordinator } from '../coordinator/types';
import { ASSUMPTIONS } from '../protocol/assumptions';
import type { Output } from '../protocol';
import type { Received } from '../protocol/inbound';
import type { CommandOutput } from '../protocol/tagged';
import { fromNode, ofType } from '../operators';
import type { Target } from '../transport';
import type { DoctorCheck, DoctorCheckId } from './types';

/**
 * What every check of one unit works with.
 * @internal
 */
export interface Probe {
  /** The doctor's coordinator. */
  readonly coordinator: Coordinator;
  /** The unit, as given. */
  readonly target: Target;
  /** The unit's address (resolved), which its events come from. */
  readonly address: string;
  /** Time allowed for each answer. */
  readonly timeoutMs: number;
  /** Where time comes from. */
  readonly scheduler: SchedulerLike;
  /** Aborted when the doctor is unsubscribed. */
  readonly signal: AbortSignal;
}

/**
 * What one command gave: its output or its error, every raw output (trailers on) the unit sent
 * while it was in flight, and how long it took.
 * @internal
 */
export interface Ran {
  readonly output?: CommandOutput;
  readonly error?: Error;
  readonly raw: ReadonlyArray<string>;
  readonly ms: number;
}

/**
 * Runs one command through the coordinator and records what came, never rejects (except when the
 * doctor is unsubscribed).
 * @internal
 * @param probe The unit.
 * @param command The shell command.
 * @param tagged Tagged (the default of the coordinator) or not.
 * @param enough Stops waiting for the command when a raw output satisfies it (e.g. one that came
 *   back cut: no trailer will follow).
 */
export function runOn(
  probe: Probe,
  command: string,
  tagged = true,
  enough?: (raw: string) => boolean,
): Promise<Ran> {
  const { coordinator, address, scheduler } = probe;
  const raw: string[] = [];
  const watch = coordinator.inbound$
    .pipe(
      filter((item): item is Received => 'type_' in item),
      fromNode<Received>(address),
      ofType('output'),
    )
    .subscribe((item: Received<Output>) => {
      raw.push(item.output);
      if (enough?.(item.output) === true) stopWaiting?.();
    });
  let stopWaiting: (() => void) | undefined;
  const started = scheduler.now();
  return new Promise<Ran>((resolve) => {
    const subscriptions = new Subscription();
    subscriptions.add(watch);
    let finished = false;
    const done = (ran: Omit<Ran, 'raw' | 'ms'>) => {
      if (finished) return;
      finished = true;
      const ms = scheduler.now() - started;
      probe.signal.removeEventListener('abort', stop);
      // the coordinator answers a command before its listener hands the same item to inbound$
      // subscribers: watch until that call has returned
      queueMicrotask(() => {
        subscriptions.unsubscribe();
        resolve({ ...ran, raw, ms });
      });
    };
    const stop = () => done({ error: new Error('stopped') });
    stopWaiting = () =>
      done({ error: new Error('stopped waiting: the output came back without its trailer') });
    probe.signal.addEventListener('abort', stop, { once: true });
    let output: CommandOutput | undefined;
    subscriptions.add(
      coordinator.command(probe.target, command, { outputTimeoutMs: probe.timeoutMs, tagged }).subscribe({
        next: (o) => (output = o),
        error: (e: unknown) => done({ error: e instanceof Error ? e : new Error(String(e)) }),
        complete: () => done(output === undefined ? { error: new Error('no output') } : { output }),
      }),
    );
  });
}

/**
 * The first value of an Observable, or its error, as a value; `undefined` when it completes empty.
 * @internal
 * @param source$ Any Observable.
 */
export async function settle<T>(source$: Observable<T>): Promise<{ value?: T; error?: Error }> {
  try {
    return { value: await firstValueFrom(source$) };
  } catch (e) {
    return { error: e instanceof Error ? e : new Error(String(e)) };
  }
}

/** What each check is and whether the library relies on it. */
const CHECKS: Record<DoctorCheckId, { title: string; relied: boolean }> = {
  heartbeat: { title: 'the unit takes a heartbeat', relied: true },
  'unit-info': { title: 'unit_info arrives', relied: true },
  trailer: { title: "a tagged command's trailer comes back", relied: true },
  'exit-status': { title: 'the trailer carries the exit status', relied: true },
  'stderr-merged': { title: 'stderr is merged into a tagged output', relied: true },
  'large-output': { title: 'a 64 KiB output comes back whole', relied: true },
  latency: { title: "a command's round trip", relied: true },
  boardiocli: { title: 'boardiocli is on the PATH', relied: true },
  clock: { title: "the unit's clock against ours", relied: false },
  sequence: { title: 'a harmless sequence loads, runs and completes', relied: true },
  'heartbeat-needed': { title: 'a command after a silence, with no heartbeat', relied: false },
};

/**
 * Makes a check's result, with its title, whether it is relied on and its assumptions.
 * @internal
 * @param id The check.
 * @param status What it found.
 * @param saw What it saw.
 * @param data Measurements and raw texts.
 */
export function checked(
  id: DoctorCheckId,
  status: DoctorCheck['status'],
  saw: string,
  data?: Readonly<Record<string, unknown>>,
): DoctorCheck {
  const assumptions = ASSUMPTIONS.filter((a) => a.check === id).map((a) => a.id);
  return { id, ...CHECKS[id], status, saw, assumptions, ...(data === undefined ? {} : { data }) };
}

/**
 * The message of an error, in one line.
 * @internal
 * @param error Any error.
 */
export function why(error: Error | undefined): string {
  return (error?.message ?? 'no answer').replace(/\s*\n\s*/g, ' | ');
}
