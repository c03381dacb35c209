/**
 * roundtrip: command-to-output latency against one simulated unit, through coordinator.command()
 * and through a minimal hand-written socket implementation of the same exchange.
 *
 *   npx tsx bench/roundtrip.ts [--commands=2000] [--block=100] [--warmup=400] [--only=a|b] [--profile=<file>]
 *   (or BENCH_RT_COMMANDS, BENCH_RT_BLOCK, BENCH_RT_WARMUP)
 *
 * The unit runs in a separate process (bench/scale/units.ts) with a function executor that
 * answers `echo X` with `X\n` at once. Each command carries a unique token, and its output must
 * carry the same token back. Both implementations talk to the same unit, strictly one command at
 * a time; they alternate in blocks (A B, then B A, ...) after a warm-up, so that drift and noisy
 * neighbours hit both alike.
 *
 * - (a) `coordinator.command(unit, 'echo <token>')`, with `coordinator.events$` subscribed for
 *   the whole run so that the listener stays bound between commands.
 * - (b) raw `node:net`: a server that reads each inbound connection to its end and JSON.parses it;
 *   for each command: connect to the unit, write the JSON request, end; wait for the `output`
 *   event on the server.
 *
 * Prints p50, p99 and mean latency, commands/s and the CPU time this process spent per command,
 * and the ratios a/b. Target (reported, never asserted): a/b at most 1.10.
 */
import * as net from 'node:net';
import { firstValueFrom } from 'rxjs';
import { library, libraryLine } from './lib/library';

const { createCoordinator } = library;
import { intOption } from './lib/args';
import { machineLine } from './lib/machine';
import { startProfile } from './lib/profile';
import { figure, reportFigures } from './lib/summary';
import { median, printTable, ratio, whole } from './lib/table';
import { Fleet } from './scale/fleet';

const TARGET = 1.1;
/** CPU per command, coordinator / hand-written (issue 14). */
const CPU_TARGET = 1.25;
/** Time allowed for an output, both implementations. */
const RAW_TIMEOUT_MS = 5_000;
/** The simulated unit's address (127.0.99.0/24 is left to this benchmark). */
const UNIT = '127.0.99.1';

interface Contender {
  readonly key: 'a' | 'b';
  readonly label: string;
  /** Sends `echo <token>` and resolves with the text of its output. */
  readonly command: (token: string) => Promise<string>;
}

interface Tally {
  readonly latencies: number[];
  /** The p50 of each timed block, in order (blocks of a and b alternate, so they pair up). */
  readonly blockP50: number[];
  elapsedMs: number;
  cpuUs: number;
  mismatches: number;
  errors: number;
  firstError: string | undefined;
}

/**
 * The hand-written implementation: a bare inbound server and one fresh outbound connection per
 * command, exactly what the protocol asks for and nothing else (no decoding, no limits, one
 * command in flight).
 */
class RawClient {
  private waiting: { resolve: (text: string) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly port: number,
    private readonly unit: string,
  ) {}

