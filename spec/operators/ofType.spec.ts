import { Observable, type ObservedValueOf } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Output, PycomEvent, UnitInfo } from '../../src/protocol';
import type { Inbound, Received } from '../../src/protocol/inbound';
import { ofType } from '../../src/operators/ofType';
import { ADDRESS_A as A, message, output, received, rejected, unitA, unitInfo } from '../helpers/events';

/** `true` when A and B are the same type (checked by `tsc --noEmit`). */
type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

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

  describe('on the items of a listener', () => {
    const items: Record<string, Inbound> = {
      o: received(output(unitA, 'up 3 days'), A, 10),
      m: received(message(unitA, 'Sequence complete'), A, 20),
      i: received(unitInfo(unitA), A, 30),
      r: rejected('json', '{"type_":"output"', A, 40),
    };

    it('keeps the received events of the given types, with their remote and receivedAt, and never a rejected payload', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const items$ = hot<Inbound>('-o-r-m-i-r-|', items);
        expectObservable(items$.pipe(ofType('output', 'unit_info'))).toBe('-o-----i---|', items);
        expectObservable(items$.pipe(ofType('output', 'message', 'unit_info'))).toBe('-o---m-i---|', items);
      });
    });

    it('hands on the very items it keeps', () => {
      const kept: unknown[] = [];
      new Observable<Inbound>((s) => {
        s.next(items['r'] as Inbound);
        s.next(items['o'] as Inbound);
        s.complete();
      })
        .pipe(ofType('output'))
        .subscribe((o) => kept.push(o));
      expect(kept).toHaveLength(1);
      expect(kept[0]).toBe(items['o']);
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

  it('narrows a listener’s items to received events of the kept types, keeping remote and receivedAt', () => {
    const listen = (): Observable<Inbound> =>
      new Observable((s) => {
        s.next(rejected('json', '{', A, 1));
        s.next(received(unitInfo(unitA), A, 2));
        s.next(received(output(unitA, 'x'), A, 3));
        s.complete();
      });
    const seen: Array<[string, string, number]> = [];
    const infos$ = listen().pipe(ofType('unit_info'));
    infos$.subscribe((info) => seen.push([info.mac_address, info.remote.address, info.receivedAt]));
    expect(seen).toEqual([['dc:a6:32:1b:4e:f0', A, 2]]);

    // Checked by `tsc --noEmit`: the exact types, and what must NOT compile.
    const exact: Equals<ObservedValueOf<typeof infos$>, Received<UnitInfo>> = true;
    const both$ = listen().pipe(ofType('output', 'unit_info'));
    const union: Equals<ObservedValueOf<typeof both$>, Received<Output> | Received<UnitInfo>> = true;
    void [exact, union];
    both$.subscribe((e) => {
      // @ts-expect-error `mac_address` exists on unit_info events only: narrow by type_ first
      void e.mac_address;
      if (e.type_ === 'unit_info') void e.mac_address;
    });
    // @ts-expect-error rejected payloads have no type_: 'rejected' is not one
    void listen().pipe(ofType('rejected'));
  });
});
