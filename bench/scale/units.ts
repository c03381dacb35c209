/**
 * Simulated units in their own process, for bench/scale.ts, bench/roundtrip.ts and bench/shoot.ts:
 * started with `fork`/`spawn` and an IPC channel (see fleet.ts, which drives it), so that the units
 * do not share an event loop with the coordinator under test.
 *
 *   node --import tsx bench/scale/units.ts --count=1000 --base=127.0.100.1 [--port=5000]
 *        [--coordinator-timeout-ms=15000] [--delivery-timeout-ms=2000] [--max-ms=600000]
 *        [--row-ms=100] [--command-ms=0]
 *
 * Every unit uses a function executor (no shell) that answers `echo X` with `X\n`, and
 * `boardiocli uSeq` / `uSeqStandalone` / `runSeq` by handing the verb to the simulated boardio,
 * which answers `BOARDIO_READY`, and `Sequence complete` after `runSeq` (one row per `--row-ms`).
 * The sequence file boardio loads is the CSV in the environment variable `UNITS_SEQUENCE_CSV`,
 * put in every unit's home at start (the upload's `printf ... >` never runs). A command answers
 * at once, or after `--command-ms` (what a real command takes to run; until then the unit does
 * nothing more for it: no output, no boardio). Units are ready at once (`hardwareReadyDelayMs: 0`).
 *
 * Over IPC this process sends `{ type: 'ready', units, fdLimit, startMs }` once every unit
 * listens, or `{ type: 'failed', message }`; it answers `{ type: 'stats' }` with a
 * {@link UnitsStats}, `{ type: 'arrivals' }` with {@link UnitsArrivals} (and forgets them), and
 * `{ type: 'exit' }` by closing every unit and exiting. It also closes everything and exits when
 * the parent goes away or after `--max-ms` at the latest, so it never outlives a crashed benchmark.
 */
import type { PycomRequest } from '../../src/protocol/requests';
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
  | UnitsStats
  | UnitsArrivals;

/**
 * When each `boardiocli runSeq` request arrived since the last time they were asked for: one
 * entry per request, in µs of `process.hrtime.bigint()` (the system's monotonic clock, the same
 * in every process of the machine), stamped in the `request` activity, which the unit reports
 * synchronously as soon as the request's bytes are read and decoded, before the command starts.
 */
export interface UnitsArrivals {
  readonly type: 'arrivals';
  readonly us: readonly number[];
}

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
export type UnitsRequest =
  { readonly type: 'stats' } | { readonly type: 'arrivals' } | { readonly type: 'exit' };

function stringOption(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3) ?? fallback;
}

let commands = 0;

/** `boardiocli` and its verb, in a command such as `printf ... > f.csv && boardiocli uSeq`. */
const BOARDIOCLI = /\bboardiocli (uSeqStandalone|uSeq|runSeq)\b/;

/**
 * `echo X` answers `X\n`; `boardiocli <verb>` hands the verb to boardio and prints what the
 * vendor's boardiocli prints; anything else fails like a missing command. No delay.
 */
const answer: Executor = (command, { boardio }) => {
  commands += 1;
  if (command.startsWith('echo ')) return { stdout: `${command.slice(5)}\n` };
  const verb = BOARDIOCLI.exec(command)?.[1] as 'uSeq' | 'uSeqStandalone' | 'runSeq' | undefined;
  if (verb === undefined) return { stdout: '', stderr: `sh: ${command}: not found\n`, exitCode: 127 };
  boardio(verb);
  return { stdout: `BOARDIO_CLI: Sent: "${verb}" to FIFO file\n` };
};

/** {@link answer}, after `ms` (0: at once); a command killed meanwhile (close, reboot) never answers. */
function after(ms: number): Executor {
  if (ms === 0) return answer;
  return (command, context) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(answer(command, context)), ms);
      context.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
}

/** Whether a request is a command that hands `runSeq` to boardio. */
const isRunSeq = (request: PycomRequest): boolean =>
  'command' in request && /\bboardiocli runSeq\b/.test(request.command);

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
  const rowDurationMs = intOption('row-ms', 'UNITS_ROW_MS', 100);
  const commandMs = intOption('command-ms', 'UNITS_COMMAND_MS', 0);
  const sequenceCsv = process.env.UNITS_SEQUENCE_CSV;

  const started = performance.now();
  const group = simulateUnits(count, {
    base,
    port,
    executor: after(commandMs),
    hardwareReadyDelayMs: 0,
    rowDurationMs,
    ...(sequenceCsv === undefined ? {} : { homeFiles: { 'la4_sequence.csv': sequenceCsv } }),
    coordinatorTimeoutMs,
    deliveryConnectTimeoutMs,
    deliveryTimeoutMs: Math.max(5_000, deliveryConnectTimeoutMs + 3_000),
  });
  const deliveryFailures: Record<string, number> = {};
  const requestsRejected: Record<string, number> = {};
  let arrivals: number[] = [];
  group.events$.subscribe((activity) => {
    if (activity.kind === 'request') {
      const now = process.hrtime.bigint(); // first: the arrival
      if (isRunSeq(activity.request)) arrivals.push(Number(now / 1000n));
    } else if (activity.kind === 'delivery-failed') {
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
    if (message.type === 'arrivals') {
      send({ type: 'arrivals', us: arrivals });
      arrivals = [];
      return;
    }
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
