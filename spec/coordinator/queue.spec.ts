import { TestScheduler } from 'rxjs/testing';
import { merge } from 'rxjs';
import { UnitLanes } from '../../src/coordinator/lanes';

describe('UnitLanes', () => {
  let scheduler: TestScheduler;
  beforeEach(() => (scheduler = new TestScheduler((a, e) => expect(a).toEqual(e))));

  it('runs work for the same unit one at a time, in the order it asked', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lanes = new UnitLanes();
      const a = cold('--a|');
      const b = cold('-b|');
      expectObservable(
        merge(
          lanes.run('u1', () => a),
          lanes.run('u1', () => b),
        ),
      ).toBe('--a-b|');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(b.subscriptions).toBe('---^-!');
    });
  });

  it('never makes different units wait for each other', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const lanes = new UnitLanes();
      expectObservable(
        merge(
          lanes.run('u1', () => cold('--a|')),
          lanes.run('u2', () => cold('-b|')),
        ),
      ).toBe('-ba|');
    });
  });

  it('frees the lane when the work errors', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const lanes = new UnitLanes();
      const failing = lanes.run('u1', () => cold('-#'));
      const next = lanes.run('u1', () => cold('-b|'));
      expectObservable(failing).toBe('-#');
      expectObservable(next, '^---').toBe('--b|');
    });
  });

  it('withdraws queued work that is unsubscribed before its turn, and frees the lane on unsubscribe', () => {
    const lanes = new UnitLanes();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('----a|');
      const b = cold('-b|');
      const c = cold('-c|');
      expectObservable(
        lanes.run('u1', () => a),
        '^-!',
      ).toBe('---');
      expectObservable(
        lanes.run('u1', () => b),
        '^!',
      ).toBe('--');
      expectObservable(lanes.run('u1', () => c)).toBe('---c|');
      expectSubscriptions(a.subscriptions).toBe('^-!');
      expectSubscriptions(b.subscriptions).toBe([]);
      expectSubscriptions(c.subscriptions).toBe('--^-!');
    });
    expect(lanes.size).toBe(0); // nothing left behind once all work is done
  });
});
