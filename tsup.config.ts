import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/**
 * One build, one instance of every class. The library is built once, as CommonJS with shared
 * chunks (`splitting`), so `pycom-rx`, `pycom-rx/sequence`, `pycom-rx/simulator` and
 * `pycom-rx/testing` load the same `SequenceError`, `ListenError`, ... The ESM entry points
 * (`dist/<entry>.mjs`, `dist/<entry>.d.mts`) are one-line re-exports of the CommonJS ones, written
 * after the build by scripts/esm-entries.cjs from package.json's `exports`, so an `import` and a
 * `require()` see the same classes too (no dual-package hazard).
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
  // the console's page (HTML, CSS, JavaScript modules) is read from files beside the bundle
  onSuccess: () => cp('src/console/page', 'dist/console-page', { recursive: true }),
});
