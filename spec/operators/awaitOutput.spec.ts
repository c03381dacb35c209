import { Observable, of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { PycomEvent } from '../../src/protocol';
import {
  awaitOutput,
  OutputTimeoutError,
  type AwaitedOutput,
  type PendingCommand,
} from '../../src/operators/awaitOutput';
import { message, output, unitA, unitB, unitInfo } from './events';

type Req = PendingCommand & { readonly command: string };
type Result = AwaitedOutput<Req>;

const toA = (command: string, timeoutMs?: number): Req => ({ unit: 'aaaa0001', command, timeoutMs });
const toB = (command: string, timeoutMs?: number): Req => ({ unit: 'bbbb0002', command, timeoutMs });
const answered = (request: Req, out: ReturnType<typeof output>): Result => ({
  kind: 'output',
  request,
  output: out,
});
const timedOut = (request: Req, ms: number): Result => ({
  kind: 'timeout',
  request,
  error: new OutputTimeoutError(request.unit, ms, request),
});
const ended = (request: Req, ms: number): Result => ({
  kind: 'timeout',
  request,
  error: new OutputTimeoutError(
    request.unit,
    ms,
    request,
    `no output from unit "${request.unit}": the events ended before it came`,
  ),
});

/** Jest compares errors by message only: spell out the fields of a timeout error so they are compared too. */
function plain(value: unknown): unknown {
  if (value instanceof OutputTimeoutError) {
    const { name, message, unit, timeoutMs, request } = value;
    return { OutputTimeoutError: { name, message, unit, timeoutMs, request } };
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

describe('awaitOutput', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(plain(actual)).toEqual(plain(expected)));
  });

  const a = toA('uptime');
  const b = toA('hostname');
  const c = toB('uptime');
  const x = output(unitA, 'up 3 days');
  const y = output(unitA, 'la4-a');
  const z = output(unitB, 'up 1 day');

  it('pairs an output with the command sent to its unit', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('-a------', { a });
      const events$ = hot<PycomEvent>('---x----', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('---P', { P: answered(a, x) });
    });
  });

  it('pairs each output with the oldest unanswered command of that unit', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('-ab------', { a, b });
      const events$ = hot<PycomEvent>('----x-y--', { x, y });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('----P-Q', {
        P: answered(a, x),
        Q: answered(b, y),
      });
    });
  });

  it('keeps units independent: an output only answers a command of its own unit', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('-ac------', { a, c });
      const events$ = hot<PycomEvent>('----z-x--', { x, z });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('----Q-P', {
        P: answered(a, x),
        Q: answered(c, z),
      });
    });
  });

  it('stops waiting, silently, for a command cancelled because it never left', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('-ab------', { a, b });
      const cancel$ = hot<Req>('---a-----', { a });
      const events$ = hot<PycomEvent>('-----x---', { x });
      expectObservable(events$.pipe(awaitOutput(request$, { cancel$ }))).toBe('-----Q', {
        Q: answered(b, x),
      });
    });
  });

  it('gives the same pairs when candidates narrows the search to the units an output can be from', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const byIp: Req = { unit: '192.168.0.21', command: 'uname' };
      const request$ = hot<Req>('-acd------', { a, c, d: byIp });
      const events$ = hot<PycomEvent>('-----z-x-y', { x, y, z });
      const candidates = (o: { id: string; ip: string }) => [o.id, o.ip];
      expectObservable(events$.pipe(awaitOutput(request$, { candidates }))).toBe('-----Q-P-R', {
        Q: answered(c, z),
        P: answered(a, x),
        R: answered(byIp, y), // the oldest of unit A's waiting commands, whichever name it was given
      });
    });
  });

  it('accepts a unit named by its IP address', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const byIp: Req = { unit: '192.168.0.21', command: 'uptime' };
      const request$ = hot<Req>('-a---', { a: byIp });
      const events$ = hot<PycomEvent>('---x-', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('---P', { P: answered(byIp, x) });
    });
  });

  it('matches units with a custom isFrom', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const byName: Req = { unit: 'la4-b', command: 'uptime' };
      const request$ = hot<Req>('-a-----', { a: byName });
      const events$ = hot<PycomEvent>('---x-z-', { x, z });
      const isFrom = (unit: string, e: { name: string }) => e.name === unit;
      expectObservable(events$.pipe(awaitOutput(request$, { isFrom }))).toBe('---U-P', {
        U: { kind: 'unmatched', output: x },
        P: answered(byName, z),
      });
    });
  });

  it('reports a timeout as a value and goes on', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const slow = toA('sleep 60', 5);
      const request$ = hot<Req>('-a-------c--', { a: slow, c });
      const events$ = hot<PycomEvent>('-----------z', { z });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('------T----Q', {
        T: timedOut(slow, 5),
        Q: answered(c, z),
      });
    });
  });

  it('waits 10 s by default, or the timeout of the options, or the one of the request', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const events$ = hot<PycomEvent>('');
      expectObservable(events$.pipe(awaitOutput(hot<Req>('a', { a })))).toBe('10000ms T', {
        T: timedOut(a, 10000),
      });
      const opts = { timeoutMs: 300 };
      expectObservable(events$.pipe(awaitOutput(hot<Req>('b', { b }), opts))).toBe('300ms T', {
        T: timedOut(b, 300),
      });
      const own = toA('ls', 50);
      expectObservable(events$.pipe(awaitOutput(hot<Req>('c', { c: own }), opts))).toBe('50ms T', {
        T: timedOut(own, 50),
      });
    });
  });

  it('waits forever when the timeout is Infinity', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const patient = toA('sleep 3600', Infinity);
      const request$ = hot<Req>('a', { a: patient });
      const events$ = hot<PycomEvent>('100000ms x', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('100000ms P', { P: answered(patient, x) });
    });
  });

  it('gives a late output to the oldest request still waiting for that unit', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const slow = toA('sleep 60', 1);
      const request$ = hot<Req>('-a-b---', { a: slow, b });
      const events$ = hot<PycomEvent>('-----x-', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('--T--P', {
        T: timedOut(slow, 1),
        P: answered(b, x),
      });
    });
  });

  it('emits a late output as unmatched when no request waits', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const slow = toA('sleep 60', 1);
      const request$ = hot<Req>('-a-----', { a: slow });
      const events$ = hot<PycomEvent>('-----x-', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('--T--U', {
        T: timedOut(slow, 1),
        U: { kind: 'unmatched', output: x },
      });
    });
  });

  it('emits outputs nobody waits for as unmatched and ignores other events', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('------a--', { a });
      const events$ = hot<PycomEvent>('-m-x-i--y', { m: message(unitA, 'hi'), i: unitInfo(unitA), x, y });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('---U----P', {
        U: { kind: 'unmatched', output: x },
        P: answered(a, y),
      });
    });
  });

  it('subscribes to the requests before the events, so an immediate output is not missed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const request$ = cold<Req>('a', { a });
      const events$ = cold<PycomEvent>('x', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('P', { P: answered(a, x) });
      expectSubscriptions(request$.subscriptions).toBe('^');
    });
    const results: Result[] = [];
    of<PycomEvent>(x)
      .pipe(awaitOutput(of(a)))
      .subscribe((r) => results.push(r));
    expect(results).toEqual([answered(a, x)]);
  });

  it('completes with the events, first reporting every waiting request as timed out, oldest first', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const request$ = hot<Req>('-ac-b--', { a, b, c });
      const events$ = hot<PycomEvent>('---x-|', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('---P-(ST|)', {
        P: answered(a, x),
        S: ended(c, 10000),
        T: ended(b, 10000),
      });
      expectSubscriptions(request$.subscriptions).toBe('^----!');
    });
  });

  it('completes at once with the events when nothing waits', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('-a-----', { a });
      const events$ = hot<PycomEvent>('---x-|', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('---P-|', { P: answered(a, x) });
    });
  });

  it('does not complete when only the requests complete', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('-a|-----', { a });
      const events$ = hot<PycomEvent>('-----x-y', { x, y });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('-----P-U', {
        P: answered(a, x),
        U: { kind: 'unmatched', output: y },
      });
    });
  });

  it('propagates an error of the events and stops listening to the requests', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const request$ = hot<Req>('-a-----', { a });
      const events$ = hot<PycomEvent>('---#', undefined, new Error('socket closed'));
      expectObservable(events$.pipe(awaitOutput(request$))).toBe(
        '---#',
        undefined,
        new Error('socket closed'),
      );
      expectSubscriptions(request$.subscriptions).toBe('^--!');
    });
  });

  it('propagates an error of the requests and stops listening to the events', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const request$ = hot<Req>('-a-#', { a });
      const events$ = hot<PycomEvent>('-----x', { x });
      expectObservable(events$.pipe(awaitOutput(request$))).toBe('---#');
      expectSubscriptions(events$.subscriptions).toBe('^--!');
    });
  });

  it('propagates an error thrown by isFrom', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const request$ = hot<Req>('-a----', { a });
      const events$ = hot<PycomEvent>('---x--', { x });
      const isFrom = () => {
        throw new Error('bad matcher');
      };
      expectObservable(events$.pipe(awaitOutput(request$, { isFrom }))).toBe(
        '---#',
        undefined,
        new Error('bad matcher'),
      );
    });
  });

  it('unsubscribes from both inputs when the result is unsubscribed', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const request$ = hot<Req>('-a-----', { a: toA('sleep 1', 3) });
      const events$ = hot<PycomEvent>('------x', { x });
      expectObservable(events$.pipe(awaitOutput(request$)), '--!').toBe('');
      expectSubscriptions(request$.subscriptions).toBe('^-!');
      expectSubscriptions(events$.subscriptions).toBe('^-!');
    });
  });

  describe('timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('clears the timer of an answered request', () => {
      const request$ = new Subject<Req>();
      const events$ = new Subject<PycomEvent>();
      const sub = events$.pipe(awaitOutput(request$)).subscribe();
      request$.next(a);
      expect(jest.getTimerCount()).toBe(1);
      events$.next(x);
      expect(jest.getTimerCount()).toBe(0);
      sub.unsubscribe();
    });

    it('clears every timer on unsubscribe', () => {
      const request$ = new Subject<Req>();
      const results: Result[] = [];
      const sub = new Observable<PycomEvent>().pipe(awaitOutput(request$)).subscribe((r) => results.push(r));
      request$.next(a);
      request$.next(c);
      expect(jest.getTimerCount()).toBe(2);
      sub.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(20_000);
      expect(results).toEqual([]);
    });
  });
});

describe('OutputTimeoutError', () => {
  it('is an Error that names the unit, the time allowed and the request', () => {
    const request = toA('uptime');
    const error = new OutputTimeoutError('aaaa0001', 5000, request);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(OutputTimeoutError);
    expect(error.name).toBe('OutputTimeoutError');
    expect(error.message).toBe('no output from unit "aaaa0001" within 5000 ms');
    expect([error.unit, error.timeoutMs, error.request]).toEqual(['aaaa0001', 5000, request]);
  });
});
