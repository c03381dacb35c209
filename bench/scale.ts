/**
 * scale: one coordinator, 1,000 simulated units in a separate process on 127.0.100.1 ..
 * 127.0.103.232, all on port 5000 as on a LAN.
 *
 *   npx tsx bench/scale.ts [--units=1000] [--rounds=20] [--heartbeat-ms=5000] [--max-s=600]
 *   (or BENCH_SCALE_UNITS, BENCH_SCALE_ROUNDS, BENCH_SCALE_HEARTBEAT_MS, BENCH_SCALE_MAX_S)
 *
 * The coordinator (in this process) heartbeats every unit (`connect(unit)` for each) and, once
 * all are connected, runs one command on every unit per round through `coordinator.run`, for 20
 * rounds. Each command echoes a unique token, which must come back in its own output. Prints the
 * time until every unit is connected, the round times, the coordinator's memory per unit (heap
 * and RSS growth over the baseline, after a forced collection, divided by the units), and its
 * open file descriptors before, during and after (no growth expected).
 *
 * Bounded: the units' process exits by itself when this one goes away or after the overall cap,
 * every wait has a timeout, and the whole run gives up after `--max-s` seconds.
 */
import { from, lastValueFrom, merge, toArray } from 'rxjs';
import {
  createCoordinator,
  type CommandResult,
  type CommandRequest,
  type Presence,
} from '../src/coordinator';
import { intOption } from './lib/args';
import { machineLine } from './lib/machine';
import { median, printTable, whole } from './lib/table';
import { Fleet } from './scale/fleet';
import { fdLimits, forceGc, kib, listenOverflows, mib, openFds, settledMemory } from './scale/resources';

/** The first unit's address: 1,000 units end at 127.0.103.232. */
const BASE = '127.0.100.1';

