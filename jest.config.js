/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } },
    ],
  },
  // The package's own names, as a user writes them (docs examples run in the suite): the sources.
  moduleNameMapper: {
    '^pycom-rx$': '<rootDir>/src/index.ts',
    '^pycom-rx/(sequence|simulator|testing)$': '<rootDir>/src/$1/index.ts',
  },
  testTimeout: 30000,
};
