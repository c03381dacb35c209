import { cp, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { defineConfig, type Options } from 'tsup';

/** An esbuild plugin (esbuild's own type, through tsup: esbuild is tsup's dependency, not ours). */
type Plugin = NonNullable<Options['esbuildPlugins']>[number];

const SOURCES = path.resolve('src') + path.sep;

/**
 * Every TypeScript file of ours is an ES module. esbuild reads a file without an `export` in a
 * `"type": "commonjs"` package (this one) as CommonJS: `src/cli/main.ts` was one, so esbuild
 * wrapped it in `__commonJS()` and every module it imports, the library's shared chunks included,
 * in a lazy `__esm()` initialiser. There a class is assigned late (`X = class extends Error`),
 * which the CommonJS conversion below turns into `X = exports.X = class ...`: an anonymous class
 * (`SequenceError.name === ''`), and an `init_x()` call before every use. An empty `export {}`
 * appended to each file (after its last line: source maps are unchanged) changes nothing else.
 */
const esModules: Plugin = {
  name: 'pycom-rx:es-modules',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(SOURCES)) return undefined;
      const text = await readFile(args.path, 'utf8');
      return { contents: `${text}\nexport {};\n`, loader: 'ts' };
    });
  },
};

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
 * - {@link esModules}: no class is assigned inside a lazy initialiser.
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
  esbuildPlugins: [esModules],
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'class-field': false };
  },
  // the console's page (HTML, CSS, JavaScript modules) is read from files beside the bundle
  onSuccess: () => cp('src/console/page', 'dist/console-page', { recursive: true }),
});
