import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHART, helm } from './fixtures/render.js';

const charts = [
  'datapark',
  ...readdirSync(join(CHART, 'charts')).map((c) => `datapark/charts/${c}`),
];

describe('helm lint --strict', () => {
  it.each(charts)('passes for %s', async (chart) => {
    const result = await helm([
      'lint',
      '--strict',
      join(CHART, '..', chart),
      '--namespace',
      'datapark',
    ]);
    expect(result.stdout).toContain('0 chart(s) failed');
    expect(result.exitCode).toBe(0);
  });

  it.each(['default', 'minimal', 'ha', 'local-images'])(
    'passes for the umbrella with ci/%s-values.yaml',
    async (profile) => {
      const result = await helm([
        'lint',
        '--strict',
        CHART,
        '-f',
        join(CHART, 'ci', `${profile}-values.yaml`),
      ]);
      expect(result.exitCode).toBe(0);
    },
  );

  it('fails a chart with a bad value (so a pass means something)', async () => {
    const result = await helm(['lint', '--strict', CHART, '--set', 'kafka.replicas=three']);
    expect(result.exitCode).not.toBe(0);
  });
});
