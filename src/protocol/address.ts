import { isIPv4, isIPv6 } from 'node:net';

/**
 * The canonical spelling of an IP address, as a connection's source address is reported by
 * {@link listen}: IPv4 as dotted quad, IPv6 compressed and lower case, an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`) as its IPv4 address, brackets removed. Returns `undefined` for anything
 * else (a host name, or a short form such as `127.1` that only a resolver understands).
 *
 * ## Example
 * ```ts
 * canonicalAddress('127.0.0.2'); // '127.0.0.2'
 * canonicalAddress('[0:0:0:0:0:0:0:1]'); // '::1'
 * canonicalAddress('::ffff:127.0.0.1'); // '127.0.0.1'
 * canonicalAddress('la4-07.local'); // undefined
 * ```
 * @param host An address or a name.
 * @category Protocol
 */
export function canonicalAddress(host: string): string | undefined {
  if (isIPv4(host)) return host;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!isIPv6(bare)) return undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return undefined; // a zone index (fe80::1%eth0): left to the resolver
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped !== null) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return canonical;
}
