// The package as a user gets it: packs the built package (run after `npm run build`), installs the
// tarball into a fresh project in a temporary directory (its dependencies from the registry or
// npm's cache), then, for every entry point of package.json's `exports`, both ways (require and
// import):
// - the declarations and the run time agree: every value the declarations export (a const, a
//   function, a class, an io-ts codec) exists at run time, and every run-time export is declared;
// - a consumer written as users write it (examples/consumer/*) type-checks against the installed
//   declarations with `module: node16` (CJS and ESM files) and no `skipLibCheck`, and runs.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const pkg = require('../package.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pycom-rx-consumer-'));
try {
  const tarball = path.join(
    dir,
    JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT))[0].filename,
  );
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  run(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball], app);

  const entries = Object.keys(pkg.exports)
    .filter((s) => s !== './package.json')
    .map((s) => (s === '.' ? pkg.name : `${pkg.name}/${s.slice(2)}`));
  const options = {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
  };

  /** The names each entry's declarations export as values, as a file of each module kind sees them (one program). */
  function declaredValues() {
    const probes = [];
    for (const entry of entries)
      for (const ext of ['.cts', '.mts']) {
        const file = path.join(app, `probe-${probes.length}${ext}`);
        fs.writeFileSync(file, `import * as probe from '${entry}';\nexport { probe };\n`);
        probes.push({ entry, ext, file });
      }
    const program = ts.createProgram(
      probes.map((p) => p.file),
      options,
    );
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(errors, [], 'the declarations do not type-check in a consumer');
    const checker = program.getTypeChecker();
    const values = new Map();
    for (const { entry, ext, file } of probes) {
      const source = program.getSourceFile(file);
      const moduleSymbol = checker.getSymbolAtLocation(source.statements[0].moduleSpecifier);
      const names = [];
      for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (target.flags & ts.SymbolFlags.Value) names.push(symbol.name);
      }
      values.set(`${entry} ${ext}`, names.sort());
    }
    return values;
  }

  /** The names an entry point exports at run time, loaded the given way in a fresh process. */
  function runtime(entry, how) {
    const code =
      how === 'require'
        ? `console.log(JSON.stringify(Object.keys(require('${entry}'))))`
        : `console.log(JSON.stringify(Object.keys(await import('${entry}'))))`;
    const args = how === 'require' ? ['-e', code] : ['--input-type=module', '-e', code];
    const skip = new Set(['default', '__esModule', 'module.exports']);
    return JSON.parse(run(process.execPath, args, app))
      .filter((k) => !skip.has(k))
      .sort();
  }

  const declaredByEntry = declaredValues();
  for (const entry of entries) {
    for (const [how, ext] of [
      ['require', '.cts'],
      ['import', '.mts'],
    ]) {
      const declared = declaredByEntry.get(`${entry} ${ext}`);
      const actual = runtime(entry, how);
      const missing = declared.filter((n) => !actual.includes(n));
      const undeclared = actual.filter((n) => !declared.includes(n));
      assert.deepEqual(missing, [], `${entry} (${how}): declared but missing at run time`);
      assert.deepEqual(undeclared, [], `${entry} (${how}): exported at run time but not declared`);
    }
  }

  // a consumer as users write it, both module kinds: type-checked against the installed package, then run
  const consumers = path.join(ROOT, 'examples/consumer');
  const files = fs.readdirSync(consumers).filter((f) => /\.[cm]ts$/.test(f));
  for (const f of files) fs.copyFileSync(path.join(consumers, f), path.join(app, f));
  const program = ts.createProgram(
    files.map((f) => path.join(app, f)),
    { ...options, noEmit: false, outDir: path.join(app, 'out') },
  );
  const errors = ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  assert.deepEqual(errors, [], 'the example consumer does not type-check against the installed package');
  program.emit();
  for (const f of files) {
    const js = path.join(app, 'out', f.replace(/\.cts$/, '.cjs').replace(/\.mts$/, '.mjs'));
    const out = run(process.execPath, [js], app);
    assert.match(out, /^consumer ok/m, `${f} did not run to its end`);
  }
  process.stdout.write(
    `consumer: the packed tarball installs; ${entries.length} entry points x (require, import): declared values = run-time exports; ${files.length} consumer files type-check (node16, no skipLibCheck) and run\n`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
