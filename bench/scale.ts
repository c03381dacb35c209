/**
 * scale: one coordinator against 1,000 simulated units in a separate process on 127.0.100.1
 * onwards, all on port 5000 as on a LAN; then the same work done by a hand-written fleet driver.
 *
 *   npx tsx bench/scale.ts [--units=1000] [--rounds=20] [--heartbeat-ms=5000] [--max-s=600]
 *                          [--only=a|b] [--memory-at=5] [--spread-ms=0] [--concurrency=0 (no cap)]
 *                          [--delivery-timeout-ms=2000] [--progress] [--sequential]
 *   (or BENCH_SCALE_UNITS, BENCH_SCALE_ROUNDS, BENCH_SCALE_HEARTBEAT_MS, BENCH_SCALE_MAX_S)
 *   npx tsx bench/run.ts stress     # the same with 5,000 units (npm run bench:stress)
 *
 * (a) The coordinator (in this process) heartbeats every unit (`connect(unit)` for each) and,
 * once all are connected, runs one command on every unit per round through `coordinator.run`.
 * (b) Then, against the same units and from the same process, the hand-written driver of
 * scale/handwritten.ts (raw `node:net`, its own server, heartbeats to every unit, positional
 * matching) does the same rounds. Each command echoes a unique token, which must come back in its
 * own output from its own unit. Prints, for both, the time until every unit is connected, the
 * round times and CPU per command, and `scale a/b: median round R`; for the coordinator, its
 * memory per unit (heap and RSS over the baseline, after a forced collection) once connected,
 * after round 5 and after the last round (and the growth between those two), and its open file
 * descriptors before, during and after (no growth expected).
 *
 * Bounded: the units' process exits by itself when this one goes away or after the overall cap,
 * every wait has a timeout, and the whole run gives up after `--max-s` seconds.
 */
import { from, lastValueFrom, merge, mergeMap, timer, toArray } from 'rxjs';
import type { CommandRequest, Presence } from '../src/coordinator';
import { library, libraryLine } from './lib/library';
import { intOption } from './lib/args';
import { machineLine } from './lib/machine';
import { figure, reportFigures } from './lib/summary';
import { median, printTable, ratio, whole, type Cell } from './lib/table';
import { Fleet } from './scale/fleet';
import { HandWrittenFleet } from './scale/handwritten';
import { fdLimits, forceGc, kib, listenOverflows, mib, openFds, settledMemory } from './scale/resources';
import type { UnitAddress } from './scale/units';

const { createCoordinator } = library;

/** The first unit's address: 1,000 units end at 127.0.103.232, 5,000 at 127.0.119.136. */
const BASE = '127.0.100.1';
/** Time allowed for each output, both drivers. */
const COMMAND_TIMEOUT_MS = 10_000;
/** Targets of issues 14 and 26 (reported, never asserted). */
const ROUND_RATIO_TARGET = 1.25;
/** CPU per command, coordinator / hand-written: 1,000 units (issue 26); 5,000 units (bench:stress). */
const cpuRatioTarget = (units: number) => (units >= 5_000 ? 1.25 : 1.15);
/**
 * Heap retained per connected unit (issue 26): measured by difference in tools/heapPerUnit.ts;
 * here the heap over the baseline divided by the units also carries the fixed costs (code
 * compiled after the baseline, the listener: ~1 MB, ~1 KiB per unit at 1,000 units).
 */
const HEAP_PER_UNIT_TARGET_KIB = 4;

interface Settings {
  readonly count: number;
  readonly rounds: number;
  readonly heartbeatIntervalMs: number;
  /** After which round the intermediate memory reading is taken (1-based). */
  readonly memoryAt: number;
  /** The units' first heartbeats are spread over this long (0: all at once). */
  readonly spreadMs: number;
  /** Commands waiting at once, all units together, both drivers (Infinity: no cap). */
  readonly concurrency: number;
  /** How long a unit tries to connect to hand an event over. */
  readonly deliveryTimeoutMs: number;
  /** Print a line after every round. */
  readonly progress: boolean;
  /** (a) alone, then (b) alone, instead of alternating rounds with both connected. */
  readonly sequential: boolean;
}

