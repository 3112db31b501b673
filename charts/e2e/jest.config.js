import { jestConfig } from '../../jest.preset.js';

// `npx nx run charts:e2e`: the pipeline on the one-node cluster (pipeline-on-node.e2e.test.ts),
// never part of `npm test` (charts/jest.config.js matches test/ only).
export default jestConfig(import.meta.dirname, {
  testMatch: ['<rootDir>/*.e2e.test.ts'],
  moduleNameMapper: {
    '^@datapark/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../tsconfig.json' }],
  },
  testTimeout: 600_000,
});
