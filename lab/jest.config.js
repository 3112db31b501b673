import { jestConfig } from '../jest.preset.js';

// The tests run the examples as a learner does (node on the .ts file, against dist/), so only
// the tests themselves go through ts-jest.
export default jestConfig(import.meta.dirname, {
  moduleNameMapper: {
    '^@datapark/([a-z-]+)$': '<rootDir>/../packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  testTimeout: 300_000,
});
