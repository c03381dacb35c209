/**
 * shoot: the fire spread of a rig for 10, 100 and 1,000 simulated units, four ways:
 *
 * - `shoot`: `coordinator.shoot(units, sequence)` (load everywhere, then fire all at once);
 * - `naive`: `coordinator.runSequence` per unit in parallel (merged), which fires each unit as soon
 *   as that unit is loaded;
 * - `floor`: a hand-written fire (raw `node:net`, shoot/byHand.ts): loaded the same way, then a
 *   connection opened to every unit, and only once all are connected every `runSeq` payload
 *   (built beforehand) written and ended in one synchronous loop;
 * - `connect`: by hand too, but connecting at fire time as any sender that opens a connection per
 *   request does (the library's `send` too): connect to every unit in one loop, write each
 *   payload in its connection's `connect` callback.
 *
 *   npx tsx bench/shoot.ts [--units=10,100,1000] [--rounds=3] [--command-ms=500]
 *                          [--unit-processes=1] [--only=shoot,naive,floor,connect]
 *                          [--units-cpu-prof=DIR]
 *
 * Two spreads per round, each first to last `boardiocli runSeq` request, each on one clock:
 *
 * - **read by the units** (the issue's measure): the units run in their own process
 *   (scale/units.ts, started by scale/fleet.ts; 127.124.16.0/20 is left to this benchmark), which
 *   stamps each `runSeq` request with `process.hrtime.bigint()` as soon as the unit has read and
 *   decoded it (its `request` activity, before the command starts) and hands the stamps over IPC
 *   after the round. One event loop reads for every unit, one request after the other, so this
 *   spread is at least what that process needs to read N requests: the `floor` column;
 * - **sent** (shoot/sendStamps.ts): when this process handed each request to the system (its
 *   `socket.end(bytes)`), which on loopback puts it in the unit's socket queue in the same call:
 *   what units that each have their own processor (a real rig) would see, network aside.
 *
 * The units use a function executor (no shell): the sequence file is in each unit's home already,
 * `uSeq` / `runSeq` hand the verb to the simulated boardio, rows play 1 ms each. Each command
 * answers after `--command-ms` (default 500 ms, past the fire window even at 1,000 units), as a
 * real command takes time to run: so no unit sends its output or plays its sequence in the units'
 * process while the others are still receiving. `--command-ms=0` answers at once (then each unit
 * also connects back to send its output between two reads, which doubles the read spread).
 * `--unit-processes=2` splits the units over two processes; their stamps come from the same
 * clock (the system's monotonic clock is one for every process), so they compare.
 *
 * The ways alternate in a rotating order, so that a busy neighbour slows all alike. Prints p50 and
 * max of each spread over the rounds, and the spread `shoot` reports itself (its summary's
 * `fireSpreadMs`: first to last hand-over confirmed, as the coordinator sees it, whole ms).
 * Targets (reported, never asserted): 100 units within 5 ms, 1,000 within 50 ms, with `shoot`.
 */
import { lastValueFrom, merge, tap, type Observable } from 'rxjs';
import { library, libraryLine, simulator } from './lib/library';
import { intOption } from './lib/args';
import { machineLine } from './lib/machine';
import { figure, reportFigures, type Figure } from './lib/summary';
import { median, printTable } from './lib/table';
import { Fleet } from './scale/fleet';
import { HandFire, type HandTarget } from './shoot/byHand';
import { stampSends } from './shoot/sendStamps';
// plain data, not measured: taken from the sources
import { preset, renderSequence } from '../src/sequence';

const { createCoordinator } = library;
const { nthAddress } = simulator;

/** The first unit's address; the others follow it. */
const BASE = '127.124.16.1';
const SEQUENCE = preset({ mode: 'ALL', camera: 'nikon', power: 50 });
const FIRE = 'boardiocli runSeq';
const TARGETS: Readonly<Record<number, number>> = { 100: 5, 1000: 50 };
/** Longest wait for any phase of a hand-written round (loads, completions), in ms. */
const PHASE_TIMEOUT_MS = 60_000;

