import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { PycomEvent } from '../../src/protocol';
import { ofType } from '../../src/operators/ofType';
import { message, output, unitA, unitInfo } from './events';

describe('ofType', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const values: Record<string, PycomEvent> = {
    o: output(unitA, 'up 3 days'),
    m: message(unitA, 'Sequence complete'),
    i: unitInfo(unitA),
  };

  it('keeps only the events of the given type', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const events$ = hot<PycomEvent>('-o-m-i-o-|', values);
      expectObservable(events$.pipe(ofType('output'))).toBe('-o-----o-|', values);
      expectSubscriptions(events$.subscriptions).toBe('^--------!');
    });
  });

  it('keeps the events of any of several types, in their order', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events$ = cold<PycomEvent>('-o-m-i-o-|', values);
      expectObservable(events$.pipe(ofType('message', 'unit_info'))).toBe('---m-i---|', values);
    });
  });

  it('passes errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events$ = cold<PycomEvent>('-o-m-#', values);
      expectObservable(events$.pipe(ofType('message'))).toBe('---m-#', values);
    });
  });

  it('narrows the type, so the fields of the kept type need no cast', () => {
    const events$: Observable<PycomEvent> = new Observable((s) => {
      s.next(values['o'] as PycomEvent);
      s.next(values['i'] as PycomEvent);
      s.complete();
    });
    const macs: string[] = [];
    events$.pipe(ofType('unit_info')).subscribe((info) => macs.push(info.mac_address));
    expect(macs).toEqual(['dc:a6:32:1b:4e:f0']);

    // Checked by `tsc --noEmit`: these lines must NOT compile.
    events$.pipe(ofType('unit_info')).subscribe((info) => {
      // @ts-expect-error `output` does not exist on a unit_info event
      void info.output;
    });
    // @ts-expect-error 'heartbeat' is not a type_ of PycomEvent
    void events$.pipe(ofType('heartbeat'));
  });
});
