import { podsOf } from './fixtures/pods.js';
import type { Container, Pod } from './fixtures/pods.js';
import { PROFILES, parseManifests, renderProfile, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// Airflow's, Jupyter's, Superset's and the monitoring's containers run with a read-only root filesystem, like every other
// container of the charts: what they write goes to volumes. The paths below are what each one
// writes, read from the software and the templates:
// - Airflow's SimpleAuthManager opens AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE for
//   writing at start and at every login (simple_auth_manager.py);
// - every `airflow` command writes a default airflow.cfg into AIRFLOW_HOME (/opt/airflow) when
//   there is none (airflow/__main__.py); gunicorn, the task supervisor and tempfile use /tmp;
//   task and DAG-processor logs go to /opt/airflow/logs; Redis keeps its append-only file in /data
//   (its exporter and the statsd-exporter write nothing);
// - JupyterLab writes its settings and workspaces to ~/.jupyter, its runtime and connection files
//   and the notebook-trust database to ~/.local/share/jupyter, IPython its history to ~/.ipython,
//   matplotlib and pip to ~/.cache, `pip install --user` to ~/.local; the PySpark driver and Python
//   write under /tmp; the learner's notebooks are in ~/work; Deno's cache is in
//   /opt/datapark/typescript/deno-dir;
// - the init containers write the kernelspecs, node_modules, npm's cache and home, the samples and
//   the home directory's skeleton; with global.sparkJars, Spark's connector jars;
// - Superset writes under SUPERSET_HOME (= HOME, /app/superset_home: its uploads, a gunicorn
//   control socket in the working directory), gunicorn's worker heartbeat files and tempfile
//   under /tmp; the init Job writes provision.py's 0600 settings file and stamp under /tmp;
// - versitygw writes the objects, their extended attributes and the uploads in progress (each
//   bucket's .sgwtmp/) into the buckets' folder of its volume, which its init container creates;
//   the bucket Job's admin client writes nothing;
// - Prometheus writes its TSDB (blocks, write-ahead log, lock) under --storage.tsdb.path
//   (/prometheus), Alertmanager its silences and notification log under --storage.path.

interface Mount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}
type FullContainer = Container & { volumeMounts?: readonly Mount[] };