const WAYS = ['shoot', 'naive', 'floor', 'connect'] as const;
type Way = (typeof WAYS)[number];

function listOption(name: string, fallback: string): string[] {
  const flag = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return (flag?.slice(name.length + 3) ?? fallback).split(',');
}

function ways(): Way[] {
  const chosen = listOption('only', WAYS.join(','));
  for (const w of chosen)
    if (!(WAYS as readonly string[]).includes(w)) throw new Error(`--only: unknown way ${w}`);
  return chosen as Way[];
}

/** `--units-cpu-prof=DIR`: the units' processes write a CPU profile there when they exit. */
const profileDir = process.argv
  .slice(2)
  .find((a) => a.startsWith('--units-cpu-prof='))
  ?.slice('--units-cpu-prof='.length);

/** What one round of one way measured, in ms. */
interface Spread {
  /** First to last `runSeq` read by a unit. */
  readonly read: number;
  /** First to last `runSeq` handed to the system by this process. */
  readonly sent: number;
  /** First to last hand-over as `shoot` reports it (whole ms); only for `shoot`. */
  readonly says?: number;
}

/** The rig: the units' processes, the coordinator, the hand-written fire, the send stamps. */
interface Rig {
  readonly fleets: readonly Fleet[];
  readonly targets: readonly HandTarget[];
  readonly coordinator: ReturnType<typeof createCoordinator>;
  readonly hand: HandFire;
  readonly sends: ReturnType<typeof stampSends>;
}

const spreadMs = (us: readonly number[]) => (Math.max(...us) - Math.min(...us)) / 1000;

/** Runs the sequence on every unit one way; resolves the spreads of its `runSeq` requests. */
async function round(way: Way, rig: Rig): Promise<Spread> {
  const { targets, coordinator } = rig;
  let says: number | undefined;
  rig.sends.take();
  if (way === 'floor' || way === 'connect') await rig.hand.round(targets, way, PHASE_TIMEOUT_MS);
  else {
    const work: Observable<unknown> =
      way === 'shoot'
        ? coordinator.shoot(targets, SEQUENCE).pipe(
            tap((e) => {
              if (e.kind !== 'summary') return;
              if (e.outcome !== 'completed') throw new Error(`shoot: ${e.outcome}`);
              says = e.fireSpreadMs;
            }),
          )
        : merge(...targets.map((t) => coordinator.runSequence(t, SEQUENCE)));
    await lastValueFrom(work);
  }
  const sent = rig.sends.take();
  const read = (await Promise.all(rig.fleets.map((f) => f.arrivals()))).flat();
  for (const [what, stamps] of [
    ['read', read],
    ['sent', sent],
  ] as const)
    if (stamps.length !== targets.length)
      throw new Error(`${way}: ${stamps.length} runSeq ${what} for ${targets.length} units`);
  return { read: spreadMs(read), sent: spreadMs(sent), ...(says === undefined ? {} : { says }) };
}

