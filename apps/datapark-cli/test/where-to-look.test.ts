import { loadConfig } from '@datapark/config';
import type { ComponentStatus } from '@datapark/platform';
import { whereToLook } from '../src/status/print-status.js';

const config = loadConfig();
const spark = (units: string[]): ComponentStatus => ({
  component: 'spark',
  state: 'running',
  units: units.map((name) => ({ name, state: 'running' })),
});

describe('the web UIs `datapark status` lists', () => {
  it('lists the Spark history server only while its unit runs (the lean profile has none)', () => {
    const full = whereToLook(config, [spark(['spark-master', 'spark-worker-1', 'spark-history'])]);
    expect(full.some((line) => line.includes('Spark history'))).toBe(true);
    expect(full.some((line) => line.includes('Spark master'))).toBe(true);

    const lean = whereToLook(config, [spark(['spark-master', 'spark-worker-1'])]);
    expect(lean.some((line) => line.includes('Spark history'))).toBe(false);
    expect(lean.some((line) => line.includes('Spark master'))).toBe(true);
  });

  it('lists nothing for stopped components', () => {
    expect(whereToLook(config, [{ ...spark(['spark-master']), state: 'stopped' }])).toEqual([]);
  });
});
