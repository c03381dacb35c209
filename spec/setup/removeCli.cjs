// jest globalTeardown: removes the CLI built by spec/setup/buildCli.cjs.
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function removeCli() {
  const outfile = process.env.PYCOM_RX_TEST_CLI;
  if (outfile !== undefined) fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
};