interface Round {
  readonly ms: number;
  readonly cpuMs: number;
  readonly ok: number;
  readonly wrong: number;
  readonly failed: Map<string, number>;
  readonly fds: number;
}

/** One way of running a round: one command per unit, each result sorted as `ok`, `wrong` or an error name. */
interface Driver {
  round(jobs: readonly Job[]): Promise<string[]>;
}

/** What every driver reports: connecting, then the rounds. */
interface Phase {
  readonly connectMs: number;
  readonly connected: number;
  readonly rounds: Round[];
  /** Outputs that matched no command. */
  unmatched: number;
  /** Inbound payloads that were not events. */
  rejected: number;
  /** Rejected inbound payloads by reason (coordinator). */
  readonly rejectedReasons: Map<string, number>;
  /** Units reported lost (coordinator) or heartbeats not delivered (hand-written). */
  lost: number;
}

interface Memory {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly rss: number;
}

/** One driver alone (the coordinator, or the hand-written one with `--only=b`): memory and fds. */
interface Solo {
  readonly rounds: Round[];
  readonly baseline: Memory;
  readonly connectedMemory: Memory;
  readonly midMemory: Memory | undefined;
  readonly afterMemory: Memory;
  readonly fdsBefore: number;
  readonly fdsConnected: number;
  readonly fdsAfter: number;
  fdsClosed: number;
  readonly overflows: number;
}