  static start(unit: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      let client: RawClient | undefined;
      const server = net.createServer((socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', () => undefined);
        socket.on('end', () => {
          let event: { type_?: string; output?: string };
          try {
            event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof event;
          } catch {
            return; // not an event: ignored, as a minimal client would
          }
          if (event.type_ !== 'output') return;
          const waiting = client?.waiting;
          if (client !== undefined) client.waiting = undefined;
          waiting?.resolve(event.output ?? '');
        });
      });
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => {
        client = new RawClient(server, (server.address() as net.AddressInfo).port, unit);
        resolve(client);
      });
    });
  }

  /** Sends `echo <token>`; resolves with the next output, rejects after {@link RAW_TIMEOUT_MS}. */
  command(token: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`no output within ${RAW_TIMEOUT_MS} ms`));
      }, RAW_TIMEOUT_MS);
      this.waiting = {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject,
      };
      const request = JSON.stringify({
        id: '0badc0de',
        name: 'raw-bench',
        ip: '127.0.0.1',
        port: this.port,
        version: '0.0.0',
        coordinator: true,
        type_: 'cmd',
        command: `echo ${token}`,
      });
      const socket = net.connect({ host: this.unit, port: 5000 }, () => socket.end(request));
      socket.on('error', (e) => {
        clearTimeout(timer);
        this.waiting = undefined;
        reject(e);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

let tokens = 0;

/** The timed blocks, in the profiler's clock (µs), so that a profile can be split by contender. */
const windows: { key: string; startUs: number; endUs: number; commands: number }[] = [];
const clockUs = () => Number(process.hrtime.bigint() / 1000n);

async function block(contender: Contender, commands: number, tally: Tally | undefined): Promise<void> {
  const startUs = clockUs();
  const startCpu = cpuUs();
  const start = performance.now();
  const first = tally?.latencies.length ?? 0;
  for (let i = 0; i < commands; i += 1) {
    const token = `${contender.key}-${(tokens += 1)}`;
    const sent = performance.now();
    try {
      const text = await contender.command(token);
      const ms = performance.now() - sent;
      if (tally === undefined) continue;
      tally.latencies.push(ms);
      if (text !== `${token}\n`) tally.mismatches += 1;
    } catch (e) {
      if (tally === undefined) throw e;
      tally.errors += 1;
      tally.firstError ??= e instanceof Error ? e.message : String(e);
    }
  }
  if (tally !== undefined) {
    windows.push({ key: contender.key, startUs, endUs: clockUs(), commands });
    tally.elapsedMs += performance.now() - start;
    tally.cpuUs += cpuUs() - startCpu;
    tally.blockP50.push(
      percentile(
        [...tally.latencies.slice(first)].sort((x, y) => x - y),
        50,
      ),
    );
  }
}

async function main(): Promise<void> {
  const commands = intOption('commands', 'BENCH_RT_COMMANDS', 2_000);
  const blockSize = Math.max(1, intOption('block', 'BENCH_RT_BLOCK', 100));
  const warmup = intOption('warmup', 'BENCH_RT_WARMUP', 400);
  const blocks = Math.ceil(commands / blockSize);
  // one implementation alone, e.g. under `node --cpu-prof` (no ratio is printed then)
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

  console.log(`\n## roundtrip: command-to-output latency, one simulated unit`);
  console.log(`machine: ${machineLine()}`);
  console.log(libraryLine());
  console.log(
    `load: ${whole(blocks * blockSize)} sequential commands per implementation, in ${blocks} alternating ` +
      `blocks of ${blockSize}, after ${whole(warmup)} warm-up commands each; unit ${UNIT}:5000 in a ` +
      `separate process, function executor (echo, no delay)\n`,
  );

  const fleet = await Fleet.start({ count: 1, base: UNIT, maxLifetimeMs: 10 * 60_000 });
  const coordinator = createCoordinator({
    name: 'roundtrip-bench',
    listen: { host: '127.0.0.1', port: 0 },
    commandTimeoutMs: RAW_TIMEOUT_MS,
  });
  const keep = coordinator.events$.subscribe();
  const raw = await RawClient.start(UNIT);
  try {
    await firstValueFrom(coordinator.listening$);
    const all: Contender[] = [
      {
        key: 'a',
        label: '(a) coordinator.command()',
        command: (token) =>
          firstValueFrom(coordinator.command(UNIT, `echo ${token}`)).then((output) => output.output),
      },
      { key: 'b', label: '(b) hand-written node:net', command: (token) => raw.command(token) },
    ];
    const contenders = all.filter((c) => only === undefined || c.key === only);
    const tallies = new Map<string, Tally>(
      contenders.map((c) => [
        c.key,
        {
          latencies: [],
          blockP50: [],
          elapsedMs: 0,
          cpuUs: 0,
          mismatches: 0,
          errors: 0,
          firstError: undefined,
        },
      ]),
    );

    for (let done = 0; done < warmup; done += blockSize) {
      for (const c of contenders) await block(c, Math.min(blockSize, warmup - done), undefined);
    }
    const stopProfile = await startProfile();
    for (let i = 0; i < blocks; i += 1) {
      const order = i % 2 === 0 ? contenders : [...contenders].reverse();
      for (const c of order) await block(c, blockSize, tallies.get(c.key));
    }
    await stopProfile(windows);

    const stats = contenders.map((c) => {
      const t = tallies.get(c.key)!;
      const sorted = [...t.latencies].sort((x, y) => x - y);
      const n = sorted.length;
      return {
        c,
        t,
        p50: percentile(sorted, 50) * 1000,
        p99: percentile(sorted, 99) * 1000,
        mean: (sorted.reduce((s, v) => s + v, 0) / n) * 1000,
        rate: n / (t.elapsedMs / 1000),
        cpu: t.cpuUs / (n + t.errors),
      };
    });
    printTable(
      [
        'implementation',
        'commands',
        'p50 µs',
        'p99 µs',
        'mean µs',
        'commands/s',
        'CPU µs/cmd',
        'wrong/errors',
      ],
      stats.map((s) => [
        s.c.label,
        whole(s.t.latencies.length),
        whole(s.p50),
        whole(s.p99),
        whole(s.mean),
        whole(s.rate),
        whole(s.cpu),
        `${s.t.mismatches}/${s.t.errors}`,
      ]),
    );
    const [a, b] = stats;
    if (a !== undefined && b !== undefined) {
      const p50Ratio = a.p50 / b.p50;
      const paired = a.t.blockP50.map((p, i) => p / b.t.blockP50[i]!).sort((x, y) => x - y);
      console.log(
        `\noverhead a/b: p50 ${ratio(p50Ratio)}x (target ≤ ${TARGET.toFixed(2)}x: ` +
          `${p50Ratio <= TARGET ? 'met' : 'NOT met'}), p99 ${ratio(a.p99 / b.p99)}x, mean ${ratio(a.mean / b.mean)}x; ` +
          `block by block (p50 of a block of a / of the adjacent block of b): median ${ratio(median(paired))}x, ` +
          `range ${ratio(paired[0]!)}-${ratio(paired[paired.length - 1]!)}x; commands/s ${ratio(a.rate / b.rate)}; ` +
          `CPU per command ${ratio(a.cpu / b.cpu)}x (target ≤ ${CPU_TARGET.toFixed(2)}x: ${a.cpu / b.cpu <= CPU_TARGET ? 'met' : 'NOT met'})`,
      );
      reportFigures([
        figure(
          'round trip p50, coordinator / hand-written',
          p50Ratio,
          `${ratio(p50Ratio)}x (${whole(a.p50)} vs ${whole(b.p50)} µs; blocks: median ${ratio(median(paired))}x)`,
          { op: '<=', limit: TARGET, text: `<= ${TARGET.toFixed(2)}x` },
        ),
        figure(
          'CPU per command, coordinator / hand-written',
          a.cpu / b.cpu,
          `${ratio(a.cpu / b.cpu)}x (${whole(a.cpu)} vs ${whole(b.cpu)} µs)`,
          { op: '<=', limit: CPU_TARGET, text: `<= ${CPU_TARGET.toFixed(2)}x` },
        ),
      ]);
    }
    for (const s of stats) {
      if (s.t.firstError !== undefined) console.log(`${s.c.label}: first error: ${s.t.firstError}`);
    }
    const units = await fleet.stats();
    console.log(`unit process: ${whole(units.commands)} commands run, ${whole(units.cpuMs)} ms CPU`);
  } finally {
    keep.unsubscribe();
    await coordinator.close();
    await raw.close();
    await fleet.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
