import { filter, type OperatorFunction } from 'rxjs';

/**
 * The `type_` values found among the members of a union: `never` for members without one (such
 * as a listener's rejected items).
 * @category Operators
 */
export type TypeOf<E> = E extends {
  /** The kind of the event. */
  readonly type_: infer T extends string;
}
  ? T
  : never;

/**
 * Keeps the events of the given `type_` values, and narrows their type.
 *
 * Use it first in a pipeline over a union of events to pick the kinds you handle: the result type
 * is the matching members of the union (`Extract`, as redux-observable's `ofType`), so their own
 * fields (`output`, `message`, `mac_address`...) are available without a cast. Several types may
 * be given. It works alike on plain events (`PycomEvent`), on received events (`Received`, which
 * keep their `remote` and `receivedAt`), and on a listener's items (`Inbound`), whose rejected
 * payloads have no `type_` and never pass.
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
 * listen().pipe(ofType('unit_info')).subscribe((info) => console.log(info.remote.address, info.mac_address));
 * coordinator.events$.pipe(ofType('output', 'message')).subscribe((e) => console.log(e.type_));
 * ```
 * @param types One or more `type_` values to keep.
 * @return An operator that emits only the items whose `type_` is one of `types`.
 * @category Operators
 */
export function ofType<E extends object, K extends TypeOf<E>>(
  ...types: [K, ...K[]]
): OperatorFunction<
  E,
  Extract<
    E,
    {
      /** One of the kept kinds. */
      readonly type_: K;
    }
  >
> {
  const wanted = new Set<string>(types);
  return filter((item: E): item is Extract<E, { readonly type_: K }> =>
    wanted.has((item as { readonly type_?: string }).type_ as string),
  );
}
