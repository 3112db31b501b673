import { jestConfig } from '../../jest.preset.js';

// A lesson's test runs a reference solution against the shared platform as a learner runs
// their script (node on a .ts file, against dist/): minutes, not seconds.
export default jestConfig(import.meta.dirname, { testTimeout: 300_000 });
