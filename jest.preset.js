// One Jest preset for every TypeScript project. The workspace is ESM (NodeNext), so Jest runs
// with --experimental-vm-modules and ts-jest emits ESM; `@datapark/*` imports resolve to the
// sources so tests never depend on a stale dist/.
// https://kulshekhar.github.io/ts-jest/docs/guides/esm-support
export function jestConfig(projectDir, overrides = {}) {
  return {
    displayName: projectDir.split('/').slice(-2).join('/'),
    rootDir: projectDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    moduleNameMapper: {
      '^@datapark/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    },
    // Tests share one platform and one database: run files one at a time, as a learner's
    // machine would, and give real services room to answer.
    maxWorkers: 1,
    testTimeout: 60_000,
    ...overrides,
  };
}
