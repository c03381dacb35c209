import { Observable, Subscription, timer } from 'rxjs';
import type { Sequence } from '../sequence/registers';
import type { Target } from '../transport/send';
import { hostOf } from './callOptions';
import type { CoordinatorListener } from './listener';
import { messageOf, reasonOf, type RunSequenceOptions, type SequenceProgress } from './sequenceProgress';
import { ShootBook } from './shootBook';
import { fireOn, type FireDeps } from './shootFire';
import { checkShoot, sequenceFor, SHOOT_DEFAULTS } from './shootOptions';
import type { ShootEvent, ShootFailureReason, ShootOptions, ShotSequence } from './shootTypes';
import type { Presence } from './types';
import type { Unit } from './units';

/**
 * What a shot needs of its coordinator: its parts and three of its calls.
 * @internal
 */
export interface ShootDeps {
  /** The coordinator's parts (scheduler, listener, what sends a command). */
  readonly parts: FireDeps & { readonly listener: CoordinatorListener };
  /** Holds a unit (heartbeated) and tells its presence: `coordinator.connect`. */
  readonly connect: (target: Target) => Observable<Presence>;
  /** Uploads and loads, queued: `coordinator.runSequence`. */
  readonly load: (target: Target, sequence: Sequence, o: RunSequenceOptions) => Observable<SequenceProgress>;
  /** Resolves a target, then does `work` on its unit until the coordinator closes. */
  readonly on: <T>(target: Target, what: string, work: (unit: Unit) => Observable<T>) => Observable<T>;
}

/**
 * Makes a coordinator's `shoot` (see {@link Coordinator.shoot}): phase 1 loads everywhere (no
 * unit fired unless every unit confirmed its load), phase 2 fires every unit in the same tick and
 * follows each to completion.
 *
 * @internal
 * @category Coordinator
 * @param deps The coordinator's parts and calls.
 */
export function shooter(deps: ShootDeps) {
  const { scheduler } = deps.parts.streams;
  return (units: ReadonlyArray<Target>, sequence: ShotSequence, options: ShootOptions = {}) => {
    checkShoot(units, sequence, options);
    const noFire = options.dryRun === true || options.standalone === true;
    const loadDeadlineMs = options.loadDeadlineMs ?? SHOOT_DEFAULTS.loadDeadlineMs;
    const runOptions: RunSequenceOptions = {
      ...(options.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: options.stepTimeoutMs }),
      ...(options.runTimeoutMs === undefined ? {} : { runTimeoutMs: options.runTimeoutMs }),
      ...(options.completion === undefined ? {} : { completion: options.completion }),
    };
    const fire = (target: Target, seq: Sequence, onSent: () => void) =>
      deps.on(target, 'shoot', (unit) =>
        deps.parts.listener.holding(fireOn(deps.parts, unit, target, seq, runOptions, onSent)),
      );

    return new Observable<ShootEvent>((subscriber) => {
      const hosts = units.map(hostOf);
      const book = new ShootBook(
        hosts,
        () => scheduler.now(),
        (e) => subscriber.next(e),
      );
      const sequences = new Map<string, Sequence>();
      const all = new Subscription();
      const loads = new Subscription();
      const runs = new Map<string, Subscription>();
      all.add(loads);
      let phase: 'load' | 'fire' | 'end' = 'load';

      const finish = () => {
        if (phase === 'load' || !book.every('completed', 'failed', 'not-fired')) return;
        phase = 'end';
        subscriber.next(book.summary(noFire));
        subscriber.complete();
      };
      /** Phase 1 is over without a fire: every unit not failed is `not-fired`. */
      const stop = (message: string) => {
        phase = 'fire';
        loads.unsubscribe();
        for (const h of hosts) book.set(h, 'not-fired', { message });
        finish();
      };
      const failed = (
        h: string,
        reason: ShootFailureReason,
        message: string,
        progress?: SequenceProgress,
      ) => {
        if (book.settled(h)) return;
        book.set(h, 'failed', { reason, message, ...(progress === undefined ? {} : { progress }) });
        runs.get(h)?.unsubscribe(); // a lost unit is reported, never followed (nor fired) again
        if (phase === 'load') stop(`not fired: ${h} failed to load (${reason})`);
        else finish();
      };
      /** An error of a unit's stream: a failure of that unit, or (closed coordinator) the shot's. */
      const onError = (h: string) => (e: unknown) => {
        const reason = reasonOf(e);
        if (reason === undefined) subscriber.error(e);
        else failed(h, reason, messageOf(e));
      };

      const fireAll = () => {
        phase = 'fire';
        loads.unsubscribe(); // the loads are over (and the deadline with them)
        if (noFire) {
          const why = options.standalone === true ? 'standalone' : 'dry run';
          for (const h of hosts) book.set(h, 'not-fired', { message: `${why}: loaded, not fired` });
          return finish();
        }
        // every send starts in this tick: no await between the units
        units.forEach((target, i) => {
          const h = hosts[i] as string;
          const run = fire(target, sequences.get(h) as Sequence, () => book.set(h, 'fired')).subscribe({
            next: (p) => {
              if (p.step === 'completed') book.set(h, 'completed', { progress: p });
              if (p.step === 'failed') failed(h, p.reason, p.message, p);
              finish();
            },
            error: onError(h),
          });
          runs.set(h, run);
          all.add(run);
        });
      };

      for (const h of hosts) book.set(h, 'loading');
      units.forEach((target, i) => {
        const h = hosts[i] as string;
        if (phase !== 'load') return;
        all.add(
          deps.connect(target).subscribe({
            next: (p) => p.state === 'lost' && failed(h, 'lost', p.message ?? 'lost'),
            error: onError(h),
          }),
        );
        let seq: Sequence;
        try {
          seq = sequenceFor(sequence, h);
        } catch (e) {
          return failed(h, 'invalid', messageOf(e));
        }
        sequences.set(h, seq);
        loads.add(
          deps
            .load(target, seq, { ...runOptions, standalone: options.standalone ?? false, run: false })
            .subscribe({
              next: (p) => {
                if (p.step === 'failed') return failed(h, p.reason, p.message, p);
                if (p.step !== 'loaded' || phase !== 'load') return;
                book.set(h, 'ready', { progress: p });
                if (book.every('ready')) fireAll();
              },
              error: onError(h),
            }),
        );
      });
      loads.add(
        timer(loadDeadlineMs, scheduler).subscribe(() => {
          const late = hosts.filter((h) => book.state(h) === 'loading');
          for (const h of late)
            book.set(h, 'failed', { reason: 'deadline', message: `not loaded within ${loadDeadlineMs} ms` });
          stop(`not fired: ${late.join(', ')} not loaded within ${loadDeadlineMs} ms`);
        }),
      );
      return all;
    });
  };
}
