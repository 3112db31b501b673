import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { podsOf } from './fixtures/pods.js';
import { parseManifests, renderProfile, renderYaml, ROOT } from './fixtures/render.js';

// Airflow ignores an AIRFLOW__SECTION__KEY it does not know, silently: a typo would leave a
// default in place. The venv's apache-airflow is the image's version (3.3.2), so its own
// configuration description says which options exist.
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const CHECK = `
import json, sys, warnings
warnings.simplefilter("ignore")
from airflow.configuration import conf
described = conf.configuration_description
unknown = []
for name in json.load(sys.stdin):
    _, section, key = name.split("__", 2)
    if key.lower() not in described.get(section.lower(), {}).get("options", {}):
        unknown.append(name)
print(json.dumps(unknown))
`;

describe('the Airflow configuration the chart sets', () => {
  it('uses only options that Airflow 3.3.2 knows (a misspelt one would be ignored)', async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: bash tools/ci/python.sh`);
    const { manifests } = await renderProfile('default');
    const names = new Set<string>();
    for (const pod of podsOf(manifests).filter(
      (p) => p.labels['app.kubernetes.io/name'] === 'airflow',
    ))
      for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])])
        for (const e of c.env ?? []) if (e.name.startsWith('AIRFLOW__')) names.add(e.name);
    expect(names.size).toBeGreaterThan(20);
    // A misspelling of a real option rides along: the check must catch it (one Python start).
    const canary = 'AIRFLOW__LOGGING__TRIGGERER_LOG_SERVER_PORT';
    const result = await execa(PYTHON, ['-c', CHECK], {
      input: JSON.stringify([...names, canary]),
      reject: false,
      all: true,
    });
    if (result.exitCode !== 0) throw new Error(result.all);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual([canary]);
  });

  it("tells the DAGs the lake is set up exactly when Spark gets Iceberg's jars (global.sparkJars)", async () => {
    const lakeOf = (text: string) => {
      const extras = podsOf(parseManifests(text))
        .filter((p) => p.labels['app.kubernetes.io/name'] === 'airflow')
        .flatMap((p) => p.spec.containers.flatMap((c) => c.env ?? []))
        .filter((e) => e.name === 'AIRFLOW_CONN_DATAPARK_SPARK_REST')
        .map((e) => (JSON.parse(e.value!) as { extra: { lake: unknown } }).extra.lake);
      expect(extras.length).toBeGreaterThan(0);
      return [...new Set(extras)];
    };
    expect(lakeOf(await renderYaml())).toEqual([false]);
    expect(lakeOf(await renderYaml(['--set', 'global.sparkJars.enabled=true']))).toEqual([true]);
  });

  it('gives every Airflow component its passwords file in a writable place, copied from the Secret before it starts', async () => {
    type Mounted = { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] };
    const { manifests } = await renderProfile('default');
    const components = podsOf(manifests).filter(
      (p) => p.labels['app.kubernetes.io/name'] === 'airflow' && p.kind === 'Deployment',
    );
    const checked = components.filter((pod) =>
      pod.spec.containers.some((c) =>
        (c.env ?? []).some((e) => e.name === 'AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE'),
      ),
    );
    expect(checked.map((p) => p.labels['app.kubernetes.io/component']).sort()).toEqual(
      expect.arrayContaining(['api-server', 'scheduler']),
    );
    for (const pod of checked) {
      const main = pod.spec.containers[0]!;
      const file = main.env!.find(
        (e) => e.name === 'AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE',
      )!.value!;
      const secretVolume = (pod.spec.volumes ?? []).find(
        (v) => (v as { secret?: { secretName: string } }).secret?.secretName === 'dp-airflow',
      ) as { name: string; secret: { items: { key: string; path: string }[] } } | undefined;
      expect(secretVolume?.secret.items).toEqual([
        { key: 'passwords.json', path: 'passwords.json' },
      ]);
      const secretMount = (main as Mounted).volumeMounts!.find(
        (m) => m.name === secretVolume!.name,
      )!;
      // The file Airflow opens is not on the Secret's (read-only) volume...
      expect(file.startsWith(`${secretMount.mountPath}/`)).toBe(false);
      // ...but copied there from it by the init container, ahead of the migration check.
      const init = pod.spec.initContainers!.find((c) => c.name === 'wait-for-migrations')!;
      const script = init.args!.at(-1)!;
      expect(init.args!.slice(0, 2)).toEqual(['bash', '-c']);
      const copy = script.indexOf(`${secretMount.mountPath}/passwords.json ${file}`);
      expect(copy).toBeGreaterThan(0);
      expect(copy).toBeLessThan(script.indexOf('airflow db check-migrations'));
      const home = (main as Mounted).volumeMounts!.find(
        (m) => file.startsWith(`${m.mountPath}/`) && !m.readOnly,
      );
      expect((init as Mounted).volumeMounts).toContainEqual(
        expect.objectContaining({ name: home!.name }),
      );
    }
  });

  it('starts no exec probe (a Python importing Airflow or Celery) more often than every 30 s, startup probes included, with 5 minutes to start', async () => {
    type Probe = { exec?: unknown; periodSeconds?: number; failureThreshold?: number };
    const { manifests } = await renderProfile('default');
    const probed = podsOf(manifests)
      .filter((p) => p.labels['app.kubernetes.io/name'] === 'airflow')
      .flatMap((p) => p.spec.containers)
      .flatMap((c) => {
        const probes = c as unknown as Record<string, Probe | undefined>;
        return (
          ['startupProbe', 'readinessProbe', 'livenessProbe']
            .map((kind) => ({ at: `${c.name}.${kind}`, probe: probes[kind] }))
            // redis-cli's probes are a small C program: not these.
            .filter((p) => /airflow|celery/.test(JSON.stringify(p.probe?.exec ?? '')))
        );
      });
    // The triggerer, the dag-processor and the Celery worker: three probes each.
    expect(probed.length).toBeGreaterThanOrEqual(9);
    expect(probed.filter((p) => (p.probe!.periodSeconds ?? 10) < 30).map((p) => p.at)).toEqual([]);
    for (const { at, probe } of probed.filter((p) => p.at.endsWith('startupProbe')))
      expect([at, probe!.periodSeconds! * probe!.failureThreshold!]).toEqual([at, 300]);
  });
});
