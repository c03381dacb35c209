import { filter, type OperatorFunction } from 'rxjs';

/**
 * Keeps the events of the given `type_` values, and narrows their type.
 *
 * Use it first in a pipeline over a union of events (such as `PycomEvent`) to pick the kinds you
 * handle: the result type is the matching members of the union, so their own fields (`output`,
 * `message`, `mac_address`...) are available without a cast. Several types may be given.
 *
 * ## Marbles
 * ```text
 * events$: --o--m--u--o--|    o: output, m: message, u: unit_info
 *          ofType('output')
 * result:  --o--------o--|
 * ```
 *
 * ## Example
 * ```ts
 * events$.pipe(ofType('unit_info')).subscribe((info) => console.log(info.mac_address));
 * events$.pipe(ofType('output', 'message')).subscribe((e) => console.log(e.type_));
 * ```
 * @param types One or more `type_` values to keep.
 * @return An operator that emits only the events whose `type_` is one of `types`.
 * @category Operators
 */
export function ofType<
  E extends {
    /** The kind of the event. */
    type_: string;
  },
  K extends E['type_'],
>(
  ...types: [K, ...K[]]
): OperatorFunction<
  E,
  Extract<
    E,
    {
      /** One of the kept kinds. */
      type_: K;
    }
  >
> {
  const wanted = new Set<string>(types);
  return filter((event: E): event is Extract<E, { type_: K }> => wanted.has(event.type_));
}
