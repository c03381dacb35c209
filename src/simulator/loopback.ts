import * as net from 'node:net';

/**
 * Tells whether `host` is a loopback address: `localhost`, any IPv4 address in `127.0.0.0/8`
 * (also IPv4-mapped, `::ffff:127.x.y.z`), or `::1`. Host names other than `localhost` are not
 * resolved and count as non-loopback.
 *
 * ## Example
 * ```ts
 * isLoopbackAddress('127.0.2.51'); // true
 * isLoopbackAddress('192.168.0.23'); // false
 * ```
 * @param host An address or host name.
 * @category Simulator
 */
export function isLoopbackAddress(host: string): boolean {
  const h = host.trim().toLowerCase();
  if (h === 'localhost') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (net.isIPv4(v4)) return v4.split('.')[0] === '127';
  if (net.isIPv6(h)) {
    const groups = expandIPv6(h);
    return groups !== undefined && groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
  }
  return false;
}

function expandIPv6(address: string): number[] | undefined {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const part = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'));
  const left = part(head);
  const right = part(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const all = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  const groups = all.map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

/**
 * Thrown by {@link simulateUnit} when asked to bind an address outside loopback without
 * `allowNonLoopback: true`: the simulated unit runs every shell command it receives.
 *
 * ## Example
 * ```ts
 * try { simulateUnit({ host: '0.0.0.0' }); } catch (e) { if (e instanceof UnsafeAddressError) console.error(e.message); }
 * ```
 * @category Errors
 */
export class UnsafeAddressError extends Error {
  /** Always `'UnsafeAddressError'`. */
  override readonly name = 'UnsafeAddressError';
  /**
   * @param host The address that was refused.
   */
  constructor(readonly host: string) {
    super(
      `refusing to bind ${host}: a simulated unit runs any shell command it receives, so it binds ` +
        'loopback addresses only (127.0.0.0/8, ::1); pass allowNonLoopback: true to override',
    );
  }
}

/**
 * Throws an {@link UnsafeAddressError} unless `host` is loopback or `allowNonLoopback` is set.
 *
 * ## Example
 * ```ts
 * assertBindable('127.0.0.2', false); // fine
 * assertBindable('0.0.0.0', false); // throws
 * ```
 * @param host The address to bind.
 * @param allowNonLoopback The explicit override.
 * @category Simulator
 */
export function assertBindable(host: string, allowNonLoopback: boolean): void {
  if (!allowNonLoopback && !isLoopbackAddress(host)) throw new UnsafeAddressError(host);
}
