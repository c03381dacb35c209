/**
 * ingest: how many inbound events per second listen() takes, against a bare Node.js server (the
 * practical limit) and a Python listener written like the vendor's example, on clean load and
 * with one stalled sender among the good ones.
 *
 *   npx tsx bench/ingest.ts [--connections=20000] [--concurrency=64] [--rounds=3] [--warmup=2000]
 *                           [--only=listen,payloads,raw,python] [--scenarios=clean,stalled]
 *                           [--stall-ms=5000]
 *   (or BENCH_CONNECTIONS, BENCH_CONCURRENCY, BENCH_ROUNDS, BENCH_WARMUP, BENCH_STALL_MS)
 *
 * A load generator in a separate process opens the connections to 127.0.0.1, each writing one
 * valid encoded event and ending. Each round runs every target once per scenario (fresh listener,
 * warm-up, then the timed run); the tables show the median of the rounds.
 *
 * - clean: every sender writes its event at once.
 * - stalled: the same, plus one sender, opened first, that writes half of its event, stalls for
 *   `--stall-ms` (a unit on a bad link), then writes the rest. A listener that serves one
 *   connection at a time (the vendor's loop) waits for it; the others do not. The rate is that of
 *   the good senders (time until as many events as good senders are in); the stalled event must
 *   arrive too (counted/sent).
 *
 * Targets (reported, not asserted): (a)/(b) at least 1.0 and (a)/(c) on clean load at least 0.9.
 */
import * as os from 'node:os';
import { encodeEvent } from '../src/protocol';
import { intOption } from './lib/args';
import { samples } from './lib/events';
import { libraryLine } from './lib/library';
import { machineLine, pythonVersion } from './lib/machine';
import { figure, reportFigures } from './lib/summary';
import { median, printTable, ratio, whole } from './lib/table';
import { LoadGenerator } from './ingest/generator';
import { targets, type Target } from './ingest/targets';

/** listen() / bare Node.js server, events/s (issues 14 and 26). */
const TARGET_RAW = 1.0;
const SETTLE_MS = 5_000;

type Scenario = 'clean' | 'stalled';

interface Settings {
  readonly connections: number;
  readonly concurrency: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly stallMs: number;
}

interface Measurement {
  readonly rate: number;
  /** CPU time the listener process spent per event, in µs. */
  readonly cpuPerEvent: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly counted: number;
  readonly sent: number;
}

const payload = encodeEvent(samples.find((s) => s.name === 'output: boardio hand-over')!.event);

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function measure(
  target: Target,
  load: LoadGenerator,
  s: Settings,
  scenario: Scenario,
): Promise<Measurement> {
  const stall = scenario === 'stalled' ? { senders: 1, ms: s.stallMs } : undefined;
  const sent = s.connections + (stall?.senders ?? 0);
  // the rate is that of the good senders: the time until `connections` events are in (the
  // stalled one is among them only if it finished first), then the stalled one is waited for
  const good = s.warmup + s.connections;
  const total = s.warmup + sent;
  const milestones = [...new Set([s.warmup, good, total])].filter((n) => n > 0);
  const running = await target.start(milestones);
  try {
    if (s.warmup > 0) {
      await load.run(running.port, s.warmup, s.concurrency, payload);
    }
    const warm = s.warmup > 0 ? await within(running.reached(s.warmup), SETTLE_MS) : undefined;
    const start = performance.now();
    const startCpu = warm?.cpuMs ?? NaN;
    const result = await load.run(running.port, s.connections, s.concurrency, payload, stall);
    const end = await within(running.reached(good), SETTLE_MS);
    await within(running.reached(total), SETTLE_MS + (stall?.ms ?? 0));
    const counts = await running.stop();
    return {
      rate: end === undefined ? NaN : s.connections / ((end.at - start) / 1000),
      cpuPerEvent: end === undefined ? NaN : ((end.cpuMs - startCpu) * 1000) / s.connections,
      errors: result.errors,
      firstError: result.firstError,
      counted: counts.valid - s.warmup,
      sent,
    };
  } catch (e) {
    await running.stop();
    throw e;
  }
}

function option(name: string): string[] | undefined {
  return process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
}

