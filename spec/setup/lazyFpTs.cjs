// `fp-ts` for the specs (jest moduleNameMapper): the same namespaces as fp-ts's own index
// (`either`, `function`, ...), each loaded from its module when first used. The index requires
// all ~120 modules of fp-ts, in each spec file's own module registry (~0.1 s of CPU per file);
// the sources use `either`.
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(path.dirname(require.resolve('fp-ts/package.json')), 'lib');
const index = path.join(dir, 'index.js');
const source = fs.readFileSync(index, 'utf8');
// the index, as TypeScript writes it: `var x = __importStar(require("./X"));` and `exports.x = x;`
const files = new Map();
for (const [, variable, file] of source.matchAll(/^var (\w+) = __importStar\(require\("([^"]+)"\)\);$/gm))
  files.set(variable, path.join(dir, file));
const names = [...source.matchAll(/^exports\.(\w+) = (\w+);$/gm)];
if (names.length < 100 || names.some(([, , variable]) => !files.has(variable))) {
  // another layout (another fp-ts release): the index itself
  module.exports = require(index);
} else {
  Object.defineProperty(module.exports, '__esModule', { value: true });
  for (const [, name, variable] of names) {
    const file = files.get(variable);
    // every module of fp-ts is an ES module as TypeScript writes it: __importStar returns it as is
    Object.defineProperty(module.exports, name, { enumerable: true, get: () => require(file) });
  }
}
