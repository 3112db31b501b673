import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT } from './fixtures/render.js';

describe('without helm', () => {
  it('the chart targets fail with the command that installs it, instead of skipping', async () => {
    const result = await execa('bash', [join(ROOT, 'charts', 'helm.sh'), 'version'], {
      reject: false,
      env: {
        PATH: '/usr/bin:/bin',
        HOME: '/nonexistent',
        GOPATH: '/nonexistent',
        DATAPARK_HELM: '',
      },
      extendEnv: false,
    });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('helm not found');
    expect(result.stderr).toContain('bash tools/ci/go.sh');
  });
});