async function main(): Promise<void> {
  const settings: Settings = {
    connections: intOption('connections', 'BENCH_CONNECTIONS', 20_000),
    concurrency: intOption('concurrency', 'BENCH_CONCURRENCY', 64),
    rounds: Math.max(1, intOption('rounds', 'BENCH_ROUNDS', 3)),
    warmup: intOption('warmup', 'BENCH_WARMUP', 2_000),
    stallMs: intOption('stall-ms', 'BENCH_STALL_MS', 5_000),
  };
  const only = option('only');
  const scenarios = (['clean', 'stalled'] as const).filter((s) => (option('scenarios') ?? [s]).includes(s));
  const chosen = targets.filter((t) => only === undefined || only.includes(t.key));
  const python = pythonVersion();
  const runnable = chosen.filter((t) => t.key !== 'python' || python !== undefined);

  console.log(`\n## ingest: inbound events per second (one connection per event)`);
  console.log(`machine: ${machineLine()}${python === undefined ? ', no python3' : `, ${python}`}`);
  console.log(`${libraryLine()} (listenPayloads(), internal, from the sources)`);
  console.log(
    `load: ${whole(settings.connections)} connections per run, concurrency ${settings.concurrency}, ` +
      `${payload.length}-byte event, ${whole(settings.warmup)} warm-up connections, ` +
      `${settings.rounds} rounds (median shown), generator in a separate process; scenarios: ` +
      `${scenarios.join(', ')}${scenarios.includes('stalled') ? ` (one extra sender, opened first, stalls ${whole(settings.stallMs)} ms mid-event)` : ''}\n`,
  );

  const load = await LoadGenerator.start();
  const key = (scenario: Scenario, target: string) => `${scenario}/${target}`;
  const results = new Map<string, Measurement[]>();
  for (const scenario of scenarios) for (const t of runnable) results.set(key(scenario, t.key), []);
  try {
    for (let round = 0; round < settings.rounds; round += 1) {
      for (const scenario of scenarios) {
        for (const target of runnable) {
          results.get(key(scenario, target.key))!.push(await measure(target, load, settings, scenario));
        }
      }
    }
  } finally {
    await load.stop();
  }

  const rate = (scenario: Scenario, t: string) =>
    median((results.get(key(scenario, t)) ?? []).map((m) => m.rate));
  const cpu = (scenario: Scenario, t: string) =>
    median((results.get(key(scenario, t)) ?? []).map((m) => m.cpuPerEvent));
  const figures = [];
  for (const scenario of scenarios) {
    console.log(
      scenario === 'clean'
        ? 'clean load:'
        : `\none stalled sender (${whole(settings.stallMs)} ms) among ${whole(settings.connections)} good ones:`,
    );
    printTable(
      ['target', 'events/s', 'min', 'max', 'CPU µs/event', 'counted/sent', 'client errors'],
      runnable.map((t) => {
        const ms = results.get(key(scenario, t.key))!;
        const rates = ms.map((m) => m.rate);
        const counted = ms.reduce((n, m) => n + m.counted, 0);
        const sent = ms.reduce((n, m) => n + m.sent, 0);
        const errors = ms.reduce((n, m) => n + m.errors, 0);
        const first = ms.find((m) => m.firstError !== undefined)?.firstError;
        return [
          t.label,
          whole(rate(scenario, t.key)),
          whole(Math.min(...rates)),
          whole(Math.max(...rates)),
          cpu(scenario, t.key).toFixed(1),
          `${whole(counted)}/${whole(sent)}`,
          errors === 0 ? '0' : `${errors} (${first})`,
        ];
      }),
    );
    const a = rate(scenario, 'listen');
    const ab = a / rate(scenario, 'raw');
    const ac = a / rate(scenario, 'python');
    console.log(
      `${scenario}: a/b = ${ratio(ab)} (target >= ${TARGET_RAW.toFixed(2)}: ${ab >= TARGET_RAW ? 'met' : 'NOT met'})` +
        `   a/c = ${ratio(ac)} (reference only)` +
        `   payloads/b = ${ratio(rate(scenario, 'payloads') / rate(scenario, 'raw'))}`,
    );
    console.log(
      `${scenario}: listener CPU per event a/b = ${ratio(cpu(scenario, 'listen') / cpu(scenario, 'raw'))}x, ` +
        `a/c = ${ratio(cpu(scenario, 'listen') / cpu(scenario, 'python'))}x` +
        ' (CPU time of the listening process over the timed run, divided by its events)',
    );
    const bound = (limit: number) => ({ op: '>=' as const, limit, text: `>= ${limit.toFixed(2)}x` });
    figures.push(
      figure(
        `ingest ${scenario}, listen() / bare Node.js server`,
        ab,
        `${ratio(ab)}x (CPU per event ${ratio(cpu(scenario, 'listen') / cpu(scenario, 'raw'))}x)`,
        scenario === 'clean' ? bound(TARGET_RAW) : undefined,
      ),
      figure(
        `ingest ${scenario}, listen() / vendor-style Python loop`,
        ac,
        `${ratio(ac)}x (${whole(a)} vs ${whole(rate(scenario, 'python'))} events/s; reference only)`,
      ),
    );
  }
  reportFigures(figures);
  console.log(
    `\nnote: the generator and the listener share this machine's ${os.cpus().length} cores, so events/s is bounded ` +
      'by the generator and the kernel too; CPU µs/event is the steadier comparison on a busy machine',
  );
}

// everything stops by itself, even if a target hangs
setTimeout(() => {
  console.error('ingest: gave up after 10 minutes');
  process.exit(2);
}, 600_000).unref();

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
