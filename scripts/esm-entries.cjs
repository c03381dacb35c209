// Writes the ESM entry points of the package after `tsup`: for every subpath of package.json's
// `exports` with an `import` condition, a one-line `.mjs` (and `.d.mts`) that re-exports the
// CommonJS build. One build means one instance of every class: `import` and `require()` of any
// entry point see the same `SequenceError`, `ListenError`, ... (no dual-package hazard).
const { existsSync, writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');

const root = join(__dirname, '..');
const report = (line) => process.stderr.write(`${line}\n`);
const pkg = require('../package.json');
const banner = '// ESM entry point: the CommonJS build, re-exported (one instance of every class).\n';

let written = 0;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object' || target === null || !target.import) continue;
  const cjs = target.require && target.require.default;
  if (!cjs || !existsSync(join(root, cjs))) {
    report(`esm-entries: ${subpath} has no built CommonJS entry (${cjs}); run tsup first`);
    process.exit(1);
  }
  const line = `${banner}export * from './${basename(cjs)}';\n`;
  for (const file of [target.import.default, target.import.types]) {
    if (file) writeFileSync(join(root, file), line);
  }
  written += 1;
}
process.stdout.write(`esm-entries: ${written} ESM entry points re-export the CommonJS build\n`);
