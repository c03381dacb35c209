import { readdirSync, readFileSync } from 'node:fs';
import { forceGc } from '../../spec/reliability/resources';

/** The same forced collection the reliability suite uses (its measurements and ours agree). */
export { forceGc };

/**
 * Heap in use, heap committed by V8 (`heapTotal`, which includes the young generation's
 * semi-spaces), memory of Buffers and other objects outside the heap (`external`), and the
 * resident set size, after a forced collection when possible.
 */
export function settledMemory(): { heapUsed: number; heapTotal: number; external: number; rss: number } {
  forceGc();
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  return { heapUsed, heapTotal, external, rss };
}

/** How many file descriptors this process has open (Linux), or NaN elsewhere. */
export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return NaN;
  }
}

/** The soft and hard limits on open files of this process (Linux; Infinity when unlimited or unknown). */
export function fdLimits(): { soft: number; hard: number } {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line?.split(/\s{2,}/).slice(1, 3) ?? []).map((v) =>
      v === 'unlimited' ? Infinity : Number(v),
    );
    return {
      soft: Number.isFinite(soft) ? soft! : Infinity,
      hard: Number.isFinite(hard) ? hard! : Infinity,
    };
  } catch {
    return { soft: Infinity, hard: Infinity };
  }
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(1) : '-';
}

/** Bytes as KiB with one decimal. */
export function kib(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '-';
}

/**
 * The system-wide count of connections dropped because a listen queue was full (TcpExt
 * ListenOverflows in /proc/net/netstat), or NaN when unknown. Other processes count too.
 */
export function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i]!.split(' ');
      if (names[0] !== 'TcpExt:') continue;
      const at = names.indexOf('ListenOverflows');
      return at < 0 ? NaN : Number(lines[i + 1]!.split(' ')[at]);
    }
    return NaN;
  } catch {
    return NaN;
  }
}