interface Round {
  readonly ms: number;
  readonly cpuMs: number;
  readonly ok: number;
  readonly wrong: number;
  readonly failed: Map<string, number>;
  readonly fds: number;
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

async function main(): Promise<void> {
  const count = intOption('units', 'BENCH_SCALE_UNITS', 1_000);
  const rounds = intOption('rounds', 'BENCH_SCALE_ROUNDS', 20);
  const heartbeatIntervalMs = intOption('heartbeat-ms', 'BENCH_SCALE_HEARTBEAT_MS', 5_000);
  const maxS = intOption('max-s', 'BENCH_SCALE_MAX_S', 600);
  const cap = setTimeout(() => {
    console.error(`scale: gave up after ${maxS} s`);
    process.exit(1);
  }, maxS * 1000);
  cap.unref();

  const limits = fdLimits();
  // per unit: up to one heartbeat, one command and one inbound event connection at once
  const fdsNeeded = count * 3 + 256;
  // the units' process: a listener per unit, plus the request and event connections in flight
  const unitFds = count * 4 + 256;
  const gcFlag = typeof (globalThis as { gc?: unknown }).gc === 'function';
  const gc = forceGc();
  console.log(`\n## scale: one coordinator, ${whole(count)} simulated units`);
  console.log(`machine: ${machineLine()}`);
  console.log(
    `load: ${whole(count)} units (${BASE} onwards, port 5000) in a separate process, function executor ` +
      `(echo, no delay); heartbeats every ${whole(heartbeatIntervalMs)} ms to each; ${rounds} rounds of one ` +
      `command per unit through coordinator.run (no concurrency cap); ` +
      `${gc ? `forced GC before each memory reading (${gcFlag ? '--expose-gc' : 'exposed at run time'})` : 'no forced GC available'}`,
  );
  console.log(
    `open files: soft limit ${limits.soft}, hard ${limits.hard} (this process needs about ${fdsNeeded}` +
      `${limits.soft < fdsNeeded ? ': TOO LOW, raise it with `ulimit -n` before running' : ''}); the units' ` +
      `process gets its soft limit raised to ${unitFds} if it is lower` +
      `${unitFds > limits.hard ? ` (ABOVE the hard limit ${limits.hard}: expect EMFILE)` : ''}\n`,
  );

  const fleet = await Fleet.start({
    count,
    base: BASE,
    maxLifetimeMs: maxS * 1000,
    fdsNeeded: unitFds,
    coordinatorTimeoutMs: Math.max(15_000, heartbeatIntervalMs * 3),
  });
  const units = fleet.units;
  try {
    await sleep(50);
    const baseline = settledMemory();
    const fdsBefore = openFds();

    const coordinator = createCoordinator({
      name: 'scale-bench',
      listen: { host: '127.0.0.1', port: 0 },
      heartbeatIntervalMs,
      commandTimeoutMs: 10_000,
    });
    const states = new Map<string, Presence['state']>();
    const lostEvents: Presence[] = [];
    let rejected = 0;
    let unmatched = 0;
    const overflowsBefore = listenOverflows();
    const start = performance.now();
    const session = merge(...units.map((u) => coordinator.connect(u.host))).subscribe((p) => {
      states.set(p.unit, p.state);
      if (p.state === 'lost') lostEvents.push(p);
    });
    session.add(coordinator.rejected$.subscribe(() => (rejected += 1)));
    session.add(coordinator.unmatched$.subscribe(() => (unmatched += 1)));
    const connectedCount = () => [...states.values()].filter((s) => s === 'connected').length;
    const allConnected = await until(() => connectedCount() === count, 120_000);
    const connectMs = performance.now() - start;
    if (!allConnected) console.log(`only ${connectedCount()} of ${count} units connected within 120 s`);
    const connectedMemory = settledMemory();
    const fdsConnected = openFds();

    const results: Round[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const jobs: Job[] = units.map((u, i) => ({
        unit: u.host,
        command: `echo r${r}-u${i}`,
        token: `r${r}-u${i}`,
        id: u.id,
      }));
      const roundCpu = cpuMs();
      const roundStart = performance.now();
      const done: CommandResult<Job>[] = await lastValueFrom(coordinator.run(from(jobs)).pipe(toArray()));
      const ms = performance.now() - roundStart;
      const failed = new Map<string, number>();
      let ok = 0;
      let wrong = 0;
      for (const result of done) {
        if (!result.ok) {
          const name = result.error.name;
          failed.set(name, (failed.get(name) ?? 0) + 1);
        } else if (
          result.output.output !== `${result.request.token}\n` ||
          result.output.id !== result.request.id
        ) {
          wrong += 1;
        } else ok += 1;
      }
      results.push({ ms, cpuMs: cpuMs() - roundCpu, ok, wrong, failed, fds: openFds() });
    }
    const afterMemory = settledMemory();
    // heartbeats may be in flight at any moment: give them a little time to close, so that only
    // a real leak shows as growth
    await until(() => openFds() <= fdsConnected, 2_000);
    const fdsAfter = openFds();
    const lostDuringRun = lostEvents.length;
    const overflows = listenOverflows() - overflowsBefore;
    const unitsStats = await fleet.stats();

    session.unsubscribe();
    // let the last heartbeat and event connections finish closing
    await until(() => openFds() <= fdsBefore, 5_000);
    const fdsClosed = openFds();

    // figures
    const times = results.map((r) => r.ms);
    const failures = new Map<string, number>();
    for (const r of results) for (const [k, v] of r.failed) failures.set(k, (failures.get(k) ?? 0) + v);
    const totalCommands = results.reduce(
      (n, r) => n + r.ok + r.wrong + [...r.failed.values()].reduce((a, b) => a + b, 0),
      0,
    );
    const totalOk = results.reduce((n, r) => n + r.ok, 0);
    const totalWrong = results.reduce((n, r) => n + r.wrong, 0);
    const cpuPerCommandUs = (results.reduce((n, r) => n + r.cpuMs, 0) * 1000) / Math.max(1, totalCommands);

    printTable(
      ['figure', 'value'],
      [
        ['time to all connected', `${whole(connectMs)} ms${allConnected ? '' : ' (not all)'}`],
        [
          'round time min / median / max',
          `${whole(Math.min(...times))} / ${whole(median(times))} / ${whole(Math.max(...times))} ms`,
        ],
        [
          'first round, last round',
          `${whole(times[0] ?? NaN)} ms, ${whole(times[times.length - 1] ?? NaN)} ms`,
        ],
        ['commands per second (median round)', whole(count / (median(times) / 1000))],
        ['coordinator CPU per command', `${whole(cpuPerCommandUs)} µs`],
        [
          'commands ok / wrong output / failed',
          `${whole(totalOk)} / ${whole(totalWrong)} / ${whole(totalCommands - totalOk - totalWrong)}`,
        ],
        [
          'failures by type',
          failures.size === 0 ? 'none' : [...failures].map(([k, v]) => `${k} ${v}`).join(', '),
        ],
        ['presence lost during the run', whole(lostDuringRun)],
        ['rejected inbound / unmatched outputs', `${whole(rejected)} / ${whole(unmatched)}`],
        ['listen queue overflows (system-wide)', whole(overflows)],
      ],
    );
    console.log('');
    const perUnit = (bytes: number) => `${kib(bytes / count)} KiB`;
    printTable(
      ['coordinator memory', 'heap', 'RSS', 'heap per unit', 'RSS per unit'],
      [
        [
          'baseline (units started, no coordinator)',
          `${mib(baseline.heapUsed)} MiB`,
          `${mib(baseline.rss)} MiB`,
          '',
          '',
        ],
        [
          'all connected',
          `${mib(connectedMemory.heapUsed)} MiB`,
          `${mib(connectedMemory.rss)} MiB`,
          perUnit(connectedMemory.heapUsed - baseline.heapUsed),
          perUnit(connectedMemory.rss - baseline.rss),
        ],
        [
          `after ${rounds} rounds`,
          `${mib(afterMemory.heapUsed)} MiB`,
          `${mib(afterMemory.rss)} MiB`,
          perUnit(afterMemory.heapUsed - baseline.heapUsed),
          perUnit(afterMemory.rss - baseline.rss),
        ],
      ],
    );
    console.log('');
    const roundFds = results.map((r) => r.fds);
    printTable(
      ['coordinator open fds', 'count'],
      [
        ['before (units started, no coordinator)', whole(fdsBefore)],
        ['all connected', whole(fdsConnected)],
        [
          'end of each round (heartbeats in flight): min / max',
          `${whole(Math.min(...roundFds))} / ${whole(Math.max(...roundFds))}`,
        ],
        [`after ${rounds} rounds (settled, up to 2 s)`, whole(fdsAfter)],
        ['after unsubscribing everything', whole(fdsClosed)],
      ],
    );
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
    console.log(
      `round times (ms): ${times.map((t) => whole(t)).join(', ')}` +
        `\nround CPU (ms): ${results.map((r) => whole(r.cpuMs)).join(', ')}`,
    );
  } finally {
    await fleet.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
