import { TestScheduler } from 'rxjs/testing';
import { map } from 'rxjs';
import type { PycomEvent } from '../../src';
import type { HeartbeatOutcome } from '../../src/coordinator/heartbeats';
import { presence } from '../../src/coordinator/presence';

// presence() in virtual time: what the network says about a unit, turned into states.
const refused = Object.assign(new Error('connect ECONNREFUSED'), { reason: 'refused' });
const timedOut = Object.assign(new Error('not connected within 3000 ms'), { reason: 'timeout' });
const unitEvent = { id: '81639cd4', type_: 'message', message: 'hi' } as unknown as PycomEvent;

describe('presence', () => {
  let scheduler: TestScheduler;
  beforeEach(() => (scheduler = new TestScheduler((a, e) => expect(a).toEqual(e))));

  it('is pending at once, connected when a heartbeat is delivered, though the unit never sends an event', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const p$ = presence({
        unit: '127.5.0.2',
        outcomes$: cold<HeartbeatOutcome>('--d', { d: { kind: 'delivered', at: 2 } }),
        events$: cold('-'),
        intervalMs: 5,
        lostAfterMs: 15,
        scheduler,
      }).pipe(map((p) => p.state));
      expectObservable(p$, '^ 10ms !').toBe('p-c', { p: 'pending', c: 'connected' });
    });
  });

  it('is connected when an event comes from the unit, and carries its id', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const p$ = presence({
        unit: '127.5.0.2',
        outcomes$: cold<HeartbeatOutcome>('-'),
        events$: cold('---e', { e: unitEvent }),
        intervalMs: 5,
        lostAfterMs: 15,
        scheduler,
      });
      expectObservable(p$, '^ 10ms !').toBe('p--c', {
        p: { unit: '127.5.0.2', state: 'pending', at: 0 },
        c: { unit: '127.5.0.2', state: 'connected', at: 3, id: '81639cd4' },
      });
    });
  });

  it('turns lost at once when a heartbeat is refused, and connected again when one is delivered', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const p$ = presence({
        unit: '127.5.0.2',
        outcomes$: cold<HeartbeatOutcome>('-d-r-d', {
          d: { kind: 'delivered', at: 0 },
          r: { kind: 'failed', at: 0, error: refused },
        }),
        events$: cold('-'),
        intervalMs: 5,
        lostAfterMs: 100,
        scheduler,
      }).pipe(map((p) => `${p.state}${p.message === undefined ? '' : ` (${p.message})`}`));
      expectObservable(p$, '^ 20ms !').toBe('pc-l-c', {
        p: 'pending',
        c: 'connected',
        l: 'lost (refused: connect ECONNREFUSED)',
      });
    });
  });

  it('turns lost after lostAfterMs of failed heartbeats (not refused), with the last error as message', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const p$ = presence({
        unit: '127.5.0.2',
        outcomes$: cold<HeartbeatOutcome>('d-t-t-t-t-t-t', {
          d: { kind: 'delivered', at: 0 },
          t: { kind: 'failed', at: 0, error: timedOut },
        }),
        events$: cold('-'),
        intervalMs: 2,
        lostAfterMs: 10,
        scheduler,
      }).pipe(map((p) => `${p.state}${p.message === undefined ? '' : ` (${p.message})`}`));
      // delivered at 0; lost checked every 2 ms from 10 ms on: lost at 10
      expectObservable(p$, '^ 30ms !').toBe('(pc) 6ms l', {
        p: 'pending',
        c: 'connected',
        l: 'lost (not connected within 3000 ms)',
      });
    });
  });

  it('turns lost when nothing at all is heard for lostAfterMs', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const p$ = presence({
        unit: '127.5.0.2',
        outcomes$: cold<HeartbeatOutcome>('-'),
        events$: cold('-'),
        intervalMs: 2,
        lostAfterMs: 10,
        scheduler,
      });
      expectObservable(p$, '^ 30ms !').toBe('p 9ms l', {
        p: { unit: '127.5.0.2', state: 'pending', at: 0 },
        l: { unit: '127.5.0.2', state: 'lost', at: 10, message: 'nothing heard for 10 ms' },
      });
    });
  });
});
