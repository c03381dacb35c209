import type { Observable, Subscription, Unsubscribable } from 'rxjs';

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
  /** Holds without a watcher ({@link SharedHold.retain}). */
  private retained = 0;
  /** Counts the ends of the stream: a hold retained before an end is over with it. */
  private generation = 0;
  private subscription: Subscription | undefined;

  /** @param source The stream to keep subscribed while held; its values are ignored here. */
  constructor(private readonly source: Observable<unknown>) {}

  /** How many hold it. */
  get size(): number {
    return this.watchers.size + this.retained;
  }

  /**
   * Holds the stream (subscribing it if nobody did) until the returned function is called.
   * @param watcher Told once if the stream errors or completes meanwhile.
   * @returns Releases this hold; the last release unsubscribes the stream. Idempotent.
   */
  hold(watcher: HoldWatcher): () => void {
    const own = { error: watcher.error, complete: watcher.complete };
    this.add(own);
    return () => this.remove(own);
  }

  /**
   * Holds the stream for `watcher` itself, as {@link SharedHold.hold} does, without a function to
   * release it: {@link SharedHold.remove} does (an object kept per connected unit costs no closure).
   * @param watcher Told once if the stream errors or completes meanwhile (then the hold is over);
   *   it must not hold this stream twice at once.
   */
  add(watcher: HoldWatcher): void {
    this.watchers.add(watcher);
    if (this.subscription === undefined && this.size === 1) this.start();
  }

  /**
   * Releases the hold of `watcher` (nothing if it holds nothing); the last release unsubscribes
   * the stream.
   * @param watcher What {@link SharedHold.add} was given.
   */
  remove(watcher: HoldWatcher): void {
    if (this.watchers.delete(watcher)) this.released();
  }

  /**
   * Holds the stream without being told of its end (the hold is then over), until the returned
   * hold is unsubscribed (idempotent).
   */
  retain(): Unsubscribable {
    this.retained++;
    if (this.subscription === undefined && this.size === 1) this.start();
    return new RetainedHold(this, this.generation);
  }

  /**
   * Gives back a hold of {@link SharedHold.retain} taken in `generation` (nothing if the stream
   * ended since).
   * @internal
   */
  unretain(generation: number): void {
    if (generation !== this.generation) return;
    this.retained--;
    this.released();
  }

  private released(): void {
    if (this.size > 0) return;
    const subscription = this.subscription;
    this.subscription = undefined;
    subscription?.unsubscribe();
  }

  private start(): void {
    let ended = false;
    const end = (notify: (watcher: HoldWatcher) => void) => {
      ended = true;
      this.subscription = undefined;
      this.retained = 0;
      this.generation++;
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

/** A hold of {@link SharedHold.retain}. */
class RetainedHold implements Unsubscribable {
  private done = false;

  constructor(
    private readonly shared: SharedHold,
    private readonly generation: number,
  ) {}

  unsubscribe(): void {
    if (this.done) return;
    this.done = true;
    this.shared.unretain(this.generation);
  }
}
