/**
 * shoot: the fire spread of a rig, measured at the simulated units, for 10, 100 and 1,000 units:
 * (a) `coordinator.shoot(units, sequence)` (load everywhere, then fire all at once) against
 * (b) the naive way, `coordinator.runSequence` per unit in parallel (merged), which fires each unit
 * as soon as that unit is loaded.
 *
 *   npx tsx bench/shoot.ts [--units=10,100,1000] [--rounds=3]   (or BENCH_SHOOT_ROUNDS)
 *
 * The spread of a round is the time from the first unit's `boardiocli runSeq` command starting to
 * the last one's, taken from the units' activity streams (`command-started`), NOT at the
 * coordinator: what the rig sees. Each activity is stamped with `performance.now()` when this
 * process receives it (synchronously with the unit's report), for sub-millisecond resolution. The
 * units run in this process (127.124.16.0/20 is left to this benchmark) with a function executor
 * (no shell): the sequence file is in each unit's home already, `uSeq` / `runSeq` hand the verb to
 * the simulated boardio at once. So a unit's own work competes with the coordinator for the one
 * event loop: the figures are an upper bound of what the library adds on loopback.
 *
 * Prints p50 and max of the spread over the rounds, side by side. Targets (reported, never
 * asserted): 100 units within 5 ms, 1,000 within 50 ms, with `shoot`.
 */
import { lastValueFrom, merge, type Observable } from 'rxjs';
import { library, libraryLine, simulator } from './lib/library';
import { intOption } from './lib/args';
import { machineLine } from './lib/machine';
import { figure, reportFigures, type Figure } from './lib/summary';
import { median, printTable } from './lib/table';
// plain data, not measured: taken from the sources
import { preset, renderSequence } from '../src/sequence';

const { createCoordinator } = library;
const { simulateUnits } = simulator;

/** The first unit's address; the others follow it. */
const BASE = '127.124.16.1';
const SEQUENCE = preset({ mode: 'ALL', camera: 'nikon', power: 50 });
const SENT = (verb: string) => `BOARDIO_CLI: Sent: "${verb}" to FIFO file\n`;
const TARGETS: Readonly<Record<number, number>> = { 100: 5, 1000: 50 };

function sizes(): number[] {
  const flag = process.argv.slice(2).find((a) => a.startsWith('--units='));
  return (flag?.slice('--units='.length) ?? '10,100,1000').split(',').map(Number);
}

type Way = 'shoot' | 'naive';

/** One round: runs the sequence on every unit one way; resolves the spread of the `runSeq` starts, in ms. */
async function round(
  way: Way,
  group: ReturnType<typeof simulateUnits>,
  coordinator: ReturnType<typeof createCoordinator>,
): Promise<number> {
  const starts: number[] = [];
  const watch = group.events$.subscribe((a) => {
    if (a.kind === 'command-started' && a.command.includes('runSeq')) starts.push(performance.now());
  });
  try {
    const targets = group.units.map((u) => ({ host: u.host, port: u.port }));
    const work: Observable<unknown> =
      way === 'shoot'
        ? coordinator.shoot(targets, SEQUENCE)
        : merge(...targets.map((t) => coordinator.runSequence(t, SEQUENCE)));
    await lastValueFrom(work);
    if (starts.length !== targets.length)
      throw new Error(`${way}: ${starts.length} runSeq of ${targets.length} units`);
    return Math.max(...starts) - Math.min(...starts);
  } finally {
    watch.unsubscribe();
  }
}

async function measure(count: number, rounds: number): Promise<Record<Way, number[]>> {
  const csv = renderSequence(SEQUENCE);
  const group = simulateUnits(count, {
    base: BASE,
    hardwareReadyDelayMs: 0,
    rowDurationMs: 1,
    homeFiles: { 'la4_sequence.csv': csv },
    executor: (command, { boardio }) => {
      const verb = /runSeq/.test(command) ? 'runSeq' : 'uSeq';
      boardio(verb);
      return { stdout: SENT(verb) };
    },
  });
  await group.ready;
  const coordinator = createCoordinator({ name: 'shoot-bench', listen: { host: '127.0.0.1', port: 0 } });
  const keep = coordinator.events$.subscribe();
  const spreads: Record<Way, number[]> = { shoot: [], naive: [] };
  try {
    for (let r = 0; r < rounds; r += 1)
      for (const way of (r % 2 === 0 ? ['shoot', 'naive'] : ['naive', 'shoot']) as Way[])
        spreads[way].push(await round(way, group, coordinator));
  } finally {
    keep.unsubscribe();
    await coordinator.close();
    await group.close();
  }
  return spreads;
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : '-');

async function main(): Promise<void> {
  const rounds = intOption('rounds', 'BENCH_SHOOT_ROUNDS', 3);
  console.log(`\n## shoot: fire spread at the units, shoot vs runSequence per unit (${rounds} rounds)`);
  console.log(`machine: ${machineLine()}`);
  console.log(`library: ${libraryLine()}`);
  const rows: string[][] = [];
  const figures: Figure[] = [];
  for (const count of sizes()) {
    const s = await measure(count, rounds);
    const shootMax = Math.max(...s.shoot);
    rows.push([
      count.toLocaleString('en-US'),
      ms(median(s.shoot)),
      ms(shootMax),
      ms(median(s.naive)),
      ms(Math.max(...s.naive)),
    ]);
    const limit = TARGETS[count];
    if (limit !== undefined)
      figures.push(
        figure(`shoot fire spread, ${count} units (max)`, shootMax, ms(shootMax), {
          op: '<=',
          limit,
          text: `<= ${limit} ms`,
        }),
      );
  }
  printTable(['units', 'shoot p50', 'shoot max', 'naive p50', 'naive max'], rows);
  reportFigures(figures);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
