import { readdirSync, readFileSync } from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gcFunction: (() => void) | undefined | null = null;

/** Runs a full garbage collection if the runtime allows it (exposing it at run time if needed). */
export function forceGc(): boolean {
  if (gcFunction === null) {
    const global = globalThis as { gc?: () => void };
    if (typeof global.gc === 'function') gcFunction = global.gc;
    else {
      try {
        v8.setFlagsFromString('--expose-gc');
        gcFunction = vm.runInNewContext('gc') as () => void;
      } catch {
        gcFunction = undefined;
      }
    }
  }
  gcFunction?.();
  gcFunction?.();
  return gcFunction !== undefined;
}

/** Heap in use after a forced collection (when possible), in bytes. */
export function settledHeap(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

/** How many file descriptors this process has open (Linux), or undefined elsewhere. */
export function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/** The soft limit on open files of this process (Linux), or `fallback`. */
export function fdLimit(fallback = 1024): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : fallback;
  } catch {
    return fallback;
  }
}
