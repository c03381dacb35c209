/**
 * heapPerUnit: the heap a coordinator retains per connected unit, and what it is made of.
 *
 *   npm run build && npx tsx bench/tools/heapPerUnit.ts [--units=3000,10000] [--snapshot=3000,6000]
 *                                                      [--top=30] [--dist=<dir>]
 *
 * Each measurement runs in a child process of its own (`node --expose-gc`), over an in-memory
 * transport (no sockets; as bench/overhead.ts: a `send` is delivered on `setImmediate`, and a
 * command's output follows on the next one): the unit addresses are made, a forced GC gives the
 * baseline, then a coordinator is created, `connect(unit)` is subscribed for every unit (one
 * `merge`, as bench/scale.ts does) until every unit is `connected`, and the heap used over the
 * baseline after a forced GC, divided by the units, is the figure "heap retained per connected
 * unit"; again after one round of one command per unit (`coordinator.run`, tagged).
 *
 * `--snapshot=A,B` then writes a heap snapshot (node:v8 `writeHeapSnapshot`) of A and of B
 * connected units, counts the objects of each by kind (type and constructor or closure name) and
 * prints the difference divided by B - A: what each connected unit retains, by kind, in bytes and
 * objects. `--tcp` measures the same against the simulated units of bench/scale (their own process,
 * 127.0.100.1 onwards) through the coordinator's own TCP transport, as bench/scale.ts does (at
 * most a few thousand units: each is a listener of that process). `--snapshot-dir=<dir>` keeps the snapshots there (and reads them again, without
 * measuring, when they exist). `--units=` (empty) skips the measurement. `--dist=<dir>` measures another build (e.g. `npx tsup --out-dir <dir>`) than `dist/`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { firstValueFrom, from, lastValueFrom, merge, Subject, toArray } from 'rxjs';
import type { Presence } from '../../src/coordinator/types';
import { Fleet } from '../scale/fleet';
import { forceGc } from '../scale/resources';
import { intOption } from '../lib/args';
import { memoryTransport } from '../lib/memoryUnits';
import { figure, reportFigures } from '../lib/summary';
import { printTable } from '../lib/table';

/** Heap retained per connected unit (issue 26). */
const HEAP_TARGET_KIB = 4;

type Root = typeof import('../../src/index');

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/* eslint-disable @typescript-eslint/no-require-imports -- which build to load is chosen at run time */
function loadLibrary(): { library: Root; line: string } {
  const dir = option('dist');
  if (dir === undefined) {
    const { library, libraryLine } = require('../lib/library') as typeof import('../lib/library');
    return { library, line: libraryLine() };
  }
  return { library: require(path.resolve(dir, 'index.js')) as Root, line: `library: the build in ${dir}` };
}
/* eslint-enable @typescript-eslint/no-require-imports */

function unitsOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.${1 + (i >> 16)}.${(i >> 8) & 255}.${(i & 255) + 1}`);
}

function heapUsed(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

/** One command per unit through `coordinator.run`; how many outputs matched (the jobs and results are let go). */
async function oneRound(
  coordinator: ReturnType<Root['createCoordinator']>,
  units: string[],
): Promise<number> {
  const jobs = units.map((unit, i) => ({ unit, command: `echo r-${i}` }));
  const done = await lastValueFrom(coordinator.run(from(jobs)).pipe(toArray()));
  return done.filter(
    (d, i) =>
      (d as { kind?: string }).kind === 'output' &&
      (d as { output: { output: string } }).output.output === `r-${i}\n`,
  ).length;
}

interface ChildResult {
  readonly units: number;
  readonly baseline: number;
  readonly connected: number;
  readonly afterRound: number;
}

/** One child: `n` units connected, heap over the baseline; a snapshot when asked. */
async function child(n: number, snapshotTo: string | undefined, phase: string): Promise<ChildResult> {
  const { library } = loadLibrary();
  // --tcp: the units of bench/scale (a process of their own), the coordinator's own TCP transport
  const fleet = tcp
    ? await Fleet.start({ count: n, base: '127.0.100.1', maxLifetimeMs: 600_000, fdsNeeded: 4 * n + 256 })
    : undefined;
  const units = fleet?.units.map((u) => u.host) ?? unitsOf(n);
  const transport = fleet === undefined ? memoryTransport() : undefined;
  const states = new Map<string, Presence['state']>();
  let connectedCount = 0;
  const allConnected = new Subject<void>();
  const baseline = heapUsed();
  const coordinator = library.createCoordinator({
    ...(transport === undefined ? {} : { transport }),
    listen: { host: '127.0.0.1', port: 0 },
    commandTimeoutMs: 10_000, // as bench/scale.ts
  });
  const session = merge(...units.map((u) => coordinator.connect(u))).subscribe((p) => {
    const before = states.get(p.unit);
    states.set(p.unit, p.state);
    if (p.state === 'connected' && before !== 'connected') connectedCount += 1;
    if (p.state !== 'connected' && before === 'connected') connectedCount -= 1;
    if (connectedCount === n) allConnected.next();
  });
  if (connectedCount < n) await firstValueFrom(allConnected);
  // let the last heartbeats' sends end
  await new Promise((resolve) => setImmediate(resolve));
  const connected = heapUsed();
  if (snapshotTo !== undefined && phase === 'connected') writeHeapSnapshot(snapshotTo);
  const ok = await oneRound(coordinator, units);
  // over TCP a unit may fail to hand an output over (a full listen queue): said, not fatal
  if (ok !== n && !tcp) throw new Error(`heapPerUnit: ${ok} of ${n} outputs matched`);
  if (ok !== n) console.error(`heapPerUnit: ${ok} of ${n} outputs matched`);
  await new Promise((resolve) => setImmediate(resolve));
  const afterRound = heapUsed();
  if (snapshotTo !== undefined && phase === 'round') writeHeapSnapshot(snapshotTo);
  session.unsubscribe();
  await coordinator.close();
  await fleet?.stop();
  return { units: n, baseline, connected: connected - baseline, afterRound: afterRound - baseline };
}

/** Whether the units are real (bench/scale's, over TCP) rather than in memory. */
const tcp = process.argv.includes('--tcp');

function runChild(n: number, snapshotTo?: string, phase = 'connected'): ChildResult {
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    __filename,
    `--child=${n}`,
    ...(snapshotTo === undefined ? [] : [`--snapshot-to=${snapshotTo}`, `--phase=${phase}`]),
    ...process.argv.slice(2).filter((a) => a.startsWith('--dist=') || a === '--tcp'),
  ];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (result.status !== 0) throw new Error(`heapPerUnit: child ${n} failed:\n${result.stderr}`);
  const line = result.stdout.split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`heapPerUnit: child ${n} printed nothing:\n${result.stderr}`);
  return JSON.parse(line) as ChildResult;
}

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly [readonly string[], ...unknown[]];
      readonly edge_fields: readonly string[];
      readonly edge_types: readonly [readonly string[], ...unknown[]];
      readonly location_fields: readonly string[];
    };
  };
  readonly nodes: readonly number[];
  readonly edges: readonly number[];
  readonly locations: readonly number[];
  readonly strings: readonly string[];
}

interface Kind {
  count: number;
  bytes: number;
  /** Who holds objects of this kind (`kind.edge`), and how many. */
  readonly retainers: Map<string, number>;
}

/**
 * Objects of a heap snapshot by kind: `type name` (strings and numbers by type only); a closure
 * with its source (`file:line:column` of the build), a Context with the closure that owns it.
 */
function countByKind(file: string): Map<string, Kind> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = snap.snapshot;
  const width = meta.node_fields.length;
  const types = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const [typeAt, nameAt, sizeAt, edgesAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  ) as [number, number, number, number];
  const eWidth = meta.edge_fields.length;
  const [eTypeAt, eNameAt, eToAt] = ['type', 'name_or_index', 'to_node'].map((f) =>
    meta.edge_fields.indexOf(f),
  ) as [number, number, number];
  const count = snap.nodes.length / width;
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0, e = 0; n < count; n += 1) {
    firstEdge[n] = e;
    e += snap.nodes[n * width + edgesAt]! * eWidth;
    firstEdge[n + 1] = e;
  }
  const typeOf = (n: number) => types[snap.nodes[n * width + typeAt]!]!;
  const nameOf = (n: number) => snap.strings[snap.nodes[n * width + nameAt]!]!;
  const edgeName = (e: number) => {
    const t = edgeTypes[snap.edges[e + eTypeAt]!]!;
    const v = snap.edges[e + eNameAt]!;
    return t === 'element' || t === 'hidden' ? `[${t}]` : snap.strings[v]!;
  };
  const edgeTo = (e: number) => snap.edges[e + eToAt]! / width;
  const child = (n: number, name: string): number | undefined => {
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += eWidth)
      if (edgeName(e) === name) return edgeTo(e);
    return undefined;
  };
  // closures: where in which script
  const where = new Map<number, string>();
  const lw = meta.location_fields.length;
  const [objAt, lineAt, colAt] = ['object_index', 'line', 'column'].map((f) =>
    meta.location_fields.indexOf(f),
  ) as [number, number, number];
  for (let i = 0; i < snap.locations.length; i += lw) {
    const n = snap.locations[i + objAt]! / width;
    if (typeOf(n) !== 'closure') continue;
    const shared = child(n, 'shared');
    // the script node is named after its file (V8 11: `script_or_debug_info`)
    const script =
      shared === undefined ? undefined : (child(shared, 'script_or_debug_info') ?? child(shared, 'script'));
    const file = script === undefined ? '?' : path.basename(nameOf(script)) || '?';
    where.set(n, `${file}:${snap.locations[i + lineAt]! + 1}:${snap.locations[i + colAt]! + 1}`);
  }
  const label = new Array<string>(count);
  const kindOf = (n: number): string => {
    const type = typeOf(n);
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number')
      return type;
    const name = nameOf(n);
    const short = name.length > 40 ? `${name.slice(0, 37)}...` : name;
    return type === 'closure'
      ? `closure ${short || '(anonymous)'} @${where.get(n) ?? '?'}`
      : `${type} ${short}`;
  };
  for (let n = 0; n < count; n += 1) label[n] = kindOf(n);
  // a Context is named after the closure that holds it
  const retainer = new Array<string | undefined>(count);
  for (let n = 0; n < count; n += 1)
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += eWidth) {
      const to = edgeTo(e);
      const name = edgeName(e);
      if (name === 'context' && typeOf(n) === 'closure' && label[to] === 'object system / Context')
        label[to] = `context of ${label[n]!.slice(8)}`;
      if (retainer[to] === undefined && edgeTypes[snap.edges[e + eTypeAt]!] !== 'weak')
        retainer[to] = `${label[n]!.split(' @')[0]}.${name}`;
    }
  const kinds = new Map<string, Kind>();
  for (let n = 0; n < count; n += 1) {
    const kind = label[n]!;
    let k = kinds.get(kind);
    if (k === undefined) kinds.set(kind, (k = { count: 0, bytes: 0, retainers: new Map() }));
    k.count += 1;
    k.bytes += snap.nodes[n * width + sizeAt]!;
    const r = retainer[n] ?? '(root)';
    k.retainers.set(r, (k.retainers.get(r) ?? 0) + 1);
  }
  return kinds;
}

function main(): void {
  const childN = option('child');
  if (childN !== undefined) {
    child(Number(childN), option('snapshot-to'), option('phase') ?? 'connected').then(
      (r) => console.log(JSON.stringify(r)),
      (e: unknown) => {
        console.error(e);
        process.exitCode = 1;
      },
    );
    return;
  }
  const sizes = (option('units') ?? '3000,10000').split(',').filter(Boolean).map(Number);
  const { line } = loadLibrary();
  const where = tcp ? "bench/scale's units over TCP" : 'in-memory transport';
  console.log(`## heap retained per connected unit (${where})\n${line}\n`);
  const results = sizes.map((n) => ({ n, r: runChild(n) }));
  const rows = results.map(({ n, r }) => {
    return [
      String(n),
      `${(r.baseline / 2 ** 20).toFixed(1)} MiB`,
      `${r.connected / n >= 0 ? '' : '-'}${Math.abs(r.connected / n).toFixed(0)} B (${(r.connected / n / 1024).toFixed(2)} KiB)`,
      `${(r.afterRound / n).toFixed(0)} B (${(r.afterRound / n / 1024).toFixed(2)} KiB)`,
    ];
  });
  printTable(['units', 'baseline heap', 'connected, per unit', 'after one round, per unit'], rows);
  const [small, big] = [results[0], results[results.length - 1]];
  if (small !== undefined && big !== undefined && big.n > small.n) {
    // what one more unit costs: the fixed costs (code compiled, the listener) cancel out
    const per = (key: 'connected' | 'afterRound') => (big.r[key] - small.r[key]) / (big.n - small.n) / 1024;
    console.log(
      `
each unit more (${small.n} -> ${big.n} units): ${per('connected').toFixed(2)} KiB connected, ` +
        `${per('afterRound').toFixed(2)} KiB after one round (target <= ${HEAP_TARGET_KIB} KiB)`,
    );
    reportFigures([
      figure(
        `heap retained per connected unit (${tcp ? 'TCP' : 'in memory'}, ${small.n} -> ${big.n} units, after a round)`,
        per('afterRound'),
        `${per('afterRound').toFixed(2)} KiB (connected: ${per('connected').toFixed(2)} KiB)`,
        { op: '<=', limit: HEAP_TARGET_KIB, text: `<= ${HEAP_TARGET_KIB} KiB` },
      ),
    ]);
  }

  const pair = option('snapshot');
  if (pair === undefined) return;
  const [a, b] = pair.split(',').map(Number) as [number, number];
  const phase = option('phase') ?? 'connected';
  const keep = option('snapshot-dir');
  const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'heap-per-unit-'));
  try {
    if (keep === undefined || !existsSync(path.join(dir, 'b.heapsnapshot'))) {
      mkdirSync(dir, { recursive: true });
      runChild(a, path.join(dir, 'a.heapsnapshot'), phase);
      runChild(b, path.join(dir, 'b.heapsnapshot'), phase);
    }
    const ka = countByKind(path.join(dir, 'a.heapsnapshot'));
    const kb = countByKind(path.join(dir, 'b.heapsnapshot'));
    const per = b - a;
    const none: Kind = { count: 0, bytes: 0, retainers: new Map() };
    const diff = [...new Set([...ka.keys(), ...kb.keys()])].map((kind) => {
      const x = ka.get(kind) ?? none;
      const y = kb.get(kind) ?? none;
      // the retainer whose count grew most
      let by = '';
      let most = 0;
      for (const [r, c] of y.retainers) {
        const grew = c - (x.retainers.get(r) ?? 0);
        if (grew > most) [by, most] = [r, grew];
      }
      return { kind, count: (y.count - x.count) / per, bytes: (y.bytes - x.bytes) / per, by };
    });
    diff.sort((p, q) => q.bytes - p.bytes);
    const top = intOption('top', 'TOP', 30);
    const total = diff.reduce((s, d) => s + d.bytes, 0);
    const objects = diff.reduce((s, d) => s + d.count, 0);
    console.log(
      `\nper connected unit, by kind (snapshots of ${a} and ${b} units, ${phase}; difference / ${per}): ` +
        `${total.toFixed(0)} B in ${objects.toFixed(1)} objects`,
    );
    printTable(
      ['kind (type, constructor or closure)', 'objects per unit', 'bytes per unit', 'mostly held by'],
      diff
        .filter((d) => Math.abs(d.bytes) >= 1 || Math.abs(d.count) >= 0.05)
        .slice(0, top)
        .map((d) => [d.kind, d.count.toFixed(2), d.bytes.toFixed(0), d.by]),
    );
  } finally {
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

main();