const AIRFLOW_WRITES = [
  '/opt/airflow/airflow.cfg',
  // SimpleAuthManager opens its passwords file r+ (login) and a+ (start), even to read it.
  '/opt/airflow/auth/passwords.json',
  '/opt/airflow/logs/dag_id=x/run_id=y',
  '/tmp/x',
];
const WRITES: Record<string, readonly string[]> = {
  'airflow/api-server/api-server': AIRFLOW_WRITES,
  'airflow/api-server/wait-for-migrations': AIRFLOW_WRITES,
  'airflow/scheduler/scheduler': AIRFLOW_WRITES,
  'airflow/scheduler/wait-for-migrations': AIRFLOW_WRITES,
  'airflow/dag-processor/dag-processor': AIRFLOW_WRITES,
  'airflow/dag-processor/wait-for-migrations': AIRFLOW_WRITES,
  'airflow/triggerer/triggerer': AIRFLOW_WRITES,
  'airflow/triggerer/wait-for-migrations': AIRFLOW_WRITES,
  'airflow/worker/worker': AIRFLOW_WRITES,
  'airflow/worker/wait-for-migrations': AIRFLOW_WRITES,
  'airflow/migrations/migrations': AIRFLOW_WRITES,
  'airflow/redis/redis': ['/data/appendonlydir'],
  // The exporters keep nothing: redis_exporter and statsd_exporter hold their metrics in memory.
  'airflow/redis/metrics': [],
  'airflow/statsd/statsd-exporter': [],
  'objectstore/objectstore/statsd-exporter': [],
  'superset/superset/statsd-exporter': [],
  // kafka_exporter logs to stderr (klog) and keeps its metrics in memory.
  'kafka/lag-exporter/kafka-exporter': [],
  // node_exporter logs to stderr, keeps its metrics in memory, and only reads the host's /proc,
  // /sys and / (mounted read-only): nothing, not even under them.
  'monitoring/node-exporter/node-exporter': [],
  'monitoring/prometheus/prometheus': ['/prometheus/wal/00000000', '/prometheus/lock'],
  'monitoring/alertmanager/alertmanager': ['/alertmanager/nflog', '/alertmanager/silences'],
  'jupyter/jupyter/jupyter': [
    '/home/jovyan/.jupyter/lab/user-settings',
    '/home/jovyan/.jupyter/lab/workspaces',
    '/home/jovyan/.local/share/jupyter/runtime/jpserver-7.json',
    '/home/jovyan/.local/share/jupyter/nbsignatures.db',
    '/home/jovyan/.ipython/profile_default/history.sqlite',
    '/home/jovyan/.cache/matplotlib',
    '/home/jovyan/.local/lib/python3.12/site-packages',
    '/home/jovyan/.bash_history',
    '/home/jovyan/work/datapark-samples/postgres-kysely.ipynb',
    '/tmp/spark-1234/blockmgr-5678',
  ],
  'jupyter/jupyter/copy-notebooks': ['/home/jovyan/.bashrc', '/home/jovyan/work/datapark-samples'],
  'jupyter/jupyter/pyspark-kernel': ['/opt/datapark/jupyter/kernels/datapark-pyspark/kernel.json'],
  'superset/superset/superset': [
    '/app/superset_home/uploads/x.csv',
    '/app/superset_home/gunicorn.ctl',
    '/tmp/wgunicorn-x',
  ],
  'superset/superset/wait-for-migrations': ['/tmp/x'],
  'superset/init/init': [
    '/tmp/provision/secrets.json',
    '/tmp/provision/migrated',
    '/app/superset_home/x',
  ],
  'jupyter/jupyter/spark-jars': ['/opt/datapark-jars/iceberg-aws-bundle-1.12.0.jar.part'],
  'objectstore/objectstore/objectstore': [
    '/var/lib/versitygw/buckets/lake/warehouse/gold/daily_sales/data/x.parquet',
    '/var/lib/versitygw/buckets/lake/.sgwtmp/multipart/x',
    '/tmp/x',
  ],
  'objectstore/objectstore/data-dir': ['/var/lib/versitygw/buckets'],
  'objectstore/init/init': [],
  'jupyter/jupyter/typescript-kernel': [
    '/opt/datapark/jupyter/kernels/datapark-typescript/kernel.json',
    '/opt/datapark/typescript/node_modules',
    '/tmp/npm-cache',
    '/tmp/home/.npmrc',
  ],
};
/** With the TypeScript kernel, the notebook server writes Deno's cache too. */
const TYPESCRIPT_SERVER_WRITES = ['/opt/datapark/typescript/deno-dir/npm'];

const containersOf = (pod: Pod) =>
  [...(pod.spec.initContainers ?? []), ...pod.spec.containers] as FullContainer[];
const key = (pod: Pod, c: Container) =>
  `${pod.labels['app.kubernetes.io/name']}/${pod.labels['app.kubernetes.io/component']}/${c.name}`;
const ofCheckedComponent = (pod: Pod) =>
  ['airflow', 'jupyter', 'superset', 'objectstore', 'monitoring'].includes(
    pod.labels['app.kubernetes.io/name']!,
  ) || pod.labels['app.kubernetes.io/component'] === 'lag-exporter';

/** The volumes of a StatefulSet's claim templates, by owner (`StatefulSet/<name>`). */
const claimVolumes = (manifests: readonly Manifest[]) =>
  new Map(
    manifests
      .filter((m) => m.kind === 'StatefulSet')
      .map((m) => [
        `StatefulSet/${m.metadata.name}`,
        (
          (m.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] })
            .volumeClaimTemplates ?? []
        ).map((t) => t.metadata.name),
      ]),
  );

/** Why `path` is not writable in `container` (the mount that holds it), or undefined if it is. */
function notWritable(
  pod: Pod,
  container: FullContainer,
  path: string,
  claims: readonly string[],
): string | undefined {
  const holding = (container.volumeMounts ?? [])
    .filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!holding) return 'on the read-only root filesystem';
  if (holding.readOnly) return `on ${holding.name}, mounted read-only`;
  if (claims.includes(holding.name)) return undefined;
  const volume = (pod.spec.volumes ?? []).find((v) => v.name === holding.name);
  if (!volume) return `on ${holding.name}, which the pod does not define`;
  if (!('emptyDir' in volume) && !('persistentVolumeClaim' in volume))
    return `on ${holding.name}, a ${Object.keys(volume).find((k) => k !== 'name')} volume (read-only)`;
  return undefined;
}

