import { defer, filter, type MonoTypeOperatorFunction } from 'rxjs';
import { canonicalAddress } from '../protocol/address';
import type { Identity } from '../protocol/identity';
import type { Arrival } from '../protocol/inbound';
import { OptionError } from '../validation/checkOptions';

/**
 * Options of {@link fromNode}.
 *
 * ## Example
 * ```ts
 * events$.pipe(fromNode('192.168.0.23', { trustIpField: true }));
 * ```
 * @category Operators
 */
export interface FromNodeOptions {
  /**
   * Also keep events whose `ip` field names the unit, from any source address. Only for units
   * behind NAT, whose events arrive from the router's address. **Risk**: anyone who can open a
   * connection to the listener can then speak for the unit. Default `false`.
   */
  readonly trustIpField?: boolean;
}

/**
 * Tells whether a plain event (one without its `remote`) claims to come from the given unit, by
 * its `id` or `ip` field. A claim, not a proof: anyone can write any `id` and `ip`. Prefer
 * {@link fromNode} on received items (`listen()`, `coordinator.events$`), which judges by the
 * connection's source address.
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
 * Keeps the events that came from one unit, named by its IP address or its id.
 *
 * On received items (what `listen()`, `coordinator.inbound$` and `coordinator.events$` emit,
 * each with the `remote` the connection came from), the truth is the source address:
 * - named by an address (any spelling: `::ffff:10.0.0.5` is `10.0.0.5`): the items whose
 *   connection came from that address, whatever their `ip` and `id` fields claim;
 * - named by an id: the id is bound to the address it is **first** seen from (per subscription);
 *   from then on only items with that id from that address pass. An event claiming the id (or
 *   the unit's `ip`) from another address never passes.
 * - `trustIpField: true` (units behind NAT) also keeps items whose `ip` field names the unit:
 *   see {@link FromNodeOptions} for the risk.
 *
 * On plain events (no `remote`, e.g. decoded by hand) only the claims exist: an event passes when
 * its `id` or `ip` field names the unit ({@link isFromUnit}).
 *
 * Names are not resolved here (the operator is synchronous): give an address, or resolve the
 * name first (`lookupHost`).
 *
 * ## Marbles
 * ```text
 * items:  --a--b--a--s--|    a: from unit A's address, b: from B's, s: from elsewhere claiming A's ip
 *         fromNode('A')
 * result: --a-----a-----|
 * ```
 *
 * ## Example
 * ```ts
 * coordinator.events$.pipe(fromNode('192.168.0.23'), ofType('message')).subscribe((m) => console.log(m.message));
 * ```
 * @param unit The unit's IP address or id.
 * @param options `trustIpField` for units behind NAT.
 * @return An operator that emits only the items that came from the unit.
 * @throws {@link OptionError} when `unit` is not a non-empty string or `trustIpField` not a boolean.
 * @category Operators
 */
export function fromNode<E extends Identity>(
  unit: string,
  options: FromNodeOptions = {},
): MonoTypeOperatorFunction<E> {
  if (typeof unit !== 'string' || unit === '')
    throw new OptionError('unit', 'type', unit, 'an IP address or a unit id (a non-empty string)');
  if (options?.trustIpField !== undefined && typeof options.trustIpField !== 'boolean')
    throw new OptionError('trustIpField', 'type', options.trustIpField, 'true or false');
  const address = canonicalAddress(unit);
  const trustIpField = options.trustIpField === true;
  return (source) =>
    defer(() => {
      /** The address the id was first seen from (when the unit is named by its id). */
      let idAddress: string | undefined;
      return source.pipe(
        filter((event) => {
          const remote = (event as Partial<Arrival>).remote;
          if (remote === undefined) return isFromUnit(unit, event);
          if (
            trustIpField &&
            (event.ip === unit || (address !== undefined && canonicalAddress(event.ip) === address))
          )
            return true;
          if (address !== undefined) return remote.address === address;
          if (event.id !== unit) return false;
          idAddress ??= remote.address;
          return remote.address === idAddress;
        }),
      );
    });
}
