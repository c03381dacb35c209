import {
  concat,
  defer,
  EMPTY,
  from,
  identity,
  map,
  type MonoTypeOperatorFunction,
  type Observable,
  Subject,
} from 'rxjs';
import { fromNode, ofType } from '../operators';
import type { PycomEvent } from '../protocol';
import type { LogEntry } from './types';

/** The event types a log filter may name. */
export const LOG_TYPES = ['output', 'message', 'unit_info'] as const;

/**
 * What the page asks of the event log: some types (none: all) and one unit (id or address; none:
 * all).
 *
 * ## Example
 * ```ts
 * const filter: LogFilter = { types: ['message'], unit: '81639cd4' };
 * ```
 */
export interface LogFilter {
  /** Keep these `type_` values only (`ofType`); absent keeps all, empty keeps none. */
  readonly types?: ReadonlyArray<(typeof LOG_TYPES)[number]>;
  /** Keep this unit's events only (`fromNode`: its id or its `ip` field). */
  readonly unit?: string;
}

/**
 * The recent events of every unit, and the live ones, filtered with the library's `ofType` and
 * `fromNode` for each reader.
 *
 * ## Example
 * ```ts
 * const log = new EventLog(200, Date.now);
 * coordinator.events$.subscribe((e) => log.add(e));
 * log.read({ types: ['message'] }).subscribe((entry) => console.log(entry.event));
 * ```
 */
export class EventLog {
  private readonly recent: PycomEvent[] = [];
  private readonly times = new WeakMap<PycomEvent, number>();
  private readonly live$ = new Subject<PycomEvent>();

  /**
   * @param capacity How many recent events are kept for a new reader.
   * @param now The clock (ms since the epoch).
   */
  constructor(
    private readonly capacity: number,
    private readonly now: () => number,
  ) {}

  /**
   * Records an event and hands it to the live readers.
   *
   * @param event An event just received.
   * @return The entry, as readers see it.
   */
  add(event: PycomEvent): LogEntry {
    const at = this.now();
    this.times.set(event, at);
    this.recent.push(event);
    if (this.recent.length > this.capacity) this.recent.shift();
    this.live$.next(event);
    return { at, event };
  }

  /**
   * The recent events that pass the filter, then the live ones.
   *
   * @param filter Types and unit.
   */
  read(filter: LogFilter): Observable<LogEntry> {
    if (filter.types?.length === 0) return EMPTY;
    const [first, ...rest] = filter.types ?? [];
    const byType: MonoTypeOperatorFunction<PycomEvent> =
      first === undefined ? identity : ofType<PycomEvent, PycomEvent['type_']>(first, ...rest);
    const byUnit: MonoTypeOperatorFunction<PycomEvent> =
      filter.unit === undefined ? identity : fromNode<PycomEvent>(filter.unit);
    return concat(
      defer(() => from(this.recent.slice())),
      this.live$,
    ).pipe(
      byType,
      byUnit,
      map((event) => ({ at: this.times.get(event) ?? this.now(), event })),
    );
  }

  /** Ends every reader. */
  close(): void {
    this.live$.complete();
  }
}
