import { filter, type OperatorFunction } from 'rxjs';
import type { Identity } from '../protocol';

/**
 * Tells whether an event was sent by the given unit, named by its id or by its IP address.
 *
 * Use it where a predicate is needed (as the default matcher of {@link awaitOutput}, or in your
 * own `filter`); in a pipeline, {@link fromNode} is shorter.
 *
 * ## Example
 * ```ts
 * isFromUnit('81639cd4', event); // true when event.id is '81639cd4'
 * isFromUnit('192.168.0.22', event); // true when event.ip is '192.168.0.22'
 * ```
 * @param unit The unit's id or IP address.
 * @param event An event (or anything carrying a sender identity).
 * @return `true` when `event.id` or `event.ip` equals `unit`.
 * @category Operators
 */
export function isFromUnit(unit: string, event: Identity): boolean {
  return event.id === unit || event.ip === unit;
}

/**
 * Keeps the events of one unit, given its id or its IP address.
 *
 * Use it to follow a single unit in a stream that carries the events of many, e.g. before
 * showing one unit's messages. The id is the stable choice; the address is handy before the id
 * is known (a unit found by its static IP) but changes under DHCP.
 *
 * ## Marbles
 * ```text
 * events$: --a--b--a--b--|    a: events of unit A, b: events of unit B
 *          fromNode('A')
 * result:  --a-----a-----|
 * ```
 *
 * ## Example
 * ```ts
 * events$.pipe(fromNode('192.168.0.23'), ofType('message')).subscribe((m) => console.log(m.message));
 * ```
 * @param unit The unit's id or IP address.
 * @return An operator that emits only the events for which `isFromUnit` (its id or its `ip` field) holds.
 * @category Operators
 */
export function fromNode<E extends Identity>(unit: string): OperatorFunction<E, E> {
  return filter((event: E) => isFromUnit(unit, event));
}
