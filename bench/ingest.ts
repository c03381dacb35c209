/**
 * ingest: how many inbound events per second listen() takes, against a bare Node.js server (the
 * practical limit) and a Python listener written like the vendor's example.
 *
 *   npx tsx bench/ingest.ts [--connections=20000] [--concurrency=64] [--rounds=3] [--warmup=2000]
 *                           [--only=listen,payloads,raw,python]
 *   (or BENCH_CONNECTIONS, BENCH_CONCURRENCY, BENCH_ROUNDS, BENCH_WARMUP)
 *
 * A load generator in a separate process opens the connections to 127.0.0.1, each writing one
 * valid encoded event and ending. Each round runs every target once (fresh listener, warm-up,
 * then the timed run); the table shows the median of the rounds. Target (reported, not
 * asserted): (a) reaches at least 0.85 of (b).
 */
import * as os from 'node:os';
import { encodeEvent } from '../src/protocol';
import { intOption } from './lib/args';
import { samples } from './lib/events';
import { machineLine, pythonVersion } from './lib/machine';
import { median, printTable, ratio, whole } from './lib/table';
import { LoadGenerator } from './ingest/generator';
import { targets, type Target } from './ingest/targets';

const TARGET = 0.85;
const SETTLE_MS = 5_000;

interface Settings {
  readonly connections: number;
  readonly concurrency: number;
  readonly rounds: number;
  readonly warmup: number;
}

interface Measurement {
  readonly rate: number;
  /** CPU time the listener process spent per event, in µs. */
  readonly cpuPerEvent: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly counted: number;
}

const payload = encodeEvent(samples.find((s) => s.name === 'output: boardio hand-over')!.event);

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function measure(target: Target, load: LoadGenerator, s: Settings): Promise<Measurement> {
  const total = s.warmup + s.connections;
  const running = await target.start(s.warmup > 0 ? [s.warmup, total] : [total]);
  try {
    if (s.warmup > 0) {
      await load.run(running.port, s.warmup, s.concurrency, payload);
    }
    const warm = s.warmup > 0 ? await within(running.reached(s.warmup), SETTLE_MS) : undefined;
    const start = performance.now();
    const startCpu = warm?.cpuMs ?? NaN;
    const result = await load.run(running.port, s.connections, s.concurrency, payload);
    const end = await within(running.reached(total), SETTLE_MS);
    const counts = await running.stop();
    return {
      rate: end === undefined ? NaN : s.connections / ((end.at - start) / 1000),
      cpuPerEvent: end === undefined ? NaN : ((end.cpuMs - startCpu) * 1000) / s.connections,
      errors: result.errors,
      firstError: result.firstError,
      counted: counts.valid - s.warmup,
    };
  } catch (e) {
    await running.stop();
    throw e;
  }
}

async function main(): Promise<void> {
  const settings: Settings = {
    connections: intOption('connections', 'BENCH_CONNECTIONS', 20_000),
    concurrency: intOption('concurrency', 'BENCH_CONCURRENCY', 64),
    rounds: Math.max(1, intOption('rounds', 'BENCH_ROUNDS', 3)),
    warmup: intOption('warmup', 'BENCH_WARMUP', 2_000),
  };
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',');
  const chosen = targets.filter((t) => only === undefined || only.includes(t.key));
  const python = pythonVersion();
  const runnable = chosen.filter((t) => t.key !== 'python' || python !== undefined);

  console.log(`\n## ingest: inbound events per second (one connection per event)`);
  console.log(`machine: ${machineLine()}${python === undefined ? ', no python3' : `, ${python}`}`);
  console.log(
    `load: ${whole(settings.connections)} connections per run, concurrency ${settings.concurrency}, ` +
      `${payload.length}-byte event, ${whole(settings.warmup)} warm-up connections, ` +
      `${settings.rounds} rounds (median shown), generator in a separate process\n`,
  );

  const load = await LoadGenerator.start();
  const results = new Map<string, Measurement[]>(runnable.map((t) => [t.key, []]));
  try {
    for (let round = 0; round < settings.rounds; round += 1) {
      for (const target of runnable) results.get(target.key)!.push(await measure(target, load, settings));
    }
  } finally {
    await load.stop();
  }

  const rate = (key: string) => median((results.get(key) ?? []).map((m) => m.rate));
  const cpu = (key: string) => median((results.get(key) ?? []).map((m) => m.cpuPerEvent));
  printTable(
    ['target', 'events/s', 'min', 'max', 'CPU µs/event', 'counted/sent', 'client errors'],
    runnable.map((t) => {
      const ms = results.get(t.key)!;
      const rates = ms.map((m) => m.rate);
      const counted = ms.reduce((n, m) => n + m.counted, 0);
      const errors = ms.reduce((n, m) => n + m.errors, 0);
      const first = ms.find((m) => m.firstError !== undefined)?.firstError;
      return [
        t.label,
        whole(rate(t.key)),
        whole(Math.min(...rates)),
        whole(Math.max(...rates)),
        cpu(t.key).toFixed(1),
        `${whole(counted)}/${whole(settings.connections * ms.length)}`,
        errors === 0 ? '0' : `${errors} (${first})`,
      ];
    }),
  );
  const a = rate('listen');
  console.log(
    `\na/b = ${ratio(a / rate('raw'))} (target >= ${TARGET}, reported, not asserted)` +
      `   a/c = ${ratio(a / rate('python'))}   payloads/b = ${ratio(rate('payloads') / rate('raw'))}`,
  );
  console.log(
    `listener CPU per event: a/b = ${ratio(cpu('listen') / cpu('raw'))}x, a/c = ${ratio(cpu('listen') / cpu('python'))}x` +
      ' (CPU time of the listening process over the timed run, divided by its events)',
  );
  console.log(
    `note: the generator and the listener share this machine's ${os.cpus().length} cores, so events/s is bounded ` +
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