/** Starts `count` units over `processes` processes (consecutive addresses from {@link BASE}). */
async function startFleets(count: number, processes: number, commandMs: number): Promise<Fleet[]> {
  const csv = renderSequence(SEQUENCE);
  const parts = Math.max(1, Math.min(processes, count));
  const sizes = Array.from(
    { length: parts },
    (_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0),
  );
  const started = await Promise.allSettled(
    sizes.map((n, i) =>
      Fleet.start({
        count: n,
        base: nthAddress(
          BASE,
          sizes.slice(0, i).reduce((a, b) => a + b, 0),
        ),
        maxLifetimeMs: 10 * 60_000,
        fdsNeeded: n * 4 + 100,
        rowDurationMs: 1,
        commandMs,
        sequenceCsv: csv,
        ...(profileDir === undefined ? {} : { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }),
      }),
    ),
  );
  const fleets = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(fleets.map((f) => f.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return fleets;
}

interface Settings {
  readonly rounds: number;
  readonly processes: number;
  readonly commandMs: number;
  readonly ways: readonly Way[];
}

/** `count` units, every way `rounds` times in a rotating order; the spreads by way. */
async function measure(count: number, settings: Settings): Promise<Map<Way, Spread[]>> {
  const fleets = await startFleets(count, settings.processes, settings.commandMs);
  const coordinator = createCoordinator({ name: 'shoot-bench', listen: { host: '127.0.0.1', port: 0 } });
  const keep = coordinator.events$.subscribe();
  const sends = stampSends(FIRE);
  const rig: Rig = {
    fleets,
    targets: fleets.flatMap((f) => f.units.map((u) => ({ host: u.host, port: 5000 }))),
    coordinator,
    hand: await HandFire.start(),
    sends,
  };
  const spreads = new Map<Way, Spread[]>(settings.ways.map((w) => [w, []]));
  try {
    for (let r = 0; r < settings.rounds; r += 1)
      for (let i = 0; i < settings.ways.length; i += 1) {
        const way = settings.ways[(r + i) % settings.ways.length] as Way;
        spreads.get(way)?.push(await round(way, rig));
      }
  } finally {
    sends.restore();
    keep.unsubscribe();
    await coordinator.close();
    await rig.hand.close();
    await Promise.all(fleets.map((f) => f.stop()));
  }
  return spreads;
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : '-');
const max = (values: readonly number[]) => (values.length === 0 ? NaN : Math.max(...values));

async function main(): Promise<void> {
  const settings: Settings = {
    rounds: intOption('rounds', 'BENCH_SHOOT_ROUNDS', 3),
    processes: intOption('unit-processes', 'BENCH_SHOOT_UNIT_PROCESSES', 1),
    commandMs: intOption('command-ms', 'BENCH_SHOOT_COMMAND_MS', 500),
    ways: ways(),
  };
  const chosen = settings.ways;
  console.log(
    `\n## shoot: fire spread, first to last runSeq (${settings.rounds} rounds; units in ${settings.processes} process(es), commands answer after ${settings.commandMs} ms)`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(libraryLine());
  const results: [number, Map<Way, Spread[]>][] = [];
  const figures: Figure[] = [];
  for (const count of listOption('units', '10,100,1000').map(Number)) {
    const s = await measure(count, settings);
    results.push([count, s]);
    const of = (way: Way, key: 'read' | 'sent') => (s.get(way) ?? []).map((x) => x[key]);
    const limit = TARGETS[count];
    if (limit === undefined) continue;
    if (chosen.includes('shoot')) {
      const read = max(of('shoot', 'read'));
      const sent = max(of('shoot', 'sent'));
      figures.push(
        figure(`shoot fire spread read by ${count} units (max)`, read, ms(read), {
          op: '<=',
          limit,
          text: `<= ${limit} ms`,
        }),
        figure(`shoot fire spread sent to ${count} units (max)`, sent, ms(sent)),
      );
    }
    if (chosen.includes('floor')) {
      const floor = max(of('floor', 'read'));
      figures.push(figure(`floor: the units' process reads ${count} at once (max)`, floor, ms(floor)));
    }
  }
  for (const [key, title] of [
    ['read', 'read by the units (the units process, its clock)'],
    ['sent', 'sent (handed to the system by this process, its clock)'],
  ] as const) {
    console.log(`\n${title}:`);
    printTable(
      [
        'units',
        ...chosen.flatMap((w) => [`${w} p50`, `${w} max`]),
        ...(key === 'sent' && chosen.includes('shoot') ? ['shoot says'] : []),
      ],
      results.map(([count, s]) => {
        const row = [count.toLocaleString('en-US')];
        for (const way of chosen) {
          const values = (s.get(way) ?? []).map((x) => x[key]);
          row.push(ms(median(values)), ms(max(values)));
        }
        const says = (s.get('shoot') ?? []).flatMap((x) => (x.says === undefined ? [] : [x.says]));
        if (key === 'sent' && chosen.includes('shoot'))
          row.push(says.length === 0 ? '-' : `${Math.min(...says)}-${max(says)} ms`);
        return row;
      }),
    );
  }
  reportFigures(figures);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
