import { Observable, of, type Subscriber } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { Heartbeats, type HeartbeatPolicy } from '../../src/coordinator/heartbeats';
import type { Unit } from '../../src/coordinator/units';
import { testScheduler } from '../helpers/events';

// Issue 25: src/coordinator/heartbeats.ts on its own, in virtual time: when beats go out, the
// extra interval after a release ('while-needed'), the stop after it, and a beat skipped while
// the previous one is still in flight. No sockets: `send` is a stand-in that records each beat.

const INTERVAL = 5_000;

/** The record of the unit at `host`:5000, as the coordinator keeps it (no socket). */
const unitRecord = (host: string): Unit => ({
  key: `${host}:5000`,
  host,
  port: 5000,
  heartbeated: false,
  listeners: new Set(),
});

/**
 * Heartbeats on `ts` whose sends are recorded (`sent`: virtual times) and left open until
 * `deliver()` (or delivered at once with `instant`).
 */
function rig(ts: TestScheduler, policy: HeartbeatPolicy, { instant = true } = {}) {
  const sent: number[] = [];
  const open: Array<Subscriber<unknown>> = [];
  let listenerHolds = 0;
  const heartbeats = new Heartbeats({
    send: () =>
      new Observable<unknown>((subscriber) => {
        sent.push(ts.now());
        if (instant) {
          subscriber.next(true);
          subscriber.complete();
        } else open.push(subscriber);
      }),
    ready$: of(true),
    intervalMs: INTERVAL,
    scheduler: ts,
    policy,
    holdListener: () => {
      listenerHolds++;
      return new Observable<never>(() => () => listenerHolds--).subscribe();
    },
  });
  const deliver = () => {
    for (const s of open.splice(0)) {
      s.next(true);
      s.complete();
    }
  };
  return { heartbeats, sent, deliver, listenerHolds: () => listenerHolds };
}

describe('Heartbeats (virtual time)', () => {
  it("'while-needed': beats at once and every interval while held, once more after the release, then stops", () => {
    const ts = testScheduler();
    ts.run(() => {
      const { heartbeats, sent } = rig(ts, 'while-needed');
      const unit = unitRecord('10.25.0.1');
      const hold = heartbeats.hold(unit);
      ts.schedule(() => hold.unsubscribe(), 12_000);
      ts.schedule(() => undefined, 60_000);
      ts.flush();
      // held 0..12 s: beats at 0, 5, 10 s; released at 12 s: one more interval (to 17 s) covers
      // the beat at 15 s; nothing after it
      expect(sent).toEqual([0, 5_000, 10_000, 15_000]);
    });
  });

  it("'while-needed': a hold taken again within the extra interval keeps the same rhythm (no extra beat)", () => {
    const ts = testScheduler();
    ts.run(() => {
      const { heartbeats, sent } = rig(ts, 'while-needed');
      const unit = unitRecord('10.25.0.2');
      const first = heartbeats.hold(unit);
      ts.schedule(() => first.unsubscribe(), 2_000);
      let second = first;
      ts.schedule(() => (second = heartbeats.hold(unit)), 4_000);
      ts.schedule(() => second.unsubscribe(), 11_000);
      ts.schedule(() => undefined, 60_000);
      ts.flush();
      expect(sent).toEqual([0, 5_000, 10_000, 15_000]);
    });
  });

  it("'while-addressed': keeps beating after the last hold is released, until release(unit)", () => {
    const ts = testScheduler();
    ts.run(() => {
      const { heartbeats, sent, listenerHolds } = rig(ts, 'while-addressed');
      const unit = unitRecord('10.25.0.3');
      heartbeats.hold(unit).unsubscribe();
      let holdsWhileAddressed = -1;
      ts.schedule(() => {
        holdsWhileAddressed = listenerHolds();
        heartbeats.release(unit);
      }, 21_000);
      ts.schedule(() => undefined, 60_000);
      ts.flush();
      expect(sent).toEqual([0, 5_000, 10_000, 15_000, 20_000]);
      expect(holdsWhileAddressed).toBe(1);
      expect(listenerHolds()).toBe(0);
    });
  });

  it('skips a beat while the previous one is still in flight, and beats on the next tick after it ends', () => {
    const ts = testScheduler();
    ts.run(() => {
      const { heartbeats, sent, deliver } = rig(ts, 'while-needed', { instant: false });
      const unit = unitRecord('10.25.0.4');
      const outcomes: number[] = [];
      heartbeats.outcomes(unit).subscribe((o) => outcomes.push(o.at));
      const hold = heartbeats.hold(unit);
      // the beat sent at 0 hangs until 7 s: the one due at 5 s is skipped, the next goes at 10 s
      ts.schedule(() => deliver(), 7_000);
      ts.schedule(() => deliver(), 10_500);
      ts.schedule(() => hold.unsubscribe(), 12_000);
      ts.schedule(() => undefined, 60_000);
      ts.flush();
      expect(sent).toEqual([0, 10_000, 15_000]);
      expect(outcomes).toEqual([7_000, 10_500]);
    });
  });

  it('stopAll() ends every loop at once: no beat after it', () => {
    const ts = testScheduler();
    ts.run(() => {
      const { heartbeats, sent } = rig(ts, 'while-addressed');
      heartbeats.hold(unitRecord('10.25.0.5'));
      heartbeats.hold(unitRecord('10.25.0.6'));
      ts.schedule(() => heartbeats.stopAll(), 6_000);
      ts.schedule(() => undefined, 60_000);
      ts.flush();
      expect(sent).toEqual([0, 0, 5_000, 5_000]);
    });
  });
});
