/**
 * Runs every benchmark in sequence, each in its own process (so that one's heap and JIT state
 * do not colour the next), and prints their tables. Never passes or fails on time: the exit code
 * is non-zero only if a benchmark crashed.
 *
 *   npx tsx bench/run.ts             # all
 *   npx tsx bench/run.ts decode      # some, by name
 *
 * Settings go through the environment (BENCH_CONNECTIONS, BENCH_ROUNDS, ...: see each file).
 */
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { machineLine } from './lib/machine';

interface Bench {
  readonly name: string;
  readonly file: string;
  readonly what: string;
  /** Extra node flags for its process. */
  readonly nodeFlags?: readonly string[];
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
    name: 'scale',
    file: 'scale.ts',
    what: '1,000 simulated units: round time, memory per unit, open fds',
    nodeFlags: ['--expose-gc'],
  },
];

function main(): void {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length > 0) {
    console.error(`unknown bench: ${unknown.join(', ')} (known: ${benches.map((b) => b.name).join(', ')})`);
    process.exit(2);
  }
  const chosen = benches.filter((b) => wanted.length === 0 || wanted.includes(b.name));
  console.log(`# pycom-rx benchmarks (${new Date().toISOString()})`);
  console.log(`machine: ${machineLine()}`);
  console.log(`running: ${chosen.map((b) => `${b.name} (${b.what})`).join('; ')}`);
  const failed: string[] = [];
  for (const bench of chosen) {
    const args = [...(bench.nodeFlags ?? []), '--import', 'tsx', path.join(__dirname, bench.file)];
    const result = spawnSync(process.execPath, args, {
      stdio: 'inherit',
      timeout: 15 * 60_000,
    });
    if (result.status !== 0)
      failed.push(`${bench.name} (${result.error?.message ?? `exit ${result.status}`})`);
  }
  if (failed.length > 0) {
    console.error(`\nfailed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
