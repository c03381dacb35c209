import { TestScheduler } from 'rxjs/testing';
import type { PycomEvent } from '../../src/protocol';
import { fromNode, isFromUnit } from '../../src/operators/fromNode';
import { message, output, unitA, unitB } from './events';

describe('isFromUnit', () => {
  it('recognises a unit by its id', () => {
    expect(isFromUnit('aaaa0001', output(unitA, 'x'))).toBe(true);
  });

  it('recognises a unit by its IP address', () => {
    expect(isFromUnit('192.168.0.21', output(unitA, 'x'))).toBe(true);
  });

  it('rejects the events of other units, and names that are neither id nor address', () => {
    expect(isFromUnit('aaaa0001', output(unitB, 'x'))).toBe(false);
    expect(isFromUnit('la4-a', output(unitA, 'x'))).toBe(false);
  });
});

describe('fromNode', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const values: Record<string, PycomEvent> = {
    a: output(unitA, 'a'),
    b: output(unitB, 'b'),
    m: message(unitA, 'BOARDIO_READY'),
    n: message(unitB, 'BOARDIO_READY'),
  };

  it('keeps the events of one unit, given its id', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const events$ = hot<PycomEvent>('-a-b-m-n-|', values);
      expectObservable(events$.pipe(fromNode('aaaa0001'))).toBe('-a---m---|', values);
    });
  });

  it('keeps the events of one unit, given its address', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const events$ = hot<PycomEvent>('-a-b-m-n-|', values);
      expectObservable(events$.pipe(fromNode('192.168.0.22'))).toBe('---b---n-|', values);
    });
  });

  it('passes errors through and unsubscribes from the source with the result', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const events$ = hot<PycomEvent>('-a-b-#', values);
      expectObservable(events$.pipe(fromNode('aaaa0001'))).toBe('-a---#', values);
      expectSubscriptions(events$.subscriptions).toBe('^----!');
    });
  });
});
