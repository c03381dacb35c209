// The API report: api-extractor once per entry point of package.json's `exports`, on the built
// declarations (dist/*.d.ts, so run `npm run build` first). Reports go to etc/<name>.api.md.
//   node scripts/api.cjs            check: fails if the surface differs from the committed report
//   node scripts/api.cjs --local    update: rewrites the reports (then commit them)
const { join } = require('node:path');
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = join(__dirname, '..');
const report = (line) => process.stderr.write(`${line}\n`);
const pkg = require('../package.json');
const local = process.argv.includes('--local');
const configFile = join(root, 'api-extractor.json');
const base = ExtractorConfig.loadFile(configFile);

let failed = 0;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  const types = target && target.require && target.require.types;
  if (!types) continue;
  const reportName = subpath === '.' ? pkg.name : `${pkg.name}-${subpath.slice(2).replace(/\//g, '-')}`;
  const config = ExtractorConfig.prepare({
    configObject: {
      ...base,
      mainEntryPointFilePath: join(root, types),
      apiReport: { ...base.apiReport, reportFileName: reportName },
    },
    configObjectFullPath: configFile,
    packageJsonFullPath: join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
  const where = `etc/${reportName}.api.md`;
  if (result.succeeded)
    process.stdout.write(
      `api: ${subpath} ${local && result.apiReportChanged ? 'updated' : 'ok'} (${where})\n`,
    );
  else {
    failed += 1;
    report(
      result.apiReportChanged
        ? `api: the public surface of ${subpath} changed; run \`npm run build && npm run api:update\` and commit ${where}`
        : `api: ${subpath}: ${result.errorCount} errors, ${result.warningCount} warnings`,
    );
  }
}
process.exit(failed === 0 ? 0 : 1);
