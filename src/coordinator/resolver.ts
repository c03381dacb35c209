import { defer, finalize, map, type Observable, of, share, take } from 'rxjs';
import { canonicalAddress } from '../transport/lookup';
import type { Transport } from '../transport/transport';
import type { Unit, UnitDirectory } from './units';

/**
 * Finds the unit a target names: an IP address in any spelling is the unit at its canonical
 * address at once (synchronously); a host name is looked up through the transport, then the unit
 * at the address it resolves to. Calls for one name made while its lookup is in flight share
 * it and get the unit in the order they were made, so commands stay in order. Each call after
 * that looks up again: a name that moves (DHCP) is followed by the next call.
 *
 * @internal
 * @category Coordinator
 */
export class UnitResolver {
  private readonly pending = new Map<string, Observable<string>>();

  /**
   * @param units The coordinator's units.
   * @param transport Its transport; without `lookup`, names are used as given.
   */
  constructor(
    private readonly units: UnitDirectory,
    private readonly transport: Transport,
  ) {}

  /**
   * The unit at a checked target: emits it once (at once for an address) and completes, or
   * errors with the lookup's `SendError`.
   * @param host The target's host (checked).
   * @param port Its port (checked).
   */
  resolve(host: string, port: number): Observable<Unit> {
    const address = canonicalAddress(host);
    if (address !== undefined || this.transport.lookup === undefined)
      return of(this.units.unit(address ?? host, port));
    return defer(() => this.lookup(host, port)).pipe(map((resolved) => this.units.unit(resolved, port)));
  }

  /**
   * The unit at a checked target at once, when it needs no lookup (an IP address, or a
   * transport without `lookup`): what {@link UnitResolver.resolve} emits at once; else `undefined`.
   * @param host The target's host (checked).
   * @param port Its port (checked).
   */
  resolveNow(host: string, port: number): Unit | undefined {
    const address = canonicalAddress(host);
    if (address !== undefined || this.transport.lookup === undefined)
      return this.units.unit(address ?? host, port);
    return undefined;
  }

  private lookup(host: string, port: number): Observable<string> {
    let lookup$ = this.pending.get(host);
    if (lookup$ === undefined) {
      lookup$ = this.transport.lookup!(host, port).pipe(
        take(1),
        finalize(() => this.pending.delete(host)),
        share(),
      );
      this.pending.set(host, lookup$);
    }
    return lookup$;
  }
}