interface Job extends CommandRequest {
  readonly token: string;
  readonly id: string;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `condition()` holds (polled), or after `ms`; says which. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

let roundsRun = 0;

/** One command per unit, each echoing a token unique to this round and unit. */
function jobsOf(units: readonly UnitAddress[]): Job[] {
  const r = (roundsRun += 1);
  return units.map((u, i) => ({
    unit: u.host,
    command: `echo r${r}-u${i}`,
    token: `r${r}-u${i}`,
    id: u.id,
  }));
}

/**
 * Sorts one `coordinator.run` result: `ok`, `wrong` (an output, but not this command's), or the
 * error's name. Accepts both result shapes (`kind: 'output' | 'failed'`, and the older `ok`).
 */
function classify(result: unknown): string {
  const r = result as {
    readonly ok?: boolean;
    readonly kind?: string;
    readonly request: Job;
    readonly output?: { readonly output: string; readonly id: string };
    readonly error?: { readonly name?: string };
  };
  const succeeded = r.kind === undefined ? r.ok === true : r.kind === 'output';
  if (!succeeded || r.output === undefined) return r.error?.name ?? 'Error';
  return r.output.output === `${r.request.token}\n` && r.output.id === r.request.id ? 'ok' : 'wrong';
}

async function timedRound(
  driver: Driver,
  units: readonly UnitAddress[],
  label = '',
  progress = false,
): Promise<Round> {
  const jobs = jobsOf(units);
  const startCpu = cpuMs();
  const start = performance.now();
  const kinds = await driver.round(jobs);
  const ms = performance.now() - start;
  const cpu = cpuMs() - startCpu;
  const failed = new Map<string, number>();
  let ok = 0;
  let wrong = 0;
  for (const kind of kinds) {
    if (kind === 'ok') ok += 1;
    else if (kind === 'wrong') wrong += 1;
    else failed.set(kind, (failed.get(kind) ?? 0) + 1);
  }
  if (progress)
    console.log(
      `  round ${label}: ${whole(ms)} ms, ${whole(cpu)} ms CPU, ${whole(ok)} ok, ${whole(wrong)} wrong, ` +
        `${whole(kinds.length - ok - wrong)} failed ${[...failed].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
  return { ms, cpuMs: cpu, ok, wrong, failed, fds: openFds() };
}

/** The coordinator, connected to every unit; `close()` unsubscribes everything and closes it. */
async function startCoordinator(
  units: readonly UnitAddress[],
  s: Settings,
): Promise<{ driver: Driver; phase: Phase; close: () => Promise<void> }> {
  const coordinator = createCoordinator({
    name: 'scale-bench',
    listen: { host: '127.0.0.1', port: 0 },
    heartbeatIntervalMs: s.heartbeatIntervalMs,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    concurrency: s.concurrency,
  });
  const states = new Map<string, Presence['state']>();
  const start = performance.now();
  let lost = 0;
  // connect() in up to 50 batches spread over spreadMs: each unit's heartbeats keep that phase
  const batches = Math.max(1, Math.min(50, units.length));
  const session = merge(
    ...Array.from({ length: batches }, (_, b) =>
      timer((b * s.spreadMs) / batches).pipe(
        mergeMap(() =>
          merge(
            ...units
              .slice(Math.floor((b * units.length) / batches), Math.floor(((b + 1) * units.length) / batches))
              .map((u) => coordinator.connect(u.host)),
          ),
        ),
      ),
    ),
  ).subscribe((p) => {
    states.set(p.unit, p.state);
    if (p.state === 'lost') lost += 1;
  });
  const connectedCount = () => [...states.values()].filter((st) => st === 'connected').length;
  await until(() => connectedCount() === units.length, 120_000);
  const phase: Phase = {
    connectMs: performance.now() - start,
    connected: connectedCount(),
    rounds: [],
    unmatched: 0,
    rejected: 0,
    rejectedReasons: new Map(),
    lost: 0,
  };
  session.add(
    coordinator.rejected$.subscribe((r) => {
      phase.rejected += 1;
      phase.rejectedReasons.set(r.reason, (phase.rejectedReasons.get(r.reason) ?? 0) + 1);
    }),
  );
  session.add(coordinator.unmatched$.subscribe(() => (phase.unmatched += 1)));
  const driver: Driver = {
    round: async (jobs) => (await lastValueFrom(coordinator.run(from(jobs)).pipe(toArray()))).map(classify),
  };
  const close = async () => {
    phase.lost = lost;
    session.unsubscribe();
    const closeFn = (coordinator as { close?: () => Promise<void> }).close;
    if (closeFn !== undefined) await closeFn.call(coordinator);
  };
  return { driver, phase, close };
}

/** The hand-written driver, connected to every unit. */
async function startHandWritten(
  units: readonly UnitAddress[],
  s: Settings,
): Promise<{ driver: Driver; phase: Phase; close: () => Promise<void> }> {
  const start = performance.now();
  const fleet = await HandWrittenFleet.start(units, {
    heartbeatIntervalMs: s.heartbeatIntervalMs,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    spreadMs: s.spreadMs,
    concurrency: s.concurrency,
  });
  await until(() => fleet.connected === units.length, 120_000);
  const phase: Phase = {
    connectMs: performance.now() - start,
    connected: fleet.connected,
    rounds: [],
    unmatched: 0,
    rejected: 0,
    rejectedReasons: new Map(),
    lost: 0,
  };
  const hosts = units.map((u) => u.host);
  const driver: Driver = {
    round: async (jobs) => {
      const done = await fleet.runRound(
        hosts,
        jobs.map((j) => j.command),
      );
      return done.map((d, i) =>
        !d.ok ? d.error : d.output === `${jobs[i]!.token}\n` && d.id === jobs[i]!.id ? 'ok' : 'wrong',
      );
    },
  };
  const close = async () => {
    phase.unmatched = fleet.stats.unmatched;
    phase.rejected = fleet.stats.rejected;
    phase.lost = fleet.stats.heartbeatsFailed;
    await fleet.close();
  };
  return { driver, phase, close };
}

/** Round figures of a phase, for the side/** Round figures of some rounds, for the side-by-side table and the summary. */
function roundFigures(rounds: readonly Round[]) {
  const times = rounds.map((r) => r.ms);
  const failures = new Map<string, number>();
  for (const r of rounds) for (const [k, v] of r.failed) failures.set(k, (failures.get(k) ?? 0) + v);
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  const ok = rounds.reduce((n, r) => n + r.ok, 0);
  const wrong = rounds.reduce((n, r) => n + r.wrong, 0);
  const total = ok + wrong + failed;
  const cpuPerCommandUs = (rounds.reduce((n, r) => n + r.cpuMs, 0) * 1000) / Math.max(1, total);
  return { times, failures, failed, ok, wrong, total, cpuPerCommandUs, medianMs: median(times) };
}

/** The side-by-side table: the coordinator alone, then (a) and (b) in alternating rounds. */
function printRounds(
  s: Settings,
  columns: readonly { readonly label: string; readonly phase: Phase; readonly rounds: readonly Round[] }[],
): void {
  const f = columns.map((c) => roundFigures(c.rounds));
  const row = (name: string, cell: (p: Phase, i: number) => Cell): Cell[] => [
    name,
    ...columns.map((c, i) => cell(c.phase, i)),
  ];
  printTable(
    ['figure', ...columns.map((c) => c.label)],
    [
      row(
        'connected / time to all connected',
        (p) =>
          `${whole(p.connected)} / ${whole(p.connectMs)} ms${p.connected === s.count ? '' : ' (not all)'}`,
      ),
      row('rounds', (_, i) => whole(f[i]!.times.length)),
      row('round time min / median / max', (_, i) => {
        const t = f[i]!.times;
        return `${whole(Math.min(...t))} / ${whole(median(t))} / ${whole(Math.max(...t))} ms`;
      }),
      row('first round, last round', (_, i) => {
        const t = f[i]!.times;
        return `${whole(t[0] ?? NaN)} ms, ${whole(t[t.length - 1] ?? NaN)} ms`;
      }),
      row('commands per second (median round)', (_, i) => whole(s.count / (f[i]!.medianMs / 1000))),
      row('CPU of this process per command', (_, i) => `${whole(f[i]!.cpuPerCommandUs)} µs`),
      row(
        'outputs matched / wrong / failed',
        (_, i) => `${whole(f[i]!.ok)} / ${whole(f[i]!.wrong)} / ${whole(f[i]!.failed)}`,
      ),
      row('failures by type', (_, i) =>
        f[i]!.failures.size === 0 ? 'none' : [...f[i]!.failures].map(([k, v]) => `${k} ${v}`).join(', '),
      ),
      row('presence lost (a) / heartbeats not delivered (b)', (p) => whole(p.lost)),
      row(
        'rejected inbound (by reason) / unmatched outputs',
        (p) =>
          `${whole(p.rejected)}${p.rejectedReasons.size === 0 ? '' : ` (${[...p.rejectedReasons].map(([k, v]) => `${k} ${v}`).join(', ')})`} / ${whole(p.unmatched)}`,
      ),
    ],
  );
}

function printMemory(
  s: Settings,
  a: Solo,
  who: string,
): { rssPerUnitKiB: number; heapPerUnitKiB: number; growthPerUnit: number } {
  const perUnit = (bytes: number) => `${kib(bytes / s.count)} KiB`;
  const row = (label: string, m: Memory): Cell[] => [
    label,
    `${mib(m.heapUsed)} MiB`,
    `${mib(m.heapTotal)} MiB`,
    `${mib(m.external)} MiB`,
    `${mib(m.rss)} MiB`,
    perUnit(m.heapUsed - a.baseline.heapUsed),
    perUnit(m.rss - a.baseline.rss),
  ];
  printTable(
    [
      `${who} memory (alone, after a forced GC)`,
      'heap used',
      'heap total',
      'external',
      'RSS',
      'heap per unit',
      'RSS per unit',
    ],
    [
      [
        `baseline (units started, no ${who})`,
        `${mib(a.baseline.heapUsed)} MiB`,
        `${mib(a.baseline.heapTotal)} MiB`,
        `${mib(a.baseline.external)} MiB`,
        `${mib(a.baseline.rss)} MiB`,
        '',
        '',
      ],
      row('all connected', a.connectedMemory),
      ...(a.midMemory ? [row(`after round ${s.memoryAt}`, a.midMemory)] : []),
      row(`after ${a.rounds.length} rounds`, a.afterMemory),
    ],
  );
  const rssPerUnitKiB = (a.afterMemory.rss - a.baseline.rss) / s.count / 1024;
  const heapPerUnitKiB = (a.afterMemory.heapUsed - a.baseline.heapUsed) / s.count / 1024;
  let growthPerUnit = NaN;
  if (a.midMemory !== undefined) {
    const heap = a.afterMemory.heapUsed - a.midMemory.heapUsed;
    const rss = a.afterMemory.rss - a.midMemory.rss;
    growthPerUnit = rss / s.count;
    console.log(
      `growth from round ${s.memoryAt} to round ${a.rounds.length}: heap ${heap >= 0 ? '+' : ''}${kib(heap)} KiB ` +
        `(${whole(heap / s.count)} B per unit), RSS ${rss >= 0 ? '+' : ''}${kib(rss)} KiB (${whole(rss / s.count)} B per unit)`,
    );
  }
  console.log(
    `after ${a.rounds.length} rounds, per unit: heap ${heapPerUnitKiB.toFixed(1)} KiB` +
      (who === 'coordinator'
        ? ` over the baseline, fixed costs included (the target, <= ${HEAP_PER_UNIT_TARGET_KIB} KiB, is per unit ` +
          'by difference: bench/tools/heapPerUnit.ts)'
        : '') +
      `, RSS ${rssPerUnitKiB.toFixed(1)} KiB (reported)`,
  );
  return { rssPerUnitKiB, heapPerUnitKiB, growthPerUnit };
}

function printFds(a: Solo, who: string): void {
  const roundFds = a.rounds.map((r) => r.fds);
  printTable(
    [`${who} open fds`, 'count'],
    [
      [`before (units started, no ${who})`, whole(a.fdsBefore)],
      ['all connected', whole(a.fdsConnected)],
      [
        'end of each round (heartbeats in flight): min / max',
        `${whole(Math.min(...roundFds))} / ${whole(Math.max(...roundFds))}`,
      ],
      [`after ${a.rounds.length} rounds (settled, up to 2 s)`, whole(a.fdsAfter)],
      ['after unsubscribing everything (and close())', whole(a.fdsClosed)],
    ],
  );
}

/** One driver alone: connect, `rounds` rounds, memory after round `memoryAt` and at the end. */
async function solo(
  units: readonly UnitAddress[],
  s: Settings,
  start: typeof startCoordinator,
): Promise<{ driver: Awaited<ReturnType<typeof startCoordinator>>; solo: Solo }> {
  const baseline = settledMemory();
  const fdsBefore = openFds();
  const overflowsBefore = listenOverflows();
  const driver = await start(units, s);
  const connectedMemory = settledMemory();
  const fdsConnected = openFds();
  const rounds: Round[] = [];
  let midMemory: Memory | undefined;
  for (let r = 0; r < s.rounds; r += 1) {
    rounds.push(await timedRound(driver.driver, units, `alone ${r + 1}`, s.progress));
    if (r + 1 === s.memoryAt && s.memoryAt < s.rounds) midMemory = settledMemory();
  }
  const afterMemory = settledMemory();
  // heartbeats may be in flight at any moment: give them a little time to close, so that only
  // a real leak shows as growth
  await until(() => openFds() <= fdsConnected, 2_000);
  return {
    driver,
    solo: {
      rounds,
      baseline,
      connectedMemory,
      midMemory,
      afterMemory,
      fdsBefore,
      fdsConnected,
      fdsAfter: openFds(),
      fdsClosed: NaN,
      overflows: listenOverflows() - overflowsBefore,
    },
  };
}

async function main(): Promise<void> {
  const settings: Settings = {
    count: intOption('units', 'BENCH_SCALE_UNITS', 1_000),
    rounds: Math.max(1, intOption('rounds', 'BENCH_SCALE_ROUNDS', 20)),
    heartbeatIntervalMs: intOption('heartbeat-ms', 'BENCH_SCALE_HEARTBEAT_MS', 5_000),
    memoryAt: intOption('memory-at', 'BENCH_SCALE_MEMORY_AT', 5),
    spreadMs: intOption('spread-ms', 'BENCH_SCALE_SPREAD_MS', 0),
    concurrency: intOption('concurrency', 'BENCH_SCALE_CONCURRENCY', 0) || Infinity,
    deliveryTimeoutMs: intOption('delivery-timeout-ms', 'BENCH_SCALE_DELIVERY_TIMEOUT_MS', 2_000),
    progress: process.argv.includes('--progress'),
    sequential: process.argv.includes('--sequential'),
  };
  const { count, rounds, heartbeatIntervalMs } = settings;
  const maxS = intOption('max-s', 'BENCH_SCALE_MAX_S', 900);
  // one driver alone, e.g. under `node --cpu-prof`
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const cap = setTimeout(() => {
    console.error(`scale: gave up after ${maxS} s`);
    process.exit(1);
  }, maxS * 1000);
  cap.unref();

  const limits = fdLimits();
  // per unit and driver: up to one heartbeat, one command and one inbound event connection at once
  const fdsNeeded = count * 3 * (only === undefined ? 2 : 1) + 256;
  // the units' process: a listener per unit, plus the request and event connections in flight
  const unitFds = count * 5 + 256;
  const gcFlag = typeof (globalThis as { gc?: unknown }).gc === 'function';
  const gc = forceGc();
  console.log(`\n## scale: ${whole(count)} simulated units, coordinator vs hand-written`);
  console.log(`machine: ${machineLine()}`);
  console.log(libraryLine());
  console.log(
    `load: ${whole(count)} units (${BASE} onwards, port 5000) in a separate process, function executor ` +
      `(echo, no delay); heartbeats every ${whole(heartbeatIntervalMs)} ms to each unit from each driver. ` +
      `First the coordinator alone: ${rounds} rounds of one command per unit through coordinator.run` +
      `${Number.isFinite(settings.concurrency) ? '' : ' (no concurrency cap)'}, memory and fds; then the hand-written node:net driver (positional matching) ` +
      `${settings.sequential ? `runs ${rounds} rounds once the coordinator has stopped (--sequential)` : `joins and both run ${rounds} more rounds each, alternating (b a a b ...)`}, same units, same process; ` +
      `${settings.spreadMs > 0 ? `first heartbeats spread over ${whole(settings.spreadMs)} ms (connect() in 50 batches); ` : ''}` +
      `${Number.isFinite(settings.concurrency) ? `at most ${whole(settings.concurrency)} commands waiting at once (coordinator option concurrency, and the same cap by hand); ` : ''}` +
      `${settings.deliveryTimeoutMs !== 2_000 ? `units try ${whole(settings.deliveryTimeoutMs)} ms to connect to hand an event over (simulator default 2,000); ` : ''}` +
      `${gc ? `forced GC before each memory reading (${gcFlag ? '--expose-gc' : 'exposed at run time'})` : 'no forced GC available'}`,
  );
  console.log(
    `open files: soft limit ${limits.soft}, hard ${limits.hard} (this process needs about ${fdsNeeded}` +
      `${limits.soft < fdsNeeded ? ': TOO LOW, raise it with `ulimit -n` before running' : ''}); the units' ` +
      `process gets its soft limit raised to ${Math.min(unitFds, limits.hard)} if it is lower` +
      `${unitFds > limits.hard ? ` (above the hard limit ${limits.hard}: raised if allowed, e.g. as root, else capped there)` : ''}\n`,
  );

  const fleet = await Fleet.start({
    count,
    base: BASE,
    maxLifetimeMs: maxS * 1000,
    fdsNeeded: unitFds,
    coordinatorTimeoutMs: Math.max(15_000, heartbeatIntervalMs * 3),
    deliveryTimeoutMs: settings.deliveryTimeoutMs,
  });
  const units = fleet.units;
  try {
    await sleep(50);
    // (a) alone first, for its memory and fds; with --only=b, (b) alone instead
    const first = only === 'b' ? undefined : await solo(units, settings, startCoordinator);
    const bAlone = only === 'b' ? await solo(units, settings, startHandWritten) : undefined;
    const a = first?.driver;
    const closeFirst = async () => {
      if (first === undefined) return;
      await first.driver.close();
      // let the last heartbeat and event connections finish closing
      await until(() => openFds() <= first.solo.fdsBefore, 5_000);
      first.solo.fdsClosed = openFds();
    };
    // --sequential: (a) stops before (b) starts, so the units carry one driver's heartbeats at a time
    if (settings.sequential) await closeFirst();
    const b = only === 'a' ? undefined : (bAlone?.driver ?? (await startHandWritten(units, settings)));
    const overflowsBefore = listenOverflows();
    const pairedA: Round[] = settings.sequential && first !== undefined ? first.solo.rounds : [];
    const pairedB: Round[] = bAlone?.solo.rounds ?? [];
    if (settings.sequential && b !== undefined && bAlone === undefined) {
      for (let r = 0; r < rounds; r += 1)
        pairedB.push(await timedRound(b.driver, units, `b ${r + 1}`, settings.progress));
    } else if (a !== undefined && b !== undefined) {
      for (let r = 0; r < rounds; r += 1) {
        // b a, a b, b a, ...: drift and busy neighbours hit both alike
        if (r % 2 === 0) pairedB.push(await timedRound(b.driver, units, `b ${r + 1}`, settings.progress));
        pairedA.push(await timedRound(a.driver, units, `a ${r + 1}`, settings.progress));
        if (r % 2 === 1) pairedB.push(await timedRound(b.driver, units, `b ${r + 1}`, settings.progress));
      }
    }
    const overflows = listenOverflows() - overflowsBefore;
    await b?.close();
    if (!settings.sequential) await closeFirst();
    const unitsStats = await fleet.stats();

    const columns = [
      ...(first
        ? [{ label: '(a) coordinator alone', phase: first.driver.phase, rounds: first.solo.rounds }]
        : []),
      ...(first && b && !settings.sequential
        ? [{ label: '(a) alternating', phase: first.driver.phase, rounds: pairedA }]
        : []),
      ...(b ? [{ label: '(b) hand-written', phase: b.phase, rounds: pairedB }] : []),
    ];
    printRounds(settings, columns);
    console.log(
      `listen queue overflows (system-wide): ${first ? `${whole(first.solo.overflows)} while the coordinator ran alone, ` : ''}` +
        `${whole(overflows)} during the ${first && b && !settings.sequential ? 'alternating ' : 'hand-written '}rounds`,
    );
    const figures = [];
    const soloFigures = first && roundFigures(first.solo.rounds);
    if (first && b) {
      const fa = roundFigures(pairedA);
      const fb = roundFigures(pairedB);
      const r = fa.medianMs / fb.medianMs;
      console.log(
        `\nscale a/b: median round ${ratio(r)} (${whole(fa.medianMs)} ms / ${whole(fb.medianMs)} ms, ${settings.sequential ? 'each alone, one after the other' : 'alternating rounds'}; ` +
          `target ≤ ${ROUND_RATIO_TARGET.toFixed(2)}: ${r <= ROUND_RATIO_TARGET ? 'met' : 'NOT met'}), ` +
          `CPU per command ${ratio(fa.cpuPerCommandUs / fb.cpuPerCommandUs)}x`,
      );
      figures.push(
        figure(`${whole(count)}-unit round, coordinator / hand-written`, r, `${ratio(r)}x`, {
          op: '<=',
          limit: ROUND_RATIO_TARGET,
          text: `<= ${ROUND_RATIO_TARGET.toFixed(2)}x`,
        }),
        figure(
          `${whole(count)}-unit round, CPU per command, coordinator / hand-written`,
          fa.cpuPerCommandUs / fb.cpuPerCommandUs,
          `${ratio(fa.cpuPerCommandUs / fb.cpuPerCommandUs)}x (${whole(fa.cpuPerCommandUs)} vs ${whole(fb.cpuPerCommandUs)} µs)`,
          { op: '<=', limit: cpuRatioTarget(count), text: `<= ${cpuRatioTarget(count).toFixed(2)}x` },
        ),
      );
    }
    if (first && soloFigures) {
      console.log('');
      const { rssPerUnitKiB, heapPerUnitKiB, growthPerUnit } = printMemory(
        settings,
        first.solo,
        'coordinator',
      );
      console.log('');
      printFds(first.solo, 'coordinator');
      const all = roundFigures(settings.sequential ? first.solo.rounds : [...first.solo.rounds, ...pairedA]);
      figures.push(
        figure(
          `${whole(count)} units (coordinator): connected, median round, outputs matched`,
          all.ok / all.total,
          `${whole(first.driver.phase.connected)}/${whole(count)}, ${whole(soloFigures.medianMs)} ms, ` +
            `${whole(all.ok)}/${whole(all.total)}`,
          { op: '>=', limit: 1, text: 'all matched' },
        ),
        figure(
          `heap over the baseline / units after ${first.solo.rounds.length} rounds, ${whole(count)} units (fixed costs included)`,
          heapPerUnitKiB,
          `${heapPerUnitKiB.toFixed(1)} KiB (per unit by difference: see heap)`,
        ),
        figure(
          `RSS per unit after ${first.solo.rounds.length} rounds, ${whole(count)} units`,
          rssPerUnitKiB,
          `${rssPerUnitKiB.toFixed(1)} KiB (reported)`,
        ),
        figure(
          `RSS growth round ${settings.memoryAt} to ${first.solo.rounds.length}, per unit`,
          growthPerUnit,
          `${whole(growthPerUnit)} B`,
        ),
      );
    }
    if (bAlone) {
      console.log('');
      const { rssPerUnitKiB } = printMemory(settings, bAlone.solo, 'hand-written');
      figures.push(
        figure(
          `RSS per unit after ${bAlone.solo.rounds.length} rounds, ${whole(count)} units (hand-written)`,
          rssPerUnitKiB,
          `${rssPerUnitKiB.toFixed(1)} KiB`,
        ),
      );
    }
    if (b) {
      const fb = roundFigures(pairedB);
      figures.push(
        figure(
          `${whole(count)} units (hand-written): connected, median round, outputs matched`,
          fb.ok / fb.total,
          `${whole(b.phase.connected)}/${whole(count)}, ${whole(fb.medianMs)} ms, ${whole(fb.ok)}/${whole(fb.total)}`,
        ),
      );
    }
    reportFigures(figures);

    console.log(
      `\nunits process: ${whole(unitsStats.commands)} commands, RSS ${mib(unitsStats.rss)} MiB, ` +
        `heap ${mib(unitsStats.heapUsed)} MiB, ${whole(unitsStats.fds)} open fds (soft limit ${whole(fleet.fdLimit)}), ` +
        `${whole(unitsStats.cpuMs)} ms CPU; started in ${whole(fleet.startMs)} ms`,
    );
    const tally = (counts: Readonly<Record<string, number>>) =>
      Object.keys(counts).length === 0
        ? 'none'
        : Object.entries(counts)
            .map(([k, v]) => `${v} × ${k}`)
            .join('; ');
    console.log(`units: events not delivered: ${tally(unitsStats.deliveryFailures)}`);
    console.log(`units: requests rejected: ${tally(unitsStats.requestsRejected)}`);
    for (const c of columns) {
      console.log(
        `${c.label} round times (ms): ${c.rounds.map((r) => whole(r.ms)).join(', ')}` +
          `\n${c.label} round CPU (ms): ${c.rounds.map((r) => whole(r.cpuMs)).join(', ')}`,
      );
    }
  } finally {
    await fleet.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
