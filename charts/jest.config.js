import { jestConfig } from '../jest.preset.js';

// helm template runs once per profile and is cached per test file; a cold render of the whole
// umbrella takes a few seconds on two cores.
export default jestConfig(import.meta.dirname, {
  moduleNameMapper: {
    '^@datapark/([a-z-]+)$': '<rootDir>/../packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 120_000,
});
