// The specs' TypeScript, compiled by esbuild (the compiler tsup builds the package with) instead
// of ts-jest, which loads the TypeScript compiler in every worker and transpiles file by file: on
// a cold cache (a fresh clone, CI) the suite took 66.7 s with ts-jest and 55.7 s with this, on 2
// cores. Types are checked by `npm run typecheck`, never here (ts-jest with isolatedModules did
// not check them either); the code has no decorators, const enums, namespaces or jest.mock
// hoisting that would need tsc.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

// esbuild comes with tsup (a devDependency), as for the CLI bundle (buildCli.cjs)
const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsup'))] }));
const own = fs.readFileSync(path.join(__dirname, 'esbuildTransform.cjs'));

module.exports = {
  process(source, filename) {
    const result = esbuild.transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      platform: 'node',
      sourcemap: true,
      sourcefile: filename,
      sourcesContent: false,
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
    });
    return { code: result.code, map: result.map };
  },
  getCacheKey(source, filename) {
    return crypto
      .createHash('sha256')
      .update(esbuild.version)
      .update(own)
      .update(filename)
      .update(source)
      .digest('hex');
  },
};
