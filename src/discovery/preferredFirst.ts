import { concat, defer, EMPTY, from, mergeMap, type MonoTypeOperatorFunction, of } from 'rxjs';

/**
 * Holds back the probe results of the other addresses until every preferred address has its
 * result, so that the preferred ones come first whatever order parallel probes finish in: the
 * preferred addresses are probed first, and `discover` reports them first, as documented.
 * Probing is not slowed down (only the emission of the others waits, at most one connect timeout).
 *
 * ## Example
 * ```ts
 * results$.pipe(preferredFirst((r) => preferred.has(r.host), 1));
 * ```
 * @param isPreferred Whether a result is one of a preferred address.
 * @param count How many preferred results to wait for (the preferred addresses probed).
 */
export function preferredFirst<T>(
  isPreferred: (result: T) => boolean,
  count: number,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() => {
      let pending = count;
      let held: T[] = [];
      const release = () => {
        const out = held;
        held = [];
        return from(out);
      };
      return concat(
        source.pipe(
          mergeMap((result) => {
            if (pending === 0) return of(result);
            if (!isPreferred(result)) {
              held.push(result);
              return EMPTY;
            }
            pending -= 1;
            return pending === 0 ? concat(of(result), release()) : of(result);
          }),
        ),
        // a source that ends early (an error ends it anyway) still hands over what it held
        defer(release),
      );
    });
}
