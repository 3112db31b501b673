import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { podsOf } from './fixtures/pods.js';
import { ROOT, renderProfile } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

function workload(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} was not rendered`);
  return found;
}

const replicas = (m: Manifest) => (m.spec as { replicas: number }).replicas;

/**
 * Where the version in the tag of an image is pinned: the variable of a tools/ci script that pins
 * the binary an image of a Go build bakes in, or the package of a lock an image's venv is
 * installed from.
 */
const PINS: Record<string, [file: string, pin: RegExp]> = {
  'statsd-exporter': ['tools/ci/monitoring.sh', /^STATSD_EXPORTER_VERSION=v(\S+)$/m],
  objectstore: ['tools/ci/objectstore.sh', /^VERSITYGW_VERSION=v(\S+)$/m],
  alertmanager: ['tools/ci/monitoring.sh', /^ALERTMANAGER_VERSION=v(\S+)$/m],
  prometheus: ['tools/images/prometheus/build.sh', /^version=(\S+)$/m],
  superset: ['tools/superset/requirements.lock', /^apache-superset==(\S+)/m],
};

/** The image tools/images/<name>/build.sh writes (its `image=` line; statsd-exporter's and
 * objectstore's name the version tools/ci/monitoring.sh or objectstore.sh pins, the binary it
 * bakes in, superset's the apache-superset of tools/superset/requirements.lock). */
function builtImage(name: string): string {
  const build = join(ROOT, 'tools', 'images', name, 'build.sh');
  if (!existsSync(build)) throw new Error(`no tools/images/${name}/build.sh builds ${name}`);
  const image = /^image=(\S+)$/m.exec(readFileSync(build, 'utf8'))?.[1];
  if (!image) throw new Error(`tools/images/${name}/build.sh names no image= line`);
  const placeholder = /\$\{version(?:#v)?\}/.exec(image)?.[0];
  if (!placeholder) return image;
  const [file, pin] = PINS[name] ?? ['(none)', /(?!)/];
  const pinned = pin.exec(readFileSync(join(ROOT, file), 'utf8'))?.[1];
  return image.replace(placeholder, pinned ?? `no pin in ${file}`);
}

describe('value profiles', () => {
  it('default: three Kafka nodes, two Spark workers, every Airflow component, Jupyter, Superset', async () => {
    const { manifests } = await renderProfile('default');
    expect(replicas(workload(manifests, 'StatefulSet', 'dp-kafka'))).toBe(3);
    expect(replicas(workload(manifests, 'Deployment', 'dp-spark-worker'))).toBe(2);
    for (const c of ['api-server', 'scheduler', 'dag-processor', 'triggerer'])
      expect(replicas(workload(manifests, 'Deployment', `dp-airflow-${c}`))).toBe(1);
    expect(replicas(workload(manifests, 'Deployment', 'dp-airflow-worker'))).toBe(2);
    workload(manifests, 'StatefulSet', 'dp-airflow-redis');
    workload(manifests, 'Deployment', 'dp-jupyter');
    expect(replicas(workload(manifests, 'Deployment', 'dp-superset'))).toBe(1);
    workload(manifests, 'Job', 'dp-superset-init');
    workload(manifests, 'Deployment', 'dp-spark-history');
    expect(manifests.some((m) => m.kind === 'Ingress')).toBe(false);
  });

  it('minimal: Airflow, Jupyter, Superset and the history server turned off leave nothing of theirs', async () => {
    const { manifests } = await renderProfile('minimal');
    const components = new Set(manifests.map((m) => m.metadata.labels?.['app.kubernetes.io/name']));
    expect(components).not.toContain('airflow');
    expect(components).not.toContain('jupyter');
    expect(components).not.toContain('superset');
    expect(manifests.some((m) => m.metadata.name === 'dp-spark-history')).toBe(false);
    expect(replicas(workload(manifests, 'Deployment', 'dp-spark-worker'))).toBe(1);
  });

  it('ha: more replicas, Ingress with TLS and basic auth on every UI, init Jobs without hooks', async () => {
    const { manifests } = await renderProfile('ha');
    expect(replicas(workload(manifests, 'StatefulSet', 'dp-kafka'))).toBe(5);
    expect(replicas(workload(manifests, 'Deployment', 'dp-airflow-scheduler'))).toBe(2);
    const ingresses = manifests.filter((m) => m.kind === 'Ingress');
    expect(ingresses.map((m) => m.metadata.name).sort()).toEqual([
      'dp-airflow-api-server',
      'dp-jupyter',
      'dp-monitoring-alertmanager',
      'dp-monitoring-prometheus',
      'dp-spark-history',
      'dp-spark-master',
      'dp-superset',
    ]);
    // Prometheus and Alertmanager ask for basic auth themselves (prometheus-in-chart.test.ts).
    const ownBasicAuth = ['dp-monitoring-alertmanager', 'dp-monitoring-prometheus'];
    for (const ingress of ingresses) {
      expect((ingress.spec as { tls: unknown[] }).tls).toHaveLength(1);
      if (ownBasicAuth.includes(ingress.metadata.name)) continue;
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/auth-type']).toBe('basic');
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/auth-secret']).toBe(
        'dp-ingress-basic-auth',
      );
    }
    const auth = workload(manifests, 'Secret', 'dp-ingress-basic-auth');
    expect(Buffer.from(auth.data!.auth!, 'base64').toString()).toMatch(/^datapark:\$2[aby]\$/);
    for (const job of manifests.filter((m) => m.kind === 'Job'))
      expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
  });

  it("local-images: every datapark.local image is one tools/images builds, with pullPolicy Never; the object store, Jupyter, Superset and the statsd-exporter sidecars (Spark's workers, the object store, Superset) run the locally built ones", async () => {
    const { manifests } = await renderProfile('local-images');
    const containers = podsOf(manifests).flatMap((pod) =>
      [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].map((c) => ({
        where: `${pod.owner}/${c.name}`,
        image: c.image,
        pullPolicy: c.imagePullPolicy,
      })),
    );
    const local = containers.filter((c) => c.image.startsWith('datapark.local/'));
    expect(local.length).toBeGreaterThan(10);
    for (const c of local) {
      const name = c.image.slice('datapark.local/'.length, c.image.indexOf(':'));
      expect(c).toEqual({ ...c, image: builtImage(name), pullPolicy: 'Never' });
    }
    const statsd = builtImage('statsd-exporter');
    expect(containers.filter((c) => c.where.endsWith('/statsd-exporter'))).toEqual([
      { where: 'Deployment/dp-airflow-statsd/statsd-exporter', image: statsd, pullPolicy: 'Never' },
      { where: 'Deployment/dp-spark-worker/statsd-exporter', image: statsd, pullPolicy: 'Never' },
      { where: 'Deployment/dp-superset/statsd-exporter', image: statsd, pullPolicy: 'Never' },
      { where: 'StatefulSet/dp-objectstore/statsd-exporter', image: statsd, pullPolicy: 'Never' },
    ]);
    // The drivers and executors the workers run send to it.
    expect(workload(manifests, 'ConfigMap', 'dp-spark').data!['spark-defaults.conf']).toContain(
      'spark.metrics.conf.executor.sink.statsd.class org.apache.spark.metrics.sink.StatsdSink',
    );
    // The object store's gateway, its data-dir init container and its bucket Job: the image of
    // the versitygw tools/ci/objectstore.sh builds, with the chart's commands unchanged.
    const objectstore = builtImage('objectstore');
    expect(objectstore).toMatch(/^datapark\.local\/objectstore:\d+\.\d+\.\d+-bookworm$/);
    const gateway = containers.filter(
      (c) => c.where.includes('/dp-objectstore') && !c.where.endsWith('/statsd-exporter'),
    );
    expect(gateway.map((c) => c.where).sort()).toEqual([
      'Job/dp-objectstore-init/init',
      'StatefulSet/dp-objectstore/data-dir',
      'StatefulSet/dp-objectstore/objectstore',
    ]);
    for (const c of gateway) expect(c).toEqual({ ...c, image: objectstore, pullPolicy: 'Never' });
    // JupyterLab and its init containers (the samples, the PySpark kernelspec): the image of the
    // Python lock's JupyterLab, whose contract the chart's commands and arguments rely on.
    const jupyter = builtImage('jupyter');
    const lab = /^jupyterlab==(\S+)$/m.exec(
      readFileSync(join(ROOT, 'tools', 'python', 'requirements.lock'), 'utf8'),
    )?.[1];
    expect(jupyter).toBe(`datapark.local/jupyter:${lab}-bookworm`);
    expect(containers.filter((c) => c.where.startsWith('Deployment/dp-jupyter/'))).toEqual([
      { where: 'Deployment/dp-jupyter/jupyter', image: jupyter, pullPolicy: 'Never' },
      { where: 'Deployment/dp-jupyter/copy-notebooks', image: jupyter, pullPolicy: 'Never' },
      { where: 'Deployment/dp-jupyter/pyspark-kernel', image: jupyter, pullPolicy: 'Never' },
    ]);
    // Superset's server, its wait-for-migrations init container and its init Job: the image of
    // the local platform's Superset lock, tagged with the Superset it pins.
    const superset = builtImage('superset');
    const locked = /^apache-superset==(\S+)/m.exec(
      readFileSync(join(ROOT, 'tools', 'superset', 'requirements.lock'), 'utf8'),
    )?.[1];
    expect(superset).toBe(`datapark.local/superset:${locked}-bookworm`);
    const server = containers.filter(
      (c) => c.where.includes('/dp-superset') && !c.where.endsWith('/statsd-exporter'),
    );
    expect(server.map((c) => c.where).sort()).toEqual([
      'Deployment/dp-superset/superset',
      'Deployment/dp-superset/wait-for-migrations',
      'Job/dp-superset-init/init',
    ]);
    for (const c of server) expect(c).toEqual({ ...c, image: superset, pullPolicy: 'Never' });
    // The monitoring and the exporters: Debian's packages of the very versions the chart's
    // defaults pin (the official images' tags), and the Alertmanager monitoring.sh builds.
    const defaults = podsOf((await renderProfile('default')).manifests).flatMap((pod) =>
      pod.spec.containers.map((c) => ({ where: `${pod.owner}/${c.name}`, image: c.image })),
    );
    const monitoring = [
      ['StatefulSet/dp-monitoring-prometheus/prometheus', 'prometheus'],
      ['Deployment/dp-monitoring-alertmanager/alertmanager', 'alertmanager'],
      ['DaemonSet/dp-monitoring-node-exporter/node-exporter', 'node-exporter'],
      ['StatefulSet/dp-postgresql/metrics', 'postgres-exporter'],
      ['StatefulSet/dp-airflow-redis/metrics', 'redis-exporter'],
    ];
    for (const [where, name] of monitoring) {
      const image = builtImage(name!);
      expect(containers.filter((c) => c.where === where)).toEqual([
        { where, image, pullPolicy: 'Never' },
      ]);
      const official = defaults.find((c) => c.where === where)?.image ?? `no ${where} by default`;
      expect(`${name}:${official.split(':v')[1]}-bookworm`).toBe(
        image.slice('datapark.local/'.length),
      );
    }
  });

  it('runs the init Jobs as hooks in order: PostgreSQL roles before Airflow migrations', async () => {
    const { manifests } = await renderProfile('default');
    const weight = (name: string) =>
      Number(workload(manifests, 'Job', name).metadata.annotations?.['helm.sh/hook-weight']);
    expect(
      workload(manifests, 'Job', 'dp-postgresql-init').metadata.annotations?.['helm.sh/hook'],
    ).toBe('post-install,post-upgrade');
    expect(weight('dp-postgresql-init')).toBeLessThan(weight('dp-airflow-migrations'));
    expect(weight('dp-kafka-topics')).toBeGreaterThanOrEqual(weight('dp-postgresql-init'));
    // Superset's init Job logs in as the roles PostgreSQL's init Job creates.
    expect(weight('dp-postgresql-init')).toBeLessThan(weight('dp-superset-init'));
  });
});
