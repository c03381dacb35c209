import * as path from 'node:path';

/** The repository's root: paths in {@link RANGES} are relative to it. */
const ROOT = path.resolve(__dirname, '../..');

/**
 * The loopback addresses each file owns, as CIDR blocks on 127.0.0.0/8: jest runs the spec files
 * in parallel workers, so two files must never bind (or scan, or send from) the same address.
 * No two blocks overlap; spec/helpers/addresses.spec.ts checks that, and that every spec file names
 * only addresses of its own blocks (or the shared {@link SHARED}).
 *
 * A new real-socket spec picks a block that overlaps none below (a /24 of a second octet nobody
 * uses is the simplest), adds it here, and gets its hosts with {@link addressesOf}.
 */
export const RANGES: Readonly<Record<string, ReadonlyArray<string>>> = {
  // the attack benchmark (its listener and senders, from spec/reliability/harness.ts and attackers.ts)
  'bench/attacks.ts': ['127.41.0.0/24', '127.141.0.0/24'],
  // the demo's own default units (127.0.0.2 .. 127.0.0.4, port 5000), and one in use
  'spec/cli/demo.spec.ts': ['127.0.0.2/31', '127.0.0.4/32', '127.0.9.100/32'],
  'spec/cli/discover.spec.ts': ['127.0.9.0/26', '127.0.9.64/28'],
  'spec/cli/discoverOptions.spec.ts': ['127.0.9.80/28'],
  'spec/cli/doctor.spec.ts': ['127.22.2.0/24'],
  'spec/cli/heartbeat.spec.ts': ['127.0.8.0/29'],
  'spec/cli/hostileFiles.spec.ts': ['127.41.8.0/24'],
  'spec/cli/progress.spec.ts': ['127.1.0.0/24'],
  'spec/cli/run.spec.ts': ['127.0.7.0/24'],
  'spec/cli/runSequences.spec.ts': ['127.187.0.0/16'],
  'spec/cli/send.spec.ts': ['127.0.6.0/24'],
  'spec/cli/shoot.spec.ts': ['127.124.0.0/20'],
  // a discover of a whole /16, interrupted after the first probe
  'spec/cli/signals.spec.ts': ['127.57.0.0/16'],
  'spec/cli/simulate.spec.ts': ['127.0.8.8/29'],
  'spec/cli/simulateOptions.spec.ts': ['127.189.0.0/16'],
  'spec/cli/target.spec.ts': ['127.0.80.0/24'],
  'spec/cli/usage.spec.ts': ['127.2.0.0/24'],
  'spec/console/cli.spec.ts': ['127.46.3.0/24'],
  'spec/console/failures.spec.ts': ['127.188.0.0/16'],
  'spec/console/guard.spec.ts': ['127.3.0.0/24'],
  'spec/console/http.spec.ts': ['127.46.2.0/24'],
  'spec/console/log.spec.ts': ['127.46.5.0/24'],
  'spec/console/page.spec.ts': ['127.46.1.0/24'],
  'spec/console/requests.spec.ts': ['127.4.0.0/24'],
  'spec/console/shoot.spec.ts': ['127.124.40.0/24'],
  'spec/coordinator/command.spec.ts': ['127.0.10.0/23'],
  'spec/coordinator/edges.spec.ts': ['127.0.31.0/24', '127.0.32.0/24', '127.0.33.0/24'],
  'spec/coordinator/heartbeatPolicy.spec.ts': ['127.117.0.0/24'],
  'spec/coordinator/presence.spec.ts': ['127.5.0.0/24'],
  'spec/coordinator/runSequence.spec.ts': ['127.42.0.0/22', '127.42.9.0/24'],
  'spec/coordinator/shoot.spec.ts': ['127.163.0.0/16'],
  'spec/coordinator/tolerant.spec.ts': ['127.93.2.0/24'],
  'spec/coordinator/trust.spec.ts': ['127.65.0.0/16'],
  'spec/coordinator/unitInfoRefresh.spec.ts': ['127.117.1.0/24'],
  // a flood of senders from all over a /16 (names only: no socket)
  'spec/coordinator/units.spec.ts': ['127.6.0.0/16'],
  'spec/diagnostics/channels.spec.ts': ['127.46.6.0/24'],
  'spec/diagnostics/debug.spec.ts': ['127.46.4.0/28'],
  'spec/diagnostics/verbose.spec.ts': ['127.46.4.16/28'],
  'spec/discovery/discover.spec.ts': ['127.41.5.0/24'],
  'spec/discovery/subnet.spec.ts': ['127.0.5.0/24'],
  'spec/docs/commandRunner.spec.ts': ['127.78.0.0/24'],
  // the units of examples/pipeline.ts, which the spec runs (127.0.0.12 .. 127.0.0.14)
  'spec/docs/examples.spec.ts': ['127.0.0.12/30'],
  'spec/doctor/doctor.spec.ts': ['127.22.1.0/24'],
  'spec/interop/vendor.spec.ts': ['127.0.21.0/24'],
  'spec/reliability/allow.spec.ts': ['127.41.3.0/24'],
  'spec/reliability/bindErrors.spec.ts': ['127.41.20.0/24'],
  'spec/reliability/burst.spec.ts': ['127.41.10.0/24'],
  'spec/reliability/coordinator.spec.ts': ['127.0.20.0/24'],
  'spec/reliability/flood.spec.ts': ['127.41.11.0/24'],
  'spec/reliability/fuzz.spec.ts': ['127.41.12.0/24'],
  'spec/reliability/hostileFiles.spec.ts': ['127.41.6.0/24'],
  'spec/reliability/payloadAttacks.spec.ts': ['127.41.13.0/24'],
  'spec/reliability/resets.spec.ts': ['127.41.14.0/24'],
  'spec/reliability/slowloris.spec.ts': ['127.41.15.0/24'],
  'spec/reliability/starvation.spec.ts': ['127.41.16.0/24'],
  'spec/simulator/boardio.spec.ts': ['127.0.1.48/28'],
  'spec/simulator/boardioQuirks.spec.ts': ['127.94.0.0/16'],
  'spec/simulator/commands.spec.ts': ['127.0.1.30/31', '127.0.1.32/29'],
  'spec/simulator/faults.spec.ts': ['127.0.1.64/28'],
  // with the far end of 127.0.0.0/8, as a name (isLoopbackAddress)
  'spec/simulator/lifecycle.spec.ts': ['127.0.1.88/29', '127.255.0.0/24'],
  'spec/simulator/manyUnits.spec.ts': ['127.0.1.248/29', '127.0.2.0/24'],
  'spec/simulator/oversized.spec.ts': ['127.0.35.0/24'],
  'spec/simulator/quirks.spec.ts': ['127.93.0.0/23'],
  'spec/simulator/safety.spec.ts': ['127.42.5.0/24'],
  'spec/simulator/unitInfo.spec.ts': ['127.0.1.8/29'],
  'spec/simulator/workspace.spec.ts': ['127.0.34.0/24'],
  'spec/transport/listen.spec.ts': ['127.41.2.0/24'],
  'spec/transport/send.spec.ts': ['127.41.1.0/24'],
  'spec/transport/slots.spec.ts': ['127.41.4.0/24'],
  'spec/unit/commandLimit.spec.ts': ['127.43.7.0/24'],
};

