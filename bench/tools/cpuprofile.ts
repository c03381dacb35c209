/**
 * Summarises a V8 CPU profile (from `node --cpu-prof`): self time per function and per file,
 * the inclusive time of the functions under a path (default src/transport), and the time spent
 * on behalf of each of those functions: its own time plus everything it called outside the path
 * (Node.js internals, native code, rxjs, syscalls), charged to the nearest function in the path.
 * `(idle)` is left out of the shares, so they are shares of the time the process was busy.
 *
 *   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx bench/ingest.ts --only=listen --rounds=1
 *   npx tsx bench/tools/cpuprofile.ts .tmp/prof/<file>.cpuprofile [src/transport] [--top=25]
 */
import { readFileSync } from 'node:fs';
import { intOption } from '../lib/args';
import { printTable } from '../lib/table';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function shortUrl(url: string): string {
  const cut = url.lastIndexOf('/work/') >= 0 ? url.indexOf('/', url.lastIndexOf('/work/') + 6) : -1;
  return url === '' ? '(native)' : cut >= 0 ? url.slice(cut + 1) : url.replace(/^file:\/\//, '');
}

function main(): void {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const file = args[0];
  if (file === undefined) throw new Error('usage: cpuprofile.ts <file.cpuprofile> [path-part]');
  const focus = args[1] ?? 'src/transport';
  const top = intOption('top', 'TOP', 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);

  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const onBehalf = new Map<string, number>();
  const idle = [...self].reduce(
    (n, [id, us]) => (byId.get(id)!.callFrame.functionName === '(idle)' ? n + us : n),
    0,
  );
  const busy = total - idle;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    let nearest = '(outside the path)';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (frame.callFrame.url.includes(focus)) {
        nearest = label(frame);
        break;
      }
    }
    onBehalf.set(nearest, (onBehalf.get(nearest) ?? 0) + us);
    selfByFunction.set(label(node), (selfByFunction.get(label(node)) ?? 0) + us);
    const url = shortUrl(node.callFrame.url);
    selfByFile.set(url, (selfByFile.get(url) ?? 0) + us);
    // inclusive time of each focused function on the stack (once per stack)
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!frame.callFrame.url.includes(focus)) continue;
      const key = label(frame);
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      seen.add(key);
    }
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, (us / 1000).toFixed(0), `${((100 * us) / busy).toFixed(1)}%`]);
  console.log(
    `profile ${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (not idle); ` +
      'shares are of the busy time\n',
  );
  printTable(['self time by function', 'ms', 'share'], rows(selfByFunction));
  console.log('');
  printTable(['self time by file', 'ms', 'share'], rows(selfByFile));
  console.log('');
  printTable([`inclusive time, functions in ${focus}`, 'ms', 'share'], rows(inclusive));
  console.log('');
  printTable(
    [`on behalf of: own time + what it called outside ${focus}, by nearest function in it`, 'ms', 'share'],
    rows(onBehalf),
  );
}

main();
