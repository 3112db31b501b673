import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROFILES, ROOT, renderProfile, renderYaml, tempFile } from './fixtures/render.js';

// The Kubernetes versions the charts support: the three newest minors whose JSON schemas
// kubernetes-validate (tools/python/requirements.in) ships, validated offline.
const KUBERNETES_VERSIONS = ['1.35.0', '1.36.0', '1.37.0'];
const VALIDATE = join(ROOT, '.venv', 'bin', 'kubernetes-validate');

describe.each(PROFILES)('the %s profile', (profile) => {
  it('renders objects of the expected kinds', async () => {
    const { manifests } = await renderProfile(profile);
    const kinds = new Set(manifests.map((m) => m.kind));
    for (const kind of [
      'StatefulSet',
      'Deployment',
      'Service',
      'Secret',
      'ConfigMap',
      'NetworkPolicy',
      'Job',
    ])
      expect(kinds).toContain(kind);
    const names = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});

// One kubernetes-validate run per version over the three profiles' files (each run loads the
// schemas once; a failure names the file, the object and the field).
describe.each(KUBERNETES_VERSIONS)('Kubernetes %s', (version) => {
  it('accepts every object of every profile, and of the monitoring opt-ins (strict schemas, offline)', async () => {
    if (!existsSync(VALIDATE))
      throw new Error(
        `${VALIDATE} is missing: bash tools/ci/python.sh installs kubernetes-validate`,
      );
    const files = await Promise.all([
      ...PROFILES.map(async (profile) =>
        tempFile(`${profile}.yaml`, (await renderProfile(profile)).text),
      ),
      // The opt-ins the profiles leave off: the brokers' JMX agent (an init container, egress).
      renderYaml(['--set', 'kafka.metrics.enabled=true']).then((text) =>
        tempFile('kafka-metrics.yaml', text),
      ),
    ]);
    const result = await execa(VALIDATE, ['--strict', '--quiet', '-k', version, ...files], {
      reject: false,
      all: true,
    });
    expect(result.all).toBe('');
    expect(result.exitCode).toBe(0);
  });
});

describe('kubernetes-validate', () => {
  it('rejects an object that breaks the schema (so a pass above means something)', async () => {
    const file = tempFile(
      'bad.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: abc\n',
    );
    const result = await execa(
      VALIDATE,
      ['--strict', '--quiet', '-k', KUBERNETES_VERSIONS[0]!, file],
      {
        reject: false,
        all: true,
      },
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/spec\.ports\.0\.port/);
  });
});
