// Smoke test of the built package through its ESM entry points (run after `npm run build`):
// every entry point imports, and `import` sees exactly the objects `require()` sees (one build,
// one instance of every class), and every exported error class keeps its name.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const pkg = require('../package.json');
const SUBPATHS = Object.keys(pkg.exports)
  .filter((s) => s !== './package.json')
  .map((s) => (s === '.' ? 'pycom-rx' : `pycom-rx/${s.slice(2)}`));

for (const subpath of SUBPATHS) {
  const imported = await import(subpath);
  const required = require(subpath);
  const names = Object.keys(required).filter((n) => n !== '__esModule');
  assert.ok(names.length > 0, `${subpath} exports something`);
  for (const name of names) {
    assert.ok(name in imported, `import of ${subpath} lacks ${name}`);
    assert.ok(imported[name] === required[name], `${subpath}: import and require see two ${name}s`);
    // an error class keeps its name through the build (instances: scripts/smoke.cjs)
    const value = imported[name];
    if (typeof value === 'function' && value.prototype instanceof Error)
      assert.equal(
        value.name,
        name,
        `import of ${subpath}: class ${name} is named ${JSON.stringify(value.name)}`,
      );
  }
}

const { listen, ListenError } = await import('pycom-rx');
const { preset, SequenceError } = await import('pycom-rx/sequence');
const { simulateUnit } = await import('pycom-rx/simulator');
assert.equal(typeof listen, 'function');
assert.equal(typeof preset, 'function');
assert.equal(typeof simulateUnit, 'function');
assert.ok(ListenError === require('pycom-rx').ListenError, 'one ListenError');
assert.ok(SequenceError === require('pycom-rx/sequence').SequenceError, 'one SequenceError');
process.stdout.write(`smoke (import): ${SUBPATHS.join(', ')}: the same objects as require()\n`);
