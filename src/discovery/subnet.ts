import * as net from 'node:net';

/**
 * An IPv4 subnet read from CIDR notation by `parseSubnet`.
 *
 * ## Example
 * ```ts
 * const subnet: Subnet = { network: '192.168.0.0', prefix: 24, size: 254 }; // 192.168.0.0/24
 * ```
 * @category Coordinator
 */
export interface Subnet {
  /** The network address (the given address with the host bits cleared). */
  readonly network: string;
  /** The prefix length, 16..32. */
  readonly prefix: number;
  /** How many host addresses `subnetHosts` lists. */
  readonly size: number;
}

/**
 * The shortest prefix `parseSubnet` accepts: a /16 already holds 65 534 hosts to probe.
 * @category Coordinator
 */
export const MIN_SUBNET_PREFIX = 16;

/**
 * Reads an IPv4 address as a 32-bit unsigned number.
 *
 * ## Example
 * ```ts
 * ipv4ToNumber('0.0.1.2'); // 258
 * ```
 * @param address A dotted-quad IPv4 address.
 * @throws RangeError when `address` is not an IPv4 address.
 * @category Coordinator
 */
export function ipv4ToNumber(address: string): number {
  if (!net.isIPv4(address)) throw new RangeError(`not an IPv4 address: ${JSON.stringify(address)}`);
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/**
 * Writes a 32-bit unsigned number as a dotted-quad IPv4 address.
 *
 * ## Example
 * ```ts
 * numberToIpv4(258); // '0.0.1.2'
 * ```
 * @param value An integer 0..2^32-1.
 * @category Coordinator
 */
export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Reads a subnet in CIDR notation (`192.168.0.0/24`). A bare address means `/32`. Host bits may
 * be set (`192.168.0.23/24` is `192.168.0.0/24`).
 *
 * ## Example
 * ```ts
 * parseSubnet('127.0.5.0/28'); // { network: '127.0.5.0', prefix: 28, size: 14 }
 * ```
 * @param cidr `address/prefix`, prefix 16..32.
 * @throws RangeError for anything else, or a prefix below {@link MIN_SUBNET_PREFIX}.
 * @category Coordinator
 */
export function parseSubnet(cidr: string): Subnet {
  const [address = '', prefixText = '32', extra] = cidr.trim().split('/');
  if (extra !== undefined || !net.isIPv4(address) || !/^[0-9]{1,2}$/.test(prefixText))
    throw new RangeError(
      `not an IPv4 subnet in CIDR notation (like 192.168.0.0/24): ${JSON.stringify(cidr)}`,
    );
  const prefix = Number(prefixText);
  if (prefix > 32 || prefix < MIN_SUBNET_PREFIX)
    throw new RangeError(
      `subnet prefix /${prefix} out of range: use /${MIN_SUBNET_PREFIX} (65 534 addresses) to /32 (one address)`,
    );
  const hostBits = 32 - prefix;
  const network = Math.floor(ipv4ToNumber(address) / 2 ** hostBits) * 2 ** hostBits;
  const size = hostBits === 0 ? 1 : hostBits === 1 ? 2 : 2 ** hostBits - 2;
  return { network: numberToIpv4(network), prefix, size };
}

/**
 * The host addresses of a subnet, in ascending order: without the network and broadcast
 * addresses, except in a /31 (two hosts, RFC 3021) or a /32 (the address itself).
 *
 * ## Example
 * ```ts
 * subnetHosts(parseSubnet('10.0.0.0/30')); // ['10.0.0.1', '10.0.0.2']
 * ```
 * @param subnet A subnet from `parseSubnet`.
 * @category Coordinator
 */
export function subnetHosts(subnet: Subnet): string[] {
  const first = ipv4ToNumber(subnet.network) + (subnet.prefix >= 31 ? 0 : 1);
  return Array.from({ length: subnet.size }, (_, i) => numberToIpv4(first + i));
}

/**
 * Tells whether `address` is one of the host addresses of `subnet` (see `subnetHosts`).
 *
 * ## Example
 * ```ts
 * isSubnetHost('192.168.0.23', parseSubnet('192.168.0.0/24')); // true
 * isSubnetHost('192.168.0.255', parseSubnet('192.168.0.0/24')); // false: broadcast
 * ```
 * @param address An IPv4 address (anything else gives `false`).
 * @param subnet A subnet from `parseSubnet`.
 * @category Coordinator
 */
export function isSubnetHost(address: string, subnet: Subnet): boolean {
  if (!net.isIPv4(address)) return false;
  const offset = ipv4ToNumber(address) - ipv4ToNumber(subnet.network) - (subnet.prefix >= 31 ? 0 : 1);
  return offset >= 0 && offset < subnet.size;
}
