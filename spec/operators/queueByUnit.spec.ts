import { catchError, Observable, of, Subject, VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import { queueByUnit } from '../../src/operators/queueByUnit';
import { OptionError } from '../../src/validation/checkOptions';

interface Item {
  readonly unit: string;
  readonly v: string;
}

const unitOf = (item: Item) => item.unit;
const items: Record<string, Item> = {
  a: { unit: 'X', v: 'a' },
  b: { unit: 'X', v: 'b' },
  c: { unit: 'Y', v: 'c' },
  d: { unit: 'Z', v: 'd' },
  e: { unit: 'X', v: 'e' },
};

describe('queueByUnit', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A project that runs, for each item, the inner observable of the same letter. */
  const by = (inners: Record<string, ColdObservable<string>>) => (item: Item) =>
    inners[item.v] as Observable<string>;

  it('runs the items of one unit one at a time, in arrival order', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-abe---------|', items);
      const inners = { a: cold('----A|'), b: cold('-B|'), e: cold('-E|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners)))).toBe('-----A-B-E---|');
      expectSubscriptions(inners.a.subscriptions).toBe('-^----!');
      expectSubscriptions(inners.b.subscriptions).toBe('------^-!');
      expectSubscriptions(inners.e.subscriptions).toBe('--------^-!');
    });
  });

  it('starts the next item of a unit once the previous one failed, when project catches the error', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-ab-----|', items);
      const inners = { a: cold('--#'), b: cold('-B|') };
      const safe = (item: Item) => by(inners)(item).pipe(catchError(() => of('F')));
      expectObservable(source.pipe(queueByUnit(unitOf, safe))).toBe('---FB---|');
      expectSubscriptions(inners.b.subscriptions).toBe('---^-!');
    });
  });

  it('runs different units in parallel', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-ac----|', items);
      const inners = { a: cold('--A|'), c: cold('--C|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners)))).toBe('---AC--|');
      expectSubscriptions(inners.a.subscriptions).toBe('-^--!');
      expectSubscriptions(inners.c.subscriptions).toBe('--^--!');
    });
  });

  it('runs at most `concurrency` projects at once', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-acd-------|', items);
      const inners = { a: cold('---A|'), c: cold('---C|'), d: cold('---D|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { concurrency: 2 }))).toBe('----AC--D--|');
      expectSubscriptions(inners.d.subscriptions).toBe('-----^---!');
    });
  });

  it('gives a free slot to the unit that has been ready the longest', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      // b (unit X) arrives before c (unit Y), but X is busy with a until frame 5; Y is ready since 3.
      const source = hot<Item>('-abc------------|', items);
      const inners = { a: cold('---A|'), b: cold('---B|'), c: cold('---C|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { concurrency: 1 }))).toBe(
        '----A---C---B---|',
      );
      expectSubscriptions(inners.c.subscriptions).toBe('-----^---!');
      expectSubscriptions(inners.b.subscriptions).toBe('---------^---!');
    });
  });

  it('waits minGapMs between two items of the same unit, without holding a slot', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-ab--c-------|', items);
      const inners = { a: cold('--A|'), b: cold('--B|'), c: cold('--C|') };
      const options = { concurrency: 1, minGapMs: 5 };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners), options))).toBe('---A---C---B-|');
      expectSubscriptions(inners.c.subscriptions).toBe('-----^--!');
      expectSubscriptions(inners.b.subscriptions).toBe('---------^--!');
    });
  });

  it('applies minGapMs to an item that arrives during the gap, and not to one after it', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      // a ends at 4, so X may start again at 9: b (arriving at 6) waits; b ends at 12, e comes at 18.
      const source = hot<Item>('-a----b-----------e-|', items);
      const inners = { a: cold('--A|'), b: cold('--B|'), e: cold('--E|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { minGapMs: 5 }))).toBe(
        '---A-------B--------E|',
      );
      expectSubscriptions(inners.b.subscriptions).toBe('---------^--!');
      expectSubscriptions(inners.e.subscriptions).toBe('------------------^--!');
    });
  });

  it('gives project the index of the item among all items of the source', () => {
    const seen: string[] = [];
    of(...(['a', 'c', 'b'].map((k) => items[k]) as Item[]))
      .pipe(queueByUnit(unitOf, (item, i) => of(`${item.v}${i}`)))
      .subscribe((v) => seen.push(v));
    expect(seen).toEqual(['a0', 'c1', 'b2']);
  });

  it('runs a long backlog of synchronous projects without deep recursion', () => {
    const gate = new Subject<number>();
    const source = new Subject<number>();
    const seen: number[] = [];
    source
      .pipe(
        queueByUnit(
          () => 'X',
          (n) => (n === 0 ? gate : of(n)),
        ),
      )
      .subscribe((n) => seen.push(n));
    for (let n = 0; n < 50_000; n++) source.next(n);
    expect(seen).toEqual([]);
    gate.complete(); // the whole backlog of unit X now runs synchronously
    expect(seen).toHaveLength(49_999);
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('completes only when the source has completed and every item has finished', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('-ab|', items);
      const inners = { a: cold('---A|'), b: cold('---B|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners)))).toBe('----A---B|');
    });
  });

  it('does not wait for a trailing gap to complete', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('-a|', items);
      const inners = { a: cold('-A|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { minGapMs: 100 }))).toBe('--A|');
    });
  });

  it('completes with an empty source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<Item>('--|').pipe(queueByUnit(unitOf, () => of('x')))).toBe('--|');
    });
  });

  it('propagates an inner error as the stream error and stops every unit', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-ac-b--', items);
      const inners = { a: cold('--#'), b: cold('-B|'), c: cold('----C|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners)))).toBe('---#');
      expectSubscriptions(inners.c.subscriptions).toBe('--^!');
      expectSubscriptions(inners.b.subscriptions).toBe([]);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('propagates an error thrown by unitOf or project', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot<Item>('-a-', items);
      const badUnit = () => {
        throw new Error('no unit');
      };
      expectObservable(source.pipe(queueByUnit(badUnit, () => of('x')))).toBe(
        '-#',
        undefined,
        new Error('no unit'),
      );
      const badProject = () => {
        throw new Error('no project');
      };
      expectObservable(source.pipe(queueByUnit(unitOf, badProject))).toBe(
        '-#',
        undefined,
        new Error('no project'),
      );
    });
  });

  it('propagates an error of the source', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-a-#', items);
      const inners = { a: cold('-----A|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners)))).toBe('---#');
      expectSubscriptions(inners.a.subscriptions).toBe('-^-!');
    });
  });

  it('unsubscribes from the source and every running inner on unsubscribe', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('-ac----', items);
      const inners = { a: cold('-----A|'), c: cold('-----C|') };
      expectObservable(source.pipe(queueByUnit(unitOf, by(inners))), '----!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(inners.a.subscriptions).toBe('-^--!');
      expectSubscriptions(inners.c.subscriptions).toBe('--^-!');
    });
  });

  it('clears a pending gap timer on unsubscribe', () => {
    jest.useFakeTimers();
    try {
      const source = new Subject<Item>();
      const sub = source.pipe(queueByUnit(unitOf, () => of('x'), { minGapMs: 1000 })).subscribe();
      source.next(items['a'] as Item);
      expect(jest.getTimerCount()).toBe(1);
      sub.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  describe('skip', () => {
    it('drops an item whose turn comes while skip says true, unprojected, and runs the next one at once', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const cancelled = new Set<string>();
        const source = hot<Item>('-abe--------|', items);
        const inners = { a: cold('---A|'), b: cold('-B|'), e: cold('-E|') };
        scheduler.schedule(() => cancelled.add('b'), 2); // b is cancelled while a runs
        const skip = (item: Item) => cancelled.has(item.v);
        expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { skip }))).toBe('----A-E-----|');
        expectSubscriptions(inners.b.subscriptions).toBe([]);
        expectSubscriptions(inners.e.subscriptions).toBe('-----^-!');
      });
    });

    it('asks skip when the item’s turn comes, not when it arrives', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const asked: Array<[string, number]> = [];
        const source = hot<Item>('-ab------|', items);
        const inners = { a: cold('---A|'), b: cold('-B|') };
        const skip = (item: Item) => {
          asked.push([item.v, scheduler.now()]);
          return false;
        };
        expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { skip }))).toBe('----A-B--|');
        scheduler.schedule(
          () =>
            expect(asked).toEqual([
              ['a', 1],
              ['b', 5],
            ]),
          8,
        );
      });
    });

    it('lets a skipped item take no gap: the next item starts when the previous gap ends', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        // a ends at 4, X may start again at 9: b is skipped then, e starts at 9 (not 14)
        const source = hot<Item>('-abe----------------|', items);
        const inners = { a: cold('--A|'), b: cold('--B|'), e: cold('--E|') };
        const skip = (item: Item) => item.v === 'b';
        const options = { skip, minGapMs: 5, scheduler };
        expectObservable(source.pipe(queueByUnit(unitOf, by(inners), options))).toBe('---A-------E--------|');
        expectSubscriptions(inners.b.subscriptions).toBe([]);
        expectSubscriptions(inners.e.subscriptions).toBe('---------^--!');
      });
    });

    it('lets a skipped item take no slot: the free slot goes to the next unit', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot<Item>('-acd-------|', items);
        const inners = { a: cold('---A|'), c: cold('---C|'), d: cold('---D|') };
        const skip = (item: Item) => item.v === 'c';
        expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { concurrency: 1, skip }))).toBe(
          '----A---D--|',
        );
        expectSubscriptions(inners.c.subscriptions).toBe([]);
        expectSubscriptions(inners.d.subscriptions).toBe('-----^---!');
      });
    });

    it('gives project the index of the item among all items, skipped ones counted', () => {
      const seen: string[] = [];
      of(...(['a', 'b', 'c'].map((k) => items[k]) as Item[]))
        .pipe(queueByUnit(unitOf, (item, i) => of(`${item.v}${i}`), { skip: (item) => item.v === 'b' }))
        .subscribe((v) => seen.push(v));
      expect(seen).toEqual(['a0', 'c2']);
    });

    it('completes when the source has completed and the items left are skipped', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const source = hot<Item>('-ab|', items);
        const inners = { a: cold('---A|'), b: cold('---B|') };
        const skip = (item: Item) => item.v === 'b';
        expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { skip }))).toBe('----A|');
      });
    });

    it('propagates an error thrown by skip', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot<Item>('-ab---', items);
        const inners = { a: cold('--A|'), b: cold('-B|') };
        const skip = (item: Item) => {
          if (item.v === 'b') throw new Error('no skip');
          return false;
        };
        expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { skip }))).toBe(
          '---A#',
          undefined,
          new Error('no skip'),
        );
        expectSubscriptions(source.subscriptions).toBe('^---!');
      });
    });
  });

  describe('scheduler', () => {
    it('schedules the gaps on the scheduler given', () => {
      const virtual = new VirtualTimeScheduler();
      const source = new Subject<Item>();
      const started: Array<[string, number]> = [];
      source
        .pipe(
          queueByUnit(
            unitOf,
            (item) => {
              started.push([item.v, virtual.now()]);
              return of(item.v);
            },
            { minGapMs: 10, scheduler: virtual },
          ),
        )
        .subscribe();
      source.next(items['a'] as Item);
      source.next(items['b'] as Item);
      expect(started).toEqual([['a', 0]]);
      virtual.flush();
      expect(started).toEqual([
        ['a', 0],
        ['b', 10],
      ]);
    });

    it('runs its gaps on the virtual time of TestScheduler.run() when no scheduler is given', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const source = hot<Item>('-ab--------|', items);
        const inners = { a: cold('-A|'), b: cold('-B|') };
        expectObservable(source.pipe(queueByUnit(unitOf, by(inners), { minGapMs: 4 }))).toBe('--A-----B--|');
      });
    });
  });

  it('rejects a concurrency below 1 or not whole, and a gap out of range, with an OptionError when called', () => {
    const reasonOf = (options: object): unknown => {
      try {
        queueByUnit(unitOf, () => of(1), options);
      } catch (e) {
        return e instanceof OptionError ? [e.option, e.reason] : e;
      }
      return 'no error';
    };
    expect(reasonOf({ concurrency: 0 })).toEqual(['concurrency', 'too-small']);
    expect(reasonOf({ concurrency: 1.5 })).toEqual(['concurrency', 'not-integer']);
    expect(reasonOf({ concurrency: NaN })).toEqual(['concurrency', 'not-finite']);
    expect(reasonOf({ concurrency: '2' })).toEqual(['concurrency', 'type']);
    expect(reasonOf({ minGapMs: -1 })).toEqual(['minGapMs', 'too-small']);
    expect(reasonOf({ minGapMs: 2 ** 31 })).toEqual(['minGapMs', 'too-large']);
    expect(reasonOf({ minGapMs: Infinity })).toEqual(['minGapMs', 'not-finite']);
    expect(reasonOf({ concurrency: Infinity, minGapMs: 0 })).toBe('no error');
    expect(reasonOf({ concurrency: 1, minGapMs: 2 ** 31 - 1 })).toBe('no error');
  });
});
