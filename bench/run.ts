/**
 * Runs every benchmark in sequence, each in its own process (so that one's heap and JIT state
 * do not colour the next), and prints their tables. Never passes or fails on time: the exit code
 * is non-zero only if a benchmark crashed.
 *
 *   npx tsx bench/run.ts             # all but the optional ones (npm run bench)
 *   npx tsx bench/run.ts decode      # some, by name
 *   npx tsx bench/run.ts stress      # optional ones only run when named (npm run bench:stress)
 *
 * Settings go through the environment (BENCH_CONNECTIONS, BENCH_ROUNDS, ...: see each file).
 * At the end it prints the headline figures every benchmark reported (bench/lib/summary.ts)
 * against their targets, with the machine they ran on.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { machineLine } from './lib/machine';
import { readFigures, SUMMARY_ENV } from './lib/summary';
import { printTable } from './lib/table';
import { raiseOpenFiles } from './scale/fleet';
import { fdLimits } from './scale/resources';

interface Bench {
  readonly name: string;
  readonly file: string;
  readonly what: string;
  /** Extra node flags for its process. */
  readonly nodeFlags?: readonly string[];
  /** Arguments for the script. */
  readonly args?: readonly string[];
  /** Runs only when named. */
  readonly optional?: boolean;
  /** Open files its process needs: the limit is raised first (hard and soft when allowed). */
  readonly openFiles?: number;
}

/** Every benchmark, in the order they run. Add new ones here. */
const benches: readonly Bench[] = [
  { name: 'decode', file: 'decode.ts', what: 'decodeEvent vs JSON.parse' },
  {
    name: 'ingest',
    file: 'ingest.ts',
    what: 'inbound events/s: listen() vs raw net server vs vendor-style Python',
  },
  {
    name: 'roundtrip',
    file: 'roundtrip.ts',
    what: 'command-to-output latency, coordinator vs hand-written sockets',
  },
  {
    name: 'overhead',
    file: 'overhead.ts',
    what: "the coordinator's own CPU per command without sockets, at 1, 1,000 and 5,000 units",
  },
  {
    name: 'scale',
    file: 'scale.ts',
    what: '1,000 simulated units, coordinator vs hand-written: round time, memory per unit, open fds',
    nodeFlags: ['--expose-gc'],
  },
  {
    name: 'heap',
    file: 'tools/heapPerUnit.ts',
    what: 'heap retained per connected unit, by difference (3,000 and 10,000 units in memory)',
    args: ['--units=3000,10000'],
  },
  {
    name: 'shoot',
    file: 'shoot.ts',
    what: 'fire spread for 10, 100 and 1,000 units, read by the units and sent: coordinator.shoot vs runSequence per unit vs a hand-written fire',
  },
  {
    name: 'attacks',
    file: 'attacks.ts',
    what: 'the listener under attack (slowloris, silent connections, bursts, brace drip, deep nesting): good events served, CPU, memory, fds',
    nodeFlags: ['--expose-gc'],
    optional: true,
  },
  {
    name: 'stress',
    file: 'scale.ts',
    what: '5,000 simulated units, coordinator vs hand-written',
    nodeFlags: ['--expose-gc'],
    args: [
      '--units=5000',
      '--rounds=5',
      '--memory-at=2',
      '--max-s=1200',
      '--concurrency=1000',
      '--spread-ms=5000',
      '--delivery-timeout-ms=8000',
      '--progress',
      '--sequential',
    ],
    optional: true,
    openFiles: 40_000,
  },
];

function main(): void {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length > 0) {
    console.error(`unknown bench: ${unknown.join(', ')} (known: ${benches.map((b) => b.name).join(', ')})`);
    process.exit(2);
  }
  const chosen = benches.filter((b) => (wanted.length === 0 ? b.optional !== true : wanted.includes(b.name)));
  const started = new Date();
  console.log(`# pycom-rx benchmarks (${started.toISOString()})`);
  console.log(`machine: ${machineLine()}`);
  console.log(`running: ${chosen.map((b) => `${b.name} (${b.what})`).join('; ')}`);
  // the benchmarks measure the built package, as users run it (bench/lib/library.ts)
  if (process.env.BENCH_SOURCE !== 'src') {
    console.log('building the package (npm run build) ...');
    const build = spawnSync('npm', ['run', '--silent', 'build'], {
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0) {
      console.error('bench: npm run build failed');
      process.exit(1);
    }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pycom-rx-bench-'));
  const summary = path.join(dir, 'figures.jsonl');
  const failed: string[] = [];
  for (const bench of chosen) {
    const args = [
      ...(bench.nodeFlags ?? []),
      '--import',
      'tsx',
      path.join(__dirname, bench.file),
      ...(bench.args ?? []),
    ];
    const raise = bench.openFiles !== undefined && bench.openFiles > fdLimits().soft;
    const [command, argv] = raise
      ? ['/bin/sh', ['-c', `${raiseOpenFiles(bench.openFiles!)}; exec "$0" "$@"`, process.execPath, ...args]]
      : [process.execPath, args];
    const result = spawnSync(command, argv, {
      stdio: 'inherit',
      timeout: 25 * 60_000,
      env: { ...process.env, [SUMMARY_ENV]: summary },
    });
    if (result.status !== 0)
      failed.push(`${bench.name} (${result.error?.message ?? `exit ${result.status}`})`);
  }
  const figures = readFigures(summary);
  rmSync(dir, { recursive: true, force: true });
  if (figures.length > 0) {
    console.log(`\n## summary: headline figures and targets (issues 14 and 26)`);
    console.log(`machine: ${machineLine()}`);
    console.log(
      `run: ${started.toISOString()} to ${new Date().toISOString()}; ${os.loadavg()[0]!.toFixed(2)} load average (1 min) at the end. ` +
        'Figures on a small shared machine are noisy: compare ratios, and rerun before trusting one.\n',
    );
    printTable(
      ['figure', 'value', 'target', 'met'],
      figures.map((f) => [f.figure, f.shown, f.target, f.met === undefined ? '' : f.met ? 'yes' : 'NO']),
    );
  }
  if (failed.length > 0) {
    console.error(`\nfailed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
