const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  // Most spec files wait on sockets, timers and child processes, not on the CPU: at least three
  // workers even on 2 cores (jest's default there is one; a third fills the waits of the other
  // two, ~58 s instead of ~61 s there). Each file owns its loopback addresses.
  maxWorkers: Math.max(3, os.availableParallelism() - 1),
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  // TypeScript through esbuild, not ts-jest: faster on a cold cache (see the file)
  transform: { '^.+\\.ts$': '<rootDir>/spec/setup/esbuildTransform.cjs' },
  // The package's own names, as a user writes them (docs examples run in the suite): the sources.
  moduleNameMapper: {
    '^pycom-rx$': '<rootDir>/src/index.ts',
    '^pycom-rx/(sequence|simulator|testing)$': '<rootDir>/src/$1/index.ts',
    // the same exports as their indexes, each module loaded when first used (see the files)
    '^rxjs$': '<rootDir>/spec/setup/lazyRxjs.cjs',
    '^fp-ts$': '<rootDir>/spec/setup/lazyFpTs.cjs',
  },
  testTimeout: 30000,
  // the CLI that specs spawn, built once from the sources at the start of each run
  globalSetup: '<rootDir>/spec/setup/buildCli.cjs',
  globalTeardown: '<rootDir>/spec/setup/removeCli.cjs',
};
