// jest's configuration for `npm run coverage` (scripts/coverage.cjs): the suite's own, with more time
// for a worker to exit once the run ends. Each worker writes its V8 coverage (a few MB of JSON)
// when it exits; jest's default of 500 ms kills a worker still writing it, and its figures with it.
const path = require('node:path');

module.exports = {
  ...require('../jest.config.js'),
  rootDir: path.resolve(__dirname, '..'),
  workerGracefulExitTimeout: 10000,
};