/**
 * The one address every file may use without owning it: 127.0.0.1, to listen on or send from
 * with port 0 (the system picks a free port, so two files never clash there), and as a name. A
 * fixed port on it (5000) would clash: bind an address of the file's own range for that.
 */
export const SHARED = '127.0.0.1';

/** An IPv4 address as a 32-bit number (`undefined` if `address` is not dotted-quad IPv4). */
export function addressToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** A 32-bit number as a dotted-quad IPv4 address. */
export function numberToAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A block of addresses: `first` to `last` (numbers, inclusive), as written (`text`). */
export interface Block {
  readonly text: string;
  readonly first: number;
  readonly last: number;
}

/** `127.41.2.0/24` as a {@link Block}; throws unless it is a block of 127.0.0.0/8 written at its start. */
export function parseBlock(text: string): Block {
  const [address = '', bits = ''] = text.split('/');
  const start = addressToNumber(address);
  const prefix = Number(bits);
  if (start === undefined || !/^\d{1,2}$/.test(bits) || prefix < 8 || prefix > 32)
    throw new Error(`${text} is not a CIDR block`);
  const size = 2 ** (32 - prefix);
  if (start % size !== 0)
    throw new Error(`${text} does not start its block (${numberToAddress(start - (start % size))})`);
  if (Math.floor(start / 2 ** 24) !== 127) throw new Error(`${text} is not on 127.0.0.0/8`);
  return { text, first: start, last: start + size - 1 };
}

/** The addresses one file owns. */
export interface Addresses {
  /** The file, relative to the repository's root. */
  readonly file: string;
  /** Its blocks, as in {@link RANGES}. */
  readonly blocks: ReadonlyArray<Block>;
  /**
   * The address of the file's first block with its last octets replaced by `octets`: `host(3)` on
   * 127.41.2.0/24 is 127.41.2.3, `host(1, 2)` on 127.42.0.0/22 is 127.42.1.2. Throws when that
   * address is outside the file's blocks.
   */
  host(...octets: number[]): string;
  /** Whether `address` (dotted-quad IPv4) is in one of the file's blocks. */
  owns(address: string): boolean;
}

/** `file` (absolute, as `__filename`, or relative to the root) as a key of {@link RANGES}. */
export function registryKey(file: string): string {
  return (path.isAbsolute(file) ? path.relative(ROOT, file) : path.normalize(file)).split(path.sep).join('/');
}

/**
 * The addresses `file` owns in {@link RANGES}; throws when it has none.
 *
 * ```ts
 * const net = addressesOf(__filename); // 127.41.2.0/24
 * listen({ host: net.host(1), port: 0 });
 * ```
 */
export function addressesOf(file: string): Addresses {
  const key = registryKey(file);
  const texts = RANGES[key];
  if (texts === undefined || texts.length === 0)
    throw new Error(`${key} owns no loopback addresses: give it a block in spec/helpers/addresses.ts`);
  const blocks = texts.map(parseBlock);
  const owns = (address: string) => {
    const n = addressToNumber(address);
    return n !== undefined && blocks.some((b) => n >= b.first && n <= b.last);
  };
  const host = (...octets: number[]) => {
    const base = numberToAddress(blocks[0]!.first).split('.');
    if (
      octets.length === 0 ||
      octets.length > 3 ||
      !octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255)
    )
      throw new Error(`host(${octets.join(', ')}): give one to three octets, each 0..255`);
    const address = [...base.slice(0, 4 - octets.length), ...octets.map(String)].join('.');
    if (!owns(address)) throw new Error(`${address} is outside ${key}'s blocks (${texts.join(', ')})`);
    return address;
  };
  return { file: key, blocks, host, owns };
}
