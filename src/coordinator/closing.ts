import { Observable, Subject, type OperatorFunction, type Subscriber } from 'rxjs';
import { CoordinatorClosedError } from './errors';

/**
 * What a coordinator's end tells: a function, or an object told through `onCoordinatorClose` (a
 * connected unit's: no closure of its own).
 *
 * @internal
 * @category Coordinator
 */
export type Closer = (() => void) | { onCoordinatorClose(): void };

/**
 * A coordinator's end: what each open call does when it closes. Per call, so a `Set` of closers
 * rather than subscribers of a Subject.
 *
 * @internal
 * @category Coordinator
 */
export class Closing {
  /** Emits once, then completes, when the coordinator closes. */
  readonly closed$ = new Subject<void>();
  private readonly closers = new Set<Closer>();
  private done = false;

  /** Whether the coordinator is closed. */
  get closed(): boolean {
    return this.done;
  }

  /**
   * Ends the stream with `end` when the coordinator is (or gets) closed.
   * @param end What to tell the subscriber.
   */
  onClose<T>(end: (subscriber: Subscriber<T>) => void): OperatorFunction<T, T> {
    return (source) =>
      new Observable<T>((subscriber) => {
        if (this.done) return end(subscriber);
        const closer = () => end(subscriber);
        this.closers.add(closer);
        const inner = source.subscribe(subscriber);
        return () => {
          this.closers.delete(closer);
          inner.unsubscribe();
        };
      });
  }

  /**
   * Tells `closer` when the coordinator closes, unless {@link Closing.forget} was called first.
   * @param closer What to tell.
   * @returns `false` (and nothing is kept) when the coordinator is closed already.
   */
  remember(closer: Closer): boolean {
    if (this.done) return false;
    this.closers.add(closer);
    return true;
  }

  /**
   * Forgets a closer of {@link Closing.remember}.
   * @param closer The closer.
   */
  forget(closer: Closer): void {
    this.closers.delete(closer);
  }

  /**
   * Errors with a {@link CoordinatorClosedError} when the coordinator is (or gets) closed.
   * @param what The call, for the message.
   */
  untilClosed<T>(what: () => string): OperatorFunction<T, T> {
    return this.onClose<T>((subscriber) => subscriber.error(new CoordinatorClosedError(what())));
  }

  /** Completes when the coordinator is (or gets) closed. */
  whileOpen<T>(): OperatorFunction<T, T> {
    return this.onClose<T>((subscriber) => subscriber.complete());
  }

  /** Closes: every open call first, then `closed$`. */
  close(): void {
    this.done = true;
    for (const closer of [...this.closers])
      if (typeof closer === 'function') closer();
      else closer.onCoordinatorClose();
    this.closers.clear();
    this.closed$.next();
    this.closed$.complete();
  }
}
