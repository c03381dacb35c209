import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/**
 * One build, one instance of every class. The library is built once, as CommonJS with shared
 * chunks (`splitting`), so `pycom-rx`, `pycom-rx/sequence`, `pycom-rx/simulator` and
 * `pycom-rx/testing` load the same `SequenceError`, `ListenError`, ... The ESM entry points
 * (`dist/<entry>.mjs`, `dist/<entry>.d.mts`) are one-line re-exports of the CommonJS ones, written
 * after the build by scripts/esm-entries.cjs from package.json's `exports`, so an `import` and a
 * `require()` see the same classes too (no dual-package hazard).
 *
 * Class names survive the build (`OutputTimeoutError.name === 'OutputTimeoutError'`, checked by
 * scripts/smoke.cjs), without esbuild's `keepNames` and its `__name()` call for every function:
 * - tsup makes CommonJS chunks by converting esbuild's ES module chunks with Sucrase, which
 *   rewrites a class with field initialisers (`override readonly name = 'OutputTimeoutError'`)
 *   as `(_class = class extends Error { __init() {...} }, _class)`: a class named `_class`, and
 *   stack traces reading `_class3 [OptionError]`. esbuild therefore writes the fields as
 *   assignments in the constructor (`class-field: false`), which Sucrase leaves alone, and the
 *   class takes its name from its variable, `var OutputTimeoutError = class extends Error`;
 * - every entry is an ES module (src/cli/main.ts ends with `export {}`): esbuild reads a file
 *   without an `export` as CommonJS in this `"type": "commonjs"` package, and wraps
 *   every module it imports in a lazy `__esm()` initialiser, where a class is assigned late
 *   (`X = exports.X = class ...`: an anonymous class).
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    sequence: 'src/sequence/index.ts',
    simulator: 'src/simulator/index.ts',
    testing: 'src/testing/index.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['cjs'],
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'class-field': false };
  },
  // the console's page (HTML, CSS, JavaScript modules) is read from files beside the bundle
  onSuccess: () => cp('src/console/page', 'dist/console-page', { recursive: true }),
});
