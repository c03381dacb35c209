// `rxjs` for the specs (jest moduleNameMapper): the same exports as rxjs's own CommonJS index,
// each loaded from its module when first used. The index requires all ~300 modules of rxjs, in
// each spec file's own module registry (~0.1 s of CPU per file); a spec uses a few dozen.
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(path.dirname(require.resolve('rxjs/package.json')), 'dist/cjs');
const index = path.join(dir, 'index.js');
const source = fs.readFileSync(index, 'utf8');
// the index, as TypeScript writes it: `var X_1 = require("./internal/X");` and
// `Object.defineProperty(module.exports, "name", { enumerable: true, get: function () { return X_1.name; } });`
const files = new Map();
for (const [, variable, file] of source.matchAll(/^var (\w+) = require\("([^"]+)"\);$/gm))
  files.set(variable, path.join(dir, file));
const names = [
  ...source.matchAll(
    /^Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return (\w+)\.(\w+); \} \}\);$/gm,
  ),
];
if (names.length < 150 || names.some(([, , variable]) => !files.has(variable))) {
  // another layout (another rxjs release): the index itself
  module.exports = require(index);
} else {
  Object.defineProperty(module.exports, '__esModule', { value: true });
  for (const [, name, variable, property] of names) {
    const file = files.get(variable);
    Object.defineProperty(module.exports, name, { enumerable: true, get: () => require(file)[property] });
  }
}
