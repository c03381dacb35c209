/**
 * The listener on a hostile network (issue 11): for each attack, the good events sent and
 * received, what their senders saw, their latency, and the listener process's CPU time, memory
 * and open descriptors before and after. The listener runs here with its default options; the
 * attackers and the good senders run in another process (bench/attack/clients.ts).
 *
 *   npx tsx bench/attacks.ts                    # every scenario (a few minutes)
 *   npx tsx bench/attacks.ts slowloris-same     # some, by name
 *
 * Never passes or fails on time; prints a table (bench/README.md, "Reliability").
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Inbound } from '../src/transport';
import { library } from './lib/library';

const { listen } = library;
import { GOOD_SENDER, LISTEN_HOST } from '../spec/reliability/harness';
import { SCENARIOS, type ClientReport } from './attack/clients';
import { machineLine } from './lib/machine';
import { printTable, whole } from './lib/table';
import { mib, openFds, settledMemory } from './scale/resources';

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const chosen = SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s));
  console.log(`# listener under attack (${new Date().toISOString()})`);
  console.log(`machine: ${machineLine()}`);

  const received = new Map<number, number>();
  const reasons = new Map<string, number>();
  let onItem: (item: Inbound) => void = () => undefined;
  const port = await new Promise<number>((resolve, reject) => {
    listen({ host: LISTEN_HOST, port: 0, onListening: (a) => resolve(a.port) }).subscribe({
      next: (item) => onItem(item),
      error: reject,
    });
  });
  onItem = (item) => {
    const key = 'type_' in item ? 'event' : item.reason;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
    if ('type_' in item && item.type_ === 'message' && item.remote.address === GOOD_SENDER) {
      const n = Number(item.message.slice('good-'.length));
      received.set(n, (received.get(n) ?? 0) + 1);
    }
  };
  const clients = fork(path.join(__dirname, 'attack', 'clients.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });

  const rows: (string | number)[][] = [];
  for (const scenario of chosen) {
    received.clear();
    reasons.clear();
    const memoryBefore = settledMemory();
    const fdsBefore = openFds();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const report = await new Promise<ClientReport>((resolve) => {
      clients.once('message', (m) => resolve(m as ClientReport));
      clients.send({ scenario, port });
    });
    const wallS = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    lag.disable();
    // let the listener close what the attack left (bounded wait)
    for (let i = 0; i < 50 && openFds() > fdsBefore + 2; i += 1) await new Promise((r) => setTimeout(r, 100));
    const memoryAfter = settledMemory();
    const fdsAfter = openFds();
    const sent = report.errors.length;
    const got = report.errors.filter((_, i) => (received.get(i) ?? 0) > 0).length;
    const silent = report.errors.filter((e, i) => e === '' && (received.get(i) ?? 0) === 0).length;
    const resets = report.errors.filter((e) => e === 'ECONNRESET').length;
    rows.push([
      scenario,
      whole(report.hostile),
      whole(sent),
      whole(got),
      `${((100 * got) / sent).toFixed(1)}%`,
      whole(resets),
      whole(silent),
      whole(quantile(report.ms, 0.5)),
      whole(quantile(report.ms, 0.99)),
      wallS.toFixed(1),
      ((used.user + used.system) / 1e6).toFixed(2),
      whole(lag.max / 1e6),
      `${mib(memoryBefore.rss)} → ${mib(memoryAfter.rss)}`,
      `${mib(memoryBefore.heapUsed)} → ${mib(memoryAfter.heapUsed)}`,
      `${fdsBefore} → ${fdsAfter}`,
    ]);
    const others = [...reasons].filter(([k]) => k !== 'event').map(([k, v]) => `${k} ${v}`);
    console.log(`${scenario}: done in ${wallS.toFixed(1)} s; rejected: ${others.join(', ') || 'none'}`);
  }
  clients.disconnect();
  console.log();
  printTable(
    [
      'attack',
      'hostile conns',
      'good sent',
      'received',
      '%',
      'resets seen',
      'silent loss',
      'p50 ms',
      'p99 ms',
      'wall s',
      'CPU s',
      'max lag ms',
      'RSS MiB',
      'heap MiB',
      'fds',
    ],
    rows,
  );
  process.exit(0);
}

void main();
