/**
 * Simulated units in their own process, for bench/scale.ts and bench/roundtrip.ts: started with
 * `fork`/`spawn` and an IPC channel (see fleet.ts, which drives it), so that the units do not share
 * an event loop with the coordinator under test.
 *
 *   node --import tsx bench/scale/units.ts --count=1000 --base=127.0.100.1 [--port=5000]
 *        [--coordinator-timeout-ms=15000] [--delivery-timeout-ms=2000] [--max-ms=600000]
 *
 * Every unit uses a function executor that answers `echo X` with `X\n` at once (no shell, no
 * delay), and is ready at once (`hardwareReadyDelayMs: 0`). Over IPC this process sends
 * `{ type: 'ready', units, fdLimit, startMs }` once every unit listens, or `{ type: 'failed',
 * message }`; it answers `{ type: 'stats' }` with a {@link UnitsStats}, and `{ type: 'exit' }` by
 * closing every unit and exiting. It also closes everything and exits when the parent goes away
 * or after `--max-ms` at the latest, so it never outlives a crashed benchmark.
 */
import type { Executor } from '../../src/simulator';
import { simulator } from '../lib/library';
import { intOption } from '../lib/args';
import { fdLimits, openFds } from './resources';

const { simulateUnits } = simulator;

/** A unit as the parent needs it. */
export interface UnitAddress {
  readonly host: string;
  readonly id: string;
}

/** Messages from this process to its parent. */
export type UnitsReport =
  | {
      readonly type: 'ready';
      readonly units: readonly UnitAddress[];
      /** The soft limit on open files of this process. */
      readonly fdLimit: number;
      /** Time to start every unit and have it listen, in ms. */
      readonly startMs: number;
    }
  | { readonly type: 'failed'; readonly message: string }
  | UnitsStats;

/** What this process uses, on request. */
export interface UnitsStats {
  readonly type: 'stats';
  readonly rss: number;
  readonly heapUsed: number;
  readonly fds: number;
  /** CPU time (user + system) used so far, in ms. */
  readonly cpuMs: number;
  /** Commands run so far, all units together. */
  readonly commands: number;
  /** Events the units could not deliver, by error message (first 80 characters). */
  readonly deliveryFailures: Readonly<Record<string, number>>;
  /** Requests the units rejected, by reason. */
  readonly requestsRejected: Readonly<Record<string, number>>;
}

/** Messages from the parent. */
export type UnitsRequest = { readonly type: 'stats' } | { readonly type: 'exit' };

function stringOption(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3) ?? fallback;
}

let commands = 0;

/** `echo X` answers `X\n`; anything else fails like a missing command. No delay. */
const echo: Executor = (command) => {
  commands += 1;
  return command.startsWith('echo ')
    ? { stdout: `${command.slice(5)}\n` }
    : { stdout: '', stderr: `sh: ${command}: not found\n`, exitCode: 127 };
};

function send(report: UnitsReport): void {
  process.send?.(report);
}

async function main(): Promise<void> {
  const count = intOption('count', 'UNITS_COUNT', 1);
  const base = stringOption('base', '127.0.100.1');
  const port = intOption('port', 'UNITS_PORT', 5000);
  const coordinatorTimeoutMs = intOption('coordinator-timeout-ms', 'UNITS_COORDINATOR_TIMEOUT_MS', 15_000);
  // how long a unit tries to hand an event over (the simulator's defaults: 2 s to connect, 5 s in all)
  const deliveryConnectTimeoutMs = intOption('delivery-timeout-ms', 'UNITS_DELIVERY_TIMEOUT_MS', 2_000);
  const maxMs = intOption('max-ms', 'UNITS_MAX_MS', 10 * 60_000);

  const started = performance.now();
  const group = simulateUnits(count, {
    base,
    port,
    executor: echo,
    hardwareReadyDelayMs: 0,
    coordinatorTimeoutMs,
    deliveryConnectTimeoutMs,
    deliveryTimeoutMs: Math.max(5_000, deliveryConnectTimeoutMs + 3_000),
  });
  const deliveryFailures: Record<string, number> = {};
  const requestsRejected: Record<string, number> = {};
  group.events$.subscribe((activity) => {
    if (activity.kind === 'delivery-failed') {
      const key = activity.error.message.replace(/^cannot send to [\d.]+:\d+: /, '').slice(0, 80);
      deliveryFailures[key] = (deliveryFailures[key] ?? 0) + 1;
    } else if (activity.kind === 'request-rejected') {
      requestsRejected[activity.reason] = (requestsRejected[activity.reason] ?? 0) + 1;
    }
  });
  let closing: Promise<void> | undefined;
  const stop = (code: number): void => {
    // exit even if closing hangs
    setTimeout(() => process.exit(code), 15_000).unref();
    closing ??= group
      .close()
      .catch(() => undefined)
      .then(() => process.exit(code));
  };
  const cap = setTimeout(() => {
    console.error(`units: still running after ${maxMs} ms, exiting`);
    stop(3);
  }, maxMs);
  cap.unref();
  process.on('disconnect', () => stop(0));
  process.on('message', (message: UnitsRequest) => {
    if (message.type === 'exit') return stop(0);
    const { user, system } = process.cpuUsage();
    let memory = { rss: NaN, heapUsed: NaN };
    try {
      memory = process.memoryUsage();
    } catch {
      // EMFILE: reading /proc needs a descriptor too; the fds figure says why
    }
    send({
      type: 'stats',
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      fds: openFds(),
      cpuMs: (user + system) / 1000,
      commands,
      deliveryFailures,
      requestsRejected,
    });
  });

  try {
    await group.ready;
  } catch (e) {
    send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    stop(1);
    return;
  }
  send({
    type: 'ready',
    units: group.units.map((u) => ({ host: u.host, id: u.identity.id })),
    fdLimit: fdLimits().soft,
    startMs: performance.now() - started,
  });
}

void main();
