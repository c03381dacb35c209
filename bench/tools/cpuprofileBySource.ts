/**
 * Charges a V8 CPU profile of the built package (`node --cpu-prof`) to the library's source
 * files: each sample in `dist/` is mapped back to its `src/` file through the build's source maps,
 * and each sample outside it (rxjs, Node.js internals, native code, system calls) is charged to the
 * nearest `dist/` function on its stack, if any ("on behalf of" that source file). Prints, per
 * source file, its own time, the time on its behalf, both per operation (`--ops=N`, e.g. the
 * commands of a round trip), and what is left: time with no library function on the stack (the
 * caller's own code, the event loop, garbage collection).
 *
 *   npm run build
 *   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx bench/roundtrip.ts --only=a --commands=8000
 *   npx tsx bench/tools/cpuprofileBySource.ts .tmp/prof/<main-thread>.cpuprofile --ops=8400
 *
 * With `--windows=<file>.windows.json --key=a` (written by `bench/roundtrip.ts --profile=<file>`),
 * only the samples taken while contender `a` ran count, and the operations are its commands: the
 * two contenders of one run, profiled side by side under the same conditions. `--path=` charges
 * the files whose address contains that text instead of the build (e.g. `bench/roundtrip.ts` for
 * the hand-written contender).
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { intOption } from '../lib/args';
import type { ProfileWindow } from '../lib/profile';
import { printTable } from '../lib/table';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** `--path=`: charge the files whose address contains this, instead of the build's sources. */
const OTHER = process.argv.find((a) => a.startsWith('--path='))?.slice(7);

const maps = new Map<string, SourceMap | undefined>();

/** The source map of a built file, read once (`undefined` when it has none). */
function mapOf(path: string): SourceMap | undefined {
  if (!maps.has(path)) {
    try {
      maps.set(path, new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))));
    } catch {
      maps.set(path, undefined);
    }
  }
  return maps.get(path);
}

/** The `src/` file a frame of `dist/` was built from, or `undefined` for any other frame. */
function sourceOf(frame: ProfileNode['callFrame']): string | undefined {
  const { url } = frame;
  // another path to charge instead of dist/ (e.g. a hand-written contender): its files as they are
  if (OTHER !== undefined) return url.includes(OTHER) ? url.slice(url.indexOf(OTHER)) : undefined;
  if (!url.includes('/dist/') || url.includes('node_modules')) return undefined;
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const entry = mapOf(path)?.findEntry(frame.lineNumber, frame.columnNumber) as
    { originalSource?: string } | undefined;
  const source = entry?.originalSource;
  if (source === undefined) return `${path.slice(path.indexOf('/dist/') + 1)} (unmapped)`;
  const at = source.lastIndexOf('src/');
  return at >= 0 ? source.slice(at) : source;
}

function main(): void {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (file === undefined) throw new Error('usage: cpuprofileBySource.ts <file.cpuprofile> [--ops=N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // only the samples of the windows of one contender (`--windows=<file> --key=a`), if given
  const windowsFile = process.argv.find((a) => a.startsWith('--windows='))?.slice(10);
  const key = process.argv.find((a) => a.startsWith('--key='))?.slice(6);
  const windows = windowsFile
    ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as ProfileWindow[]).filter((w) => w.key === key)
    : undefined;
  const ops = windows ? windows.reduce((n, w) => n + w.commands, 0) : intOption('ops', 'OPS', 1);
  const inWindow = (us: number) => !windows || windows.some((w) => us >= w.startUs && us < w.endUs);
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (inWindow(at)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const own = new Map<string, number>();
  const behalf = new Map<string, number>();
  const outside = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') continue;
    busy += us;
    const source = sourceOf(node.callFrame);
    if (source !== undefined) {
      own.set(source, (own.get(source) ?? 0) + us);
      continue;
    }
    let up = parent.get(id);
    let charged: string | undefined;
    while (up !== undefined && charged === undefined) {
      charged = sourceOf(byId.get(up)!.callFrame);
      up = parent.get(up);
    }
    if (charged !== undefined) behalf.set(charged, (behalf.get(charged) ?? 0) + us);
    else {
      const where = name.startsWith('(')
        ? name
        : node.callFrame.url === ''
          ? '(native)'
          : 'caller and Node.js';
      outside.set(where, (outside.get(where) ?? 0) + us);
    }
  }
  const per = (us: number) => (us / ops).toFixed(1);
  const files = [...new Set([...own.keys(), ...behalf.keys()])]
    .map((f) => ({ f, own: own.get(f) ?? 0, behalf: behalf.get(f) ?? 0 }))
    .sort((a, b) => b.own + b.behalf - (a.own + a.behalf));
  const library = files.reduce((s, x) => s + x.own + x.behalf, 0);
  console.log(
    `${file}: ${(busy / 1000).toFixed(0)} ms busy; ${ops} operations; library and what it called: ` +
      `${(library / 1000).toFixed(0)} ms (${per(library)} µs per operation)\n`,
  );
  printTable(
    ['source file', 'own µs/op', 'on its behalf µs/op', 'total µs/op'],
    files
      .filter((x) => x.own + x.behalf >= ops)
      .map((x) => [x.f, per(x.own), per(x.behalf), per(x.own + x.behalf)]),
  );
  console.log('');
  printTable(
    ['no library function on the stack', 'µs/op'],
    [...outside].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, per(us)]),
  );
}

main();
