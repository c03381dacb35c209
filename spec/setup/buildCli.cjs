// jest globalSetup: builds the `pycom-rx` CLI from the current sources once per run, so that the
// specs spawn `node <bundle>` instead of compiling src/ with tsx in every spawned process (about
// 1.5 s of CPU each). Everything is bundled (dependencies too), into a fresh temporary directory,
// beside the console's page (as the build puts it beside dist/cli.js); spec/cli/helpers.ts reads
// the path from PYCOM_RX_TEST_CLI, and spec/setup/removeCli.cjs removes the directory.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

module.exports = async function buildCli() {
  // esbuild as tsup (a devDependency) has it: no dependency of its own to keep in step
  const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsup'))] }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pycom-rx-spec-cli-'));
  const outfile = path.join(dir, 'cli.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // as tsx runs the sources: class and function names as written (error names are printed)
    keepNames: true,
    // the dependencies' ES module builds (the same releases), so that only what the CLI uses is
    // bundled: half the code for node to read and compile in each spawned process
    mainFields: ['module', 'main'],
    alias: { rxjs: path.join(path.dirname(require.resolve('rxjs/package.json')), 'dist/esm/index.js') },
    sourcemap: true,
    tsconfig: path.join(ROOT, 'tsconfig.build.json'),
    logLevel: 'warning',
  });
  fs.cpSync(path.join(ROOT, 'src/console/page'), path.join(dir, 'console-page'), { recursive: true });
  // jest starts its workers after this: they inherit the variables
  process.env.PYCOM_RX_TEST_CLI = outfile;
  // the console's browser tests drive the Chromium of the npm package @sparticuz/chromium (its
  // binary ships inside it, unpacked once here to the system's temporary directory): no apt, no
  // download; CHROMIUM_PATH overrides it (e.g. Debian's /usr/bin/chromium)
  if (process.env.CHROMIUM_PATH === undefined)
    process.env.CHROMIUM_PATH = await require('@sparticuz/chromium').executablePath();
};
