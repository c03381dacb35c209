import type { Observable, Subscription } from 'rxjs';

/**
 * Who holds a {@link SharedHold}: told when the held stream errors or completes.
 *
 * @internal
 * @category Coordinator
 */
export interface HoldWatcher {
  /** The held stream errored. */
  readonly error: (error: unknown) => void;
  /** The held stream completed. */
  readonly complete: () => void;
}

/**
 * One subscription to a stream, kept while anyone holds it: a reference count and a `Set` of
 * watchers instead of one subscriber per holder. Taking and releasing a hold costs O(1) however
 * many holders there are, where a shared `Subject` would copy its list of subscribers after
 * every subscribe and unsubscribe and call each of them on every value (the coordinator holds its
 * listener once per connected unit and once per command in flight).
 *
 * @internal
 * @category Coordinator
 */
export class SharedHold {
  private readonly watchers = new Set<HoldWatcher>();
  private subscription: Subscription | undefined;

  /** @param source The stream to keep subscribed while held; its values are ignored here. */
  constructor(private readonly source: Observable<unknown>) {}

  /** How many hold it. */
  get size(): number {
    return this.watchers.size;
  }

  /**
   * Holds the stream (subscribing it if nobody did) until the returned function is called.
   * @param watcher Told once if the stream errors or completes meanwhile.
   * @returns Releases this hold; the last release unsubscribes the stream. Idempotent.
   */
  hold(watcher: HoldWatcher): () => void {
    const own = { error: watcher.error, complete: watcher.complete };
    this.watchers.add(own);
    if (this.subscription === undefined && this.watchers.size === 1) this.start();
    return () => {
      if (!this.watchers.delete(own) || this.watchers.size > 0) return;
      const subscription = this.subscription;
      this.subscription = undefined;
      subscription?.unsubscribe();
    };
  }

  private start(): void {
    let ended = false;
    const end = (notify: (watcher: HoldWatcher) => void) => {
      ended = true;
      this.subscription = undefined;
      const watchers = [...this.watchers];
      this.watchers.clear();
      for (const watcher of watchers) notify(watcher);
    };
    const subscription = this.source.subscribe({
      error: (error: unknown) => end((w) => w.error(error)),
      complete: () => end((w) => w.complete()),
    });
    if (!ended) this.subscription = subscription;
  }
}
