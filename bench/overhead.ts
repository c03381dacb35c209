/**
 * overhead: the coordinator's own CPU per command, without sockets, at 1, 1,000 and 5,000
 * connected units.
 *
 *   npx tsx bench/overhead.ts [--units=1,1000,5000] [--rounds=6]
 *
 * Both contenders talk to the same in-memory transport: a `send` answers on `setImmediate`
 * (delivered), and for a command the unit's `output` follows on the next `setImmediate`, tagged
 * when the command was. (a) is `createCoordinator({ transport })` with `connect(unit)` subscribed
 * for every unit and one `coordinator.run` of one command per unit per round; (b) is the bare
 * minimum on the same transport: a map from unit to its waiting command, resolved by the next
 * output of that unit. The difference is what the coordinator itself costs per command, and how
 * it grows with the number of units (it should not). CPU time of this process over the timed
 * rounds (the first two are warm-up), divided by the commands.
 */
import { firstValueFrom, from, lastValueFrom, merge, toArray } from 'rxjs';
import { library, libraryLine } from './lib/library';

const { createCoordinator } = library;
import { machineLine } from './lib/machine';
import { memoryTransport, memoryUnits } from './lib/memoryUnits';
import { figure, reportFigures } from './lib/summary';
import { printTable, ratio, whole } from './lib/table';

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function unitsOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.${100 + (i >> 8)}.${(i & 255) + 1}`);
}

/** (a): CPU µs per command through coordinator.run, `n` units connected. */
async function coordinatorCost(n: number, rounds: number): Promise<number> {
  const transport = memoryTransport();
  const coordinator = createCoordinator({ transport, listen: { port: 0 } });
  const units = unitsOf(n);
  const session = merge(...units.map((u) => coordinator.connect(u))).subscribe();
  await firstValueFrom(coordinator.listening$);
  let total = 0;
  let commands = 0;
  for (let r = 0; r < rounds; r += 1) {
    const jobs = units.map((unit, i) => ({ unit, command: `echo r${r}-${i}` }));
    const start = cpuUs();
    const done = await lastValueFrom(coordinator.run(from(jobs)).pipe(toArray()));
    const spent = cpuUs() - start;
    const ok = done.filter(
      (d, i) =>
        (d as { kind?: string }).kind === 'output' &&
        (d as { output: { output: string } }).output.output === `r${r}-${i}\n`,
    ).length;
    if (ok !== n) throw new Error(`coordinator: ${ok} of ${n} outputs matched in round ${r}`);
    if (r >= 2) {
      total += spent;
      commands += n;
    }
  }
  session.unsubscribe();
  await (coordinator as { close?: () => Promise<void> }).close?.();
  return total / commands;
}

/** (b): CPU µs per command of the bare loop on the same transport. */
async function bareCost(n: number, rounds: number): Promise<number> {
  const waiting = new Map<string, (text: string) => void>();
  const send = memoryUnits((item) => {
    if (!('type_' in item) || item.type_ !== 'output') return;
    const answer = waiting.get(item.remote.address);
    waiting.delete(item.remote.address);
    answer?.(item.output);
  });
  const units = unitsOf(n);
  const identity = {
    id: '0badc0de',
    name: 'bare',
    ip: '127.0.0.1',
    port: 4999,
    version: '0',
    coordinator: true,
  };
  let total = 0;
  let commands = 0;
  for (let r = 0; r < rounds; r += 1) {
    const start = cpuUs();
    const outputs = await Promise.all(
      units.map(
        (unit, i) =>
          new Promise<string>((resolve) => {
            waiting.set(unit, resolve);
            send(unit, { ...identity, type_: 'cmd', command: `echo r${r}-${i}` }).subscribe({
              error: () => undefined,
            });
          }),
      ),
    );
    const spent = cpuUs() - start;
    const ok = outputs.filter((o, i) => o === `r${r}-${i}\n`).length;
    if (ok !== n) throw new Error(`bare: ${ok} of ${n} outputs matched in round ${r}`);
    if (r >= 2) {
      total += spent;
      commands += n;
    }
  }
  return total / commands;
}

async function main(): Promise<void> {
  const sizes = (process.argv.find((a) => a.startsWith('--units='))?.slice(8) ?? '1,1000,5000')
    .split(',')
    .map(Number);
  const roundsArg = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 6);
  console.log(`\n## overhead: the coordinator's own CPU per command, in memory (no sockets)`);
  console.log(`machine: ${machineLine()}`);
  console.log(libraryLine());
  console.log(
    `load: N units connected (connect() each), rounds of one command per unit (tagged) through ` +
      `coordinator.run, vs a bare map-and-promise loop on the same in-memory transport; ` +
      `${roundsArg} rounds each (2 warm-up), more rounds for 1 unit\n`,
  );
  const rows: string[][] = [];
  const figures = [];
  for (const n of sizes) {
    const rounds = n === 1 ? Math.max(roundsArg, 2) * 500 : roundsArg;
    // alternate, so a busy neighbour slows both alike
    const a1 = await coordinatorCost(n, rounds);
    const b1 = await bareCost(n, rounds);
    const b2 = await bareCost(n, rounds);
    const a2 = await coordinatorCost(n, rounds);
    const a = (a1 + a2) / 2;
    const b = (b1 + b2) / 2;
    rows.push([whole(n), `${a.toFixed(1)} µs`, `${b.toFixed(1)} µs`, `${(a - b).toFixed(1)} µs`]);
    figures.push(
      figure(
        `coordinator's own CPU per command, in memory, ${whole(n)} units`,
        a - b,
        `${(a - b).toFixed(0)} µs`,
      ),
    );
  }
  printTable(['units', '(a) coordinator', '(b) bare loop', 'a - b: the coordinator'], rows);
  const first = Number(rows[0]?.[3]?.split(' ')[0]);
  const last = Number(rows[rows.length - 1]?.[3]?.split(' ')[0]);
  console.log(
    `\ngrowth with units: ${ratio(last / first)}x from ${rows[0]?.[0]} to ${rows[rows.length - 1]?.[0]} units ` +
      '(a fixed cost per command would stay at 1.00x)',
  );
  reportFigures(figures);
}

setTimeout(() => {
  console.error('overhead: gave up after 10 minutes');
  process.exit(2);
}, 600_000).unref();

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
