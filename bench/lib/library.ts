/**
 * The library under measurement. By default the built package in `dist/`, what users run
 * (`npm run build` first; `bench/run.ts` builds it): the TypeScript sources run through tsx
 * carry a `__name()` call and a dictionary-mode property store for every named function
 * (esbuild's `keepNames`), which made the coordinator's own CPU per command ~50% and its memory
 * per connected unit ~50% higher than the built package's. `BENCH_SOURCE=src` measures the
 * sources instead (no build needed, e.g. while profiling a change).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Root = typeof import('../../src/index');
type Simulator = typeof import('../../src/simulator/index');

/** Whether the sources are measured rather than the build. */
export const fromSource = process.env.BENCH_SOURCE === 'src';

const dist = path.join(__dirname, '..', '..', 'dist');
const src = path.join(__dirname, '..', '..', 'src');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/* eslint-disable @typescript-eslint/no-require-imports -- which build to load is chosen at run time */
function load<T>(entry: string): T {
  if (fromSource) return require(path.join(src, entry === 'index' ? 'index.ts' : `${entry}/index.ts`)) as T;
  const file = path.join(dist, `${entry}.js`);
  if (!fs.existsSync(file))
    throw new Error(`bench: ${file} is missing: run \`npm run build\` first (or set BENCH_SOURCE=src)`);
  return require(file) as T;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Where the measured library comes from, for the header of a benchmark. */
export function libraryLine(): string {
  if (fromSource) return 'library: the TypeScript sources through tsx (BENCH_SOURCE=src)';
  const built = fs.statSync(path.join(dist, 'index.js')).mtimeMs;
  const stale = newest(src) > built ? ' (OLDER than src/: run npm run build)' : '';
  return `library: the built package, dist/ from ${new Date(built).toISOString()}${stale}`;
}

/** The package's root entry point (`pycom-rx`). */
export const library: Root = load<Root>('index');
/** The simulator entry point (`pycom-rx/simulator`). */
export const simulator: Simulator = load<Simulator>('simulator');
