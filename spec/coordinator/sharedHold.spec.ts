import { Observable, Subject } from 'rxjs';
import { SharedHold } from '../../src/coordinator/sharedHold';

describe('SharedHold', () => {
  /** A stream that counts its subscriptions and teardowns. */
  const counted = () => {
    const values = new Subject<number>();
    const counts = { subscribed: 0, unsubscribed: 0 };
    const source = new Observable<number>((subscriber) => {
      counts.subscribed++;
      const inner = values.subscribe(subscriber);
      return () => {
        counts.unsubscribed++;
        inner.unsubscribe();
      };
    });
    return { values, counts, source };
  };
  const watcher = () => ({ error: jest.fn(), complete: jest.fn() });

  it('subscribes once for any number of holders, and unsubscribes after the last release', () => {
    const { counts, source } = counted();
    const hold = new SharedHold(source);
    const releases = Array.from({ length: 1000 }, () => hold.hold(watcher()));
    expect(counts).toEqual({ subscribed: 1, unsubscribed: 0 });
    expect(hold.size).toBe(1000);
    for (const release of releases.slice(1)) release();
    expect(counts.unsubscribed).toBe(0);
    releases[0]!();
    expect(counts).toEqual({ subscribed: 1, unsubscribed: 1 });
    // a new hold subscribes again
    hold.hold(watcher());
    expect(counts.subscribed).toBe(2);
  });

  it('a release is idempotent: a second call does not release someone else', () => {
    const { counts, source } = counted();
    const hold = new SharedHold(source);
    const first = hold.hold(watcher());
    hold.hold(watcher());
    first();
    first();
    expect(hold.size).toBe(1);
    expect(counts.unsubscribed).toBe(0);
  });

  it('tells every holder of an error once, and forgets them', () => {
    const { values, counts, source } = counted();
    const hold = new SharedHold(source);
    const watchers = [watcher(), watcher(), watcher()];
    const releases = watchers.map((w) => hold.hold(w));
    values.error(new Error('bind failed'));
    for (const w of watchers) {
      expect(w.error).toHaveBeenCalledTimes(1);
      expect(w.error).toHaveBeenCalledWith(new Error('bind failed'));
      expect(w.complete).not.toHaveBeenCalled();
    }
    expect(hold.size).toBe(0);
    for (const release of releases) release(); // releasing after the end is harmless
    expect(counts.subscribed).toBe(1);
  });

  it('tells holders of a completion', () => {
    const { values, source } = counted();
    const hold = new SharedHold(source);
    const w = watcher();
    hold.hold(w);
    values.complete();
    expect(w.complete).toHaveBeenCalledTimes(1);
    expect(hold.size).toBe(0);
  });

  it('a stream that errors at once errors the holder that started it, and the next hold tries again', () => {
    let attempts = 0;
    const hold = new SharedHold(
      new Observable<never>((subscriber) => {
        attempts++;
        subscriber.error(new Error(`attempt ${attempts}`));
      }),
    );
    const first = watcher();
    hold.hold(first);
    expect(first.error).toHaveBeenCalledWith(new Error('attempt 1'));
    const second = watcher();
    hold.hold(second);
    expect(second.error).toHaveBeenCalledWith(new Error('attempt 2'));
    expect(hold.size).toBe(0);
  });

  it('a holder that releases another inside its error handler breaks nothing', () => {
    const other = watcher();
    let releaseOther = () => {};
    const first = { error: jest.fn(() => releaseOther()), complete: jest.fn() };
    const { values, source } = counted();
    const live = new SharedHold(source);
    live.hold(first);
    releaseOther = live.hold(other);
    values.error(new Error('boom'));
    expect(first.error).toHaveBeenCalledTimes(1);
    expect(other.error).toHaveBeenCalledTimes(1);
    expect(live.size).toBe(0);
  });
});
