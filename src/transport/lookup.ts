import { lookup } from 'node:dns';
import { Observable } from 'rxjs';
import { canonicalAddress } from '../protocol/address';
import { SendError, sendCause } from './errors';

export { canonicalAddress } from '../protocol/address';

/**
 * Resolves a host name to one address with the system's resolver (`dns.lookup`: /etc/hosts,
 * mDNS where the system has it, DNS), as `net.connect` would: IPv4 addresses first (LA4 units
 * are IPv4 devices), then IPv6. An IP address in any spelling resolves to its canonical form
 * without a lookup. Emits the address once and completes, or errors with a
 * {@link SendError} (reason `dns`) naming the host. Cold: each subscription looks up again.
 *
 * ## Example
 * ```ts
 * lookupHost('localhost').subscribe((address) => console.log(address)); // '127.0.0.1'
 * ```
 * @param host A name or an address.
 * @param port The port the caller will connect to (for the error's message).
 * @category Transport
 */
export function lookupHost(host: string, port = 5000): Observable<string> {
  return new Observable<string>((subscriber) => {
    const literal = canonicalAddress(host);
    if (literal !== undefined) {
      subscriber.next(literal);
      subscriber.complete();
      return;
    }
    let active = true;
    lookup(host, { family: 0, verbatim: false }, (err, address) => {
      if (!active) return;
      if (err !== null) {
        const reason = sendCause(err.code);
        subscriber.error(
          new SendError(
            host,
            port,
            reason === 'other' ? 'dns' : reason,
            err.code,
            `lookup: ${err.code ?? err.message}`,
            err,
          ),
        );
        return;
      }
      subscriber.next(canonicalAddress(address) ?? address);
      subscriber.complete();
    });
    return () => {
      active = false;
    };
  });
}
