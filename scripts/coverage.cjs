// `npm run coverage [-- <jest args>]`: the suite with V8 coverage collected from every Node process
// it starts (jest's workers and the CLI children the specs spawn), merged by c8 and mapped back to
// src/ through the source maps; then the floors of scripts/coverage-floors.cjs are checked.
//
// NODE_V8_COVERAGE=<dir> makes each Node process write its raw coverage there when it exits. Two
// kinds of code run:
// - the CLI bundle (spec/setup/buildCli.cjs, sourcemap beside it): Node records its source map in
//   the raw file itself ("source-map-cache"), so c8 needs nothing more, even once the bundle is gone;
// - the sources as jest runs them (vm.compileFunction on spec/setup/esbuildTransform.cjs's output):
//   Node records no source map for those, so this script adds them to each raw file, from the same
//   transform of the same sources (deterministic: the code V8 ran, byte for byte).
// Jest's own coverage stays off (--coverage=false): it would instrument the code V8 measures.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const REPORT = path.join(ROOT, 'coverage');
const RAW = path.join(REPORT, 'v8');
const SRC = path.join(ROOT, 'src') + path.sep;

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error !== undefined) throw result.error;
  return result.status ?? 1;
}

/** Adds the source map and line lengths of every src/*.ts script jest ran to the raw files. */
function addSourceMaps() {
  const transform = require(path.join(ROOT, 'spec/setup/esbuildTransform.cjs'));
  const maps = new Map();
  const mapOf = (file) => {
    if (!maps.has(file)) {
      const { code, map } = transform.process(fs.readFileSync(file, 'utf8'), file);
      maps.set(file, { lineLengths: code.split('\n').map((line) => line.length), data: JSON.parse(map) });
    }
    return maps.get(file);
  };
  for (const name of fs.readdirSync(RAW)) {
    const file = path.join(RAW, name);
    let raw;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // a process killed while it wrote its coverage: its figures are lost, said, not fatal
      process.stderr.write(`coverage: ${name} is not whole (a process killed while writing it), left out\n`);
      fs.rmSync(file);
      continue;
    }
    // only what is measured: src/ as jest loaded it (the bundle's scripts keep Node's own entry)
    raw.result = raw.result.filter(({ url }) => {
      if (url.startsWith('file:') && url.includes('/pycom-rx-spec-cli-')) return true;
      return url.startsWith('file:') && fileURLToPath(url).startsWith(SRC) && url.endsWith('.ts');
    });
    if (raw.result.length === 0) {
      fs.rmSync(file);
      continue;
    }
    const cache = raw['source-map-cache'] ?? {};
    // the bundle's sources as paths, not the file: URLs Node wrote: c8 (v8-to-istanbul 9) matches
    // --include against the unresolved source of each range, and drops every range of a file: URL
    for (const entry of Object.values(cache))
      if (entry.data?.sources !== undefined)
        entry.data.sources = entry.data.sources.map((source) =>
          source.startsWith('file:') ? fileURLToPath(source) : source,
        );
    for (const { url } of raw.result)
      if (url.endsWith('.ts')) cache[pathToFileURL(fileURLToPath(url)).href] = mapOf(fileURLToPath(url));
    raw['source-map-cache'] = cache;
    fs.writeFileSync(file, JSON.stringify(raw));
  }
}

fs.rmSync(REPORT, { recursive: true, force: true });
fs.mkdirSync(RAW, { recursive: true });
const jest = require.resolve('jest/bin/jest');
const status = run(
  process.execPath,
  [
    jest,
    '--config',
    path.join(__dirname, 'coverage-jest.config.cjs'),
    '--coverage=false',
    ...process.argv.slice(2),
  ],
  {
    NODE_V8_COVERAGE: RAW,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(path.join(__dirname, 'coverage-worker.cjs'))}`,
  },
);
addSourceMaps();
const c8 = require.resolve('c8/bin/c8.js');
const reported = run(process.execPath, [
  c8,
  'report',
  '--temp-directory',
  RAW,
  '--report-dir',
  REPORT,
  '--reporter',
  'text-summary',
  '--reporter',
  'json-summary',
  '--reporter',
  'html',
  '--src',
  ROOT,
  '--include',
  'src/**',
  '--exclude-after-remap',
]);
if (reported !== 0) process.exit(reported);
const floors = run(process.execPath, [path.join(__dirname, 'coverage-floors.cjs')]);
// a failing suite fails the run too, after its figures are printed
process.exit(status !== 0 ? status : floors);