function problemsOf(
  manifests: readonly Manifest[],
  extraWrites: Record<string, readonly string[]> = {},
) {
  const problems: string[] = [];
  const checked = new Set<string>();
  const claims = claimVolumes(manifests);
  for (const pod of podsOf(manifests).filter(ofCheckedComponent))
    for (const container of containersOf(pod)) {
      const where = `${pod.owner}/${container.name}`;
      if (container.securityContext?.readOnlyRootFilesystem !== true)
        problems.push(`${where}: readOnlyRootFilesystem is not true`);
      const writes = WRITES[key(pod, container)];
      if (!writes) {
        problems.push(`${where}: what does it write? (add it to WRITES)`);
        continue;
      }
      checked.add(key(pod, container));
      for (const path of [...writes, ...(extraWrites[key(pod, container)] ?? [])]) {
        const why = notWritable(pod, container, path, claims.get(pod.owner) ?? []);
        if (why) problems.push(`${where} writes ${path}: ${why}`);
      }
    }
  return { problems, checked };
}

describe.each(PROFILES)('read-only root filesystems, %s profile', (profile) => {
  it('every Airflow, Jupyter, Superset, object store and monitoring container has readOnlyRootFilesystem, and every path it writes is on a writable volume', async () => {
    const { problems, checked } = problemsOf((await renderProfile(profile)).manifests);
    expect(problems).toEqual([]);
    expect(checked).toContain('objectstore/objectstore/objectstore');
    // Every profile runs the statsd-exporter sidecars (local-images: the image built here).
    expect(checked).toContain('objectstore/objectstore/statsd-exporter');
    expect(checked).toContain('monitoring/node-exporter/node-exporter');
    // local-images leaves Kafka's lag exporter out (no image of it is built here).
    if (profile === 'local-images') expect(checked.size).toBeGreaterThanOrEqual(16);
    else if (profile !== 'minimal') expect(checked.size).toBeGreaterThanOrEqual(20);
  });
});

describe('read-only root filesystems, other values', () => {
  it("holds with Spark's connector jars: Jupyter's download writes to its volume", async () => {
    const manifests = parseManifests(await renderYaml(['--set', 'global.sparkJars.enabled=true']));
    const { problems, checked } = problemsOf(manifests);
    expect(problems).toEqual([]);
    expect(checked).toContain('jupyter/jupyter/spark-jars');
  });

  it('holds with the TypeScript kernel: its init container and Deno writing to volumes', async () => {
    const manifests = parseManifests(
      await renderYaml([
        '--set',
        'jupyter.typescriptKernel.enabled=true',
        '--set',
        'jupyter.typescriptKernel.npmEgress.enabled=true',
      ]),
    );
    const { problems, checked } = problemsOf(manifests, {
      'jupyter/jupyter/jupyter': TYPESCRIPT_SERVER_WRITES,
    });
    expect(problems).toEqual([]);
    expect(checked).toContain('jupyter/jupyter/typescript-kernel');
  });

  it('catches a path off the volumes (so a pass above means something)', async () => {
    const { problems } = problemsOf((await renderProfile('default')).manifests, {
      'jupyter/jupyter/jupyter': ['/opt/conda/lib/x', '/opt/datapark/jupyter/kernels/x'],
      'airflow/worker/worker': ['/opt/airflow/dags/x'],
    });
    expect(problems).toEqual([
      'Deployment/dp-airflow-worker/worker writes /opt/airflow/dags/x: on dags, mounted read-only',
      'Deployment/dp-jupyter/jupyter writes /opt/conda/lib/x: on the read-only root filesystem',
      'Deployment/dp-jupyter/jupyter writes /opt/datapark/jupyter/kernels/x: on kernels, mounted read-only',
    ]);
  });

  it('gives Airflow a writable root only with extraPipPackages, which pip installs into the image', async () => {
    const pods = podsOf(
      parseManifests(await renderYaml(['--set', 'airflow.extraPipPackages[0]=pandas'])),
    );
    const writable = pods.filter(ofCheckedComponent).flatMap((pod) =>
      containersOf(pod)
        .filter((c) => c.securityContext?.readOnlyRootFilesystem !== true)
        .map((c) => key(pod, c)),
    );
    expect(writable.length).toBeGreaterThan(0);
    expect(writable.every((k) => k.startsWith('airflow/') && !k.startsWith('airflow/redis/'))).toBe(
      true,
    );
  });
});
