import { TestScheduler } from 'rxjs/testing';
import { merge } from 'rxjs';
import { UnitLanes } from '../../src/operators/unitLanes';

describe('UnitLanes', () => {
  let scheduler: TestScheduler;
  beforeEach(() => (scheduler = new TestScheduler((a, e) => expect(a).toEqual(e))));

  it('runs work for the same unit one at a time, in the order it asked', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const queue = new UnitLanes({ concurrency: Infinity, minGapMs: 0, scheduler });
      const a = cold('--a|');
      const b = cold('-b|');
      expectObservable(
        merge(
          queue.run('u1', () => a),
          queue.run('u1', () => b),
        ),
      ).toBe('--a-b|');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(b.subscriptions).toBe('---^-!');
    });
  });

  it('never makes different units wait for each other', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const queue = new UnitLanes({ concurrency: Infinity, minGapMs: 0, scheduler });
      expectObservable(
        merge(
          queue.run('u1', () => cold('--a|')),
          queue.run('u2', () => cold('-b|')),
        ),
      ).toBe('-ba|');
    });
  });

  it('frees the lane when the work errors', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const queue = new UnitLanes({ concurrency: Infinity, minGapMs: 0, scheduler });
      const failing = queue.run('u1', () => cold('-#'));
      const next = queue.run('u1', () => cold('-b|'));
      expectObservable(failing).toBe('-#');
      expectObservable(next, '^---').toBe('--b|');
    });
  });

  it('withdraws queued work that is unsubscribed before its turn, and frees the lane on unsubscribe', () => {
    const queue = new UnitLanes({ concurrency: Infinity, minGapMs: 0, scheduler });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('----a|');
      const b = cold('-b|');
      const c = cold('-c|');
      expectObservable(
        queue.run('u1', () => a),
        '^-!',
      ).toBe('---');
      expectObservable(
        queue.run('u1', () => b),
        '^!',
      ).toBe('--');
      expectObservable(queue.run('u1', () => c)).toBe('---c|');
      expectSubscriptions(a.subscriptions).toBe('^-!');
      expectSubscriptions(b.subscriptions).toBe([]);
      expectSubscriptions(c.subscriptions).toBe('--^-!');
    });
  });

  it('caps the works in flight over all units with concurrency, oldest ready first', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const queue = new UnitLanes({ concurrency: 1, minGapMs: 0, scheduler });
      expectObservable(
        merge(
          queue.run('u1', () => cold('--a|')),
          queue.run('u2', () => cold('-b|')),
          queue.run('u3', () => cold('-c|')),
        ),
      ).toBe('--a-b-c|');
    });
  });

  it("leaves minGapMs between the end of a unit's work and the start of its next, not between units", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const queue = new UnitLanes({ concurrency: Infinity, minGapMs: 3, scheduler });
      expectObservable(
        merge(
          queue.run('u1', () => cold('-a|')),
          queue.run('u1', () => cold('-b|')),
          queue.run('u2', () => cold('-c|')),
        ),
      ).toBe('-(ac)-b|'); // a ends at 2, b starts at 2 + 3
    });
  });
});
