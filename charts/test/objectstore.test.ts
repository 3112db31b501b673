import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LAKE_CATALOG, S3_BUCKETS, lakeSparkConf, loadConfig } from '@datapark/config';
import { execa } from 'execa';
import { parse } from 'yaml';
import { podsOf } from './fixtures/pods.js';
import type { Container, Pod } from './fixtures/pods.js';
import { CHART, ROOT, helm, parseManifests, renderProfile, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// The object store of the chart (charts/objectstore: Versity Gateway) and what the lake's
// clients get from it, read from the rendered objects; the bucket Job's script also runs against
// a real versitygw, started with the chart's own command line.

type EnvVar = NonNullable<Container['env']>[number];
interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}
const secretRef = (e: EnvVar) =>
  (e.valueFrom as { secretKeyRef?: SecretKeyRef } | undefined)?.secretKeyRef;

function find(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} was not rendered`);
  return found;
}

function podOf(manifests: readonly Manifest[], owner: string): Pod {
  const pod = podsOf(manifests).find((p) => p.owner === owner);
  if (!pod) throw new Error(`no pod ${owner}`);
  return pod;
}

function container(pod: Pod, name: string): Container {
  const found = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
    (c) => c.name === name,
  );
  if (!found) throw new Error(`${pod.owner} has no container ${name}`);
  return found;
}

/** A decoded key of a rendered Secret. */
function secretValue(manifests: readonly Manifest[], name: string, key: string): string {
  const data = find(manifests, 'Secret', name).data ?? {};
  if (data[key] === undefined) throw new Error(`Secret ${name} has no key ${key}`);
  return Buffer.from(data[key], 'base64').toString();
}

/** A container's environment as the pod would see it, secretKeyRefs read from the rendered Secrets. */
function resolvedEnv(manifests: readonly Manifest[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const ref = secretRef(e);
    if (ref) env[e.name] = secretValue(manifests, ref.name, ref.key);
    else if (e.value !== undefined) env[e.name] = e.value;
  }
  return env;
}

/** @datapark/config as a process with exactly `env` (no endpoints file) would load it. */
function configFrom(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'datapark-charts-lake-'));
  return loadConfig({ env, cwd: dir, endpointsFile: join(dir, 'no-endpoints.json') });
}

/** The version tools/ci/objectstore.sh builds for the local platform. */
const LOCAL_VERSION = /^VERSITYGW_VERSION=(\S+)$/m.exec(
  readFileSync(join(ROOT, 'tools', 'ci', 'objectstore.sh'), 'utf8'),
)?.[1];

describe('the object store (charts/objectstore), rendered', () => {
  let manifests: Manifest[] = [];
  let gateway: Pod;
  beforeAll(async () => {
    manifests = (await renderProfile('default')).manifests;
    gateway = podOf(manifests, 'StatefulSet/dp-objectstore');
  });

  it('runs the official versitygw image at the version tools/ci/objectstore.sh builds locally', () => {
    expect(LOCAL_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    const job = podOf(manifests, 'Job/dp-objectstore-init');
    const images = [
      ...(gateway.spec.initContainers ?? []),
      ...gateway.spec.containers.filter((c) => c.name !== 'statsd-exporter'),
      ...job.spec.containers,
    ].map((c) => c.image);
    expect(images).toEqual(Array(3).fill(`versity/versitygw:${LOCAL_VERSION}`));
    // Beside it, the exporter sidecar its StatsD goes to (monitoring.test.ts).
    expect(container(gateway, 'statsd-exporter').image).toBe('prom/statsd-exporter:v0.31.0');
  });

  it("serves the POSIX backend over a folder of its volume with the local platform's flags: health path, no request log, no web UI, no admin port", () => {
    const server = container(gateway, 'objectstore');
    expect(server.command).toBeUndefined(); // the image's entrypoint hands the arguments on
    expect(server.args).toEqual([
      '--port',
      ':7070',
      '--region',
      'us-east-1',
      '--health',
      '/health',
      '--quiet',
      // Its request counters as StatsD, to the exporter sidecar on the pod's loopback.
      '--metrics-service-name',
      'objectstore',
      '--metrics-statsd-servers',
      '127.0.0.1:9125',
      'posix',
      '/var/lib/versitygw/buckets',
    ]);
    expect(container(gateway, 'data-dir').command).toEqual([
      'mkdir',
      '-p',
      '/var/lib/versitygw/buckets',
    ]);
    const spec = find(manifests, 'StatefulSet', 'dp-objectstore').spec as {
      volumeClaimTemplates: { metadata: { name: string }; spec: Record<string, unknown> }[];
      template: { spec: { enableServiceLinks?: boolean } };
    };
    expect(spec.volumeClaimTemplates.map((t) => [t.metadata.name, t.spec.accessModes])).toEqual([
      ['data', ['ReadWriteOnce']],
    ]);
    // No Service's variables beside its own: versitygw reads VGW_* from the environment.
    expect(spec.template.spec.enableServiceLinks).toBe(false);
    expect((server.env ?? []).map((e) => e.name).sort()).toEqual([
      'ROOT_ACCESS_KEY_ID',
      'ROOT_SECRET_ACCESS_KEY',
    ]);
  });

  it('generates the root keys into a Secret that lookup keeps across upgrades and uninstall keeps, and hands them over by reference only', async () => {
    const secret = find(manifests, 'Secret', 'dp-objectstore');
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    const accessKeyId = secretValue(manifests, 'dp-objectstore', 'access-key-id');
    const secretAccessKey = secretValue(manifests, 'dp-objectstore', 'secret-access-key');
    expect(accessKeyId).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    const elsewhere = JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'));
    expect([accessKeyId, secretAccessKey].filter((v) => elsewhere.includes(v))).toEqual([]);
    // New on every fresh render: nothing fixed in the chart.
    const again = parseManifests(await renderYaml());
    expect(secretValue(again, 'dp-objectstore', 'secret-access-key')).not.toBe(secretAccessKey);
    // The values hold no key, only the name of the user's Secret.
    const values = parse(
      readFileSync(join(CHART, 'charts', 'objectstore', 'values.yaml'), 'utf8'),
    ) as { auth: Record<string, unknown> };
    expect(values.auth).toEqual({ existingSecret: '' });
    for (const name of ['ROOT_ACCESS_KEY_ID', 'ROOT_SECRET_ACCESS_KEY']) {
      const env = container(gateway, 'objectstore').env!.find((e) => e.name === name)!;
      expect(env.value).toBeUndefined();
      expect(secretRef(env)?.name).toBe('dp-objectstore');
    }
  });

  it('probes the health path on the S3 port, as non-root with a read-only root filesystem', () => {
    const server = container(gateway, 'objectstore') as Container & {
      ports: { name: string; containerPort: number }[];
    };
    expect(server.ports).toEqual([{ name: 's3', containerPort: 7070 }]);
    for (const probe of [server.startupProbe, server.readinessProbe, server.livenessProbe])
      expect((probe as { httpGet: unknown }).httpGet).toEqual({ path: '/health', port: 's3' });
    expect(gateway.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    for (const c of [...gateway.spec.initContainers!, ...gateway.spec.containers])
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    const service = find(manifests, 'Service', 'dp-objectstore').spec as {
      ports: { port: number; targetPort: string }[];
    };
    expect(service.ports).toEqual([{ name: 's3', port: 7070, targetPort: 's3' }]);
  });

  it("creates @datapark/config's buckets (S3_BUCKETS) in an init Job, a post-install/post-upgrade hook signed with the Secret's keys at the Service", () => {
    const job = find(manifests, 'Job', 'dp-objectstore-init');
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'post-install,post-upgrade',
      'helm.sh/hook-weight': '-5',
    });
    const env = container(podOf(manifests, 'Job/dp-objectstore-init'), 'init').env!;
    const plain = Object.fromEntries(
      env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
    );
    expect(plain).toEqual({
      ADMIN_ENDPOINT_URL: 'http://dp-objectstore:7070',
      BUCKETS: S3_BUCKETS.join(' '),
    });
    expect(
      env.filter((e) => secretRef(e)).map((e) => [e.name, secretRef(e)!.name, secretRef(e)!.key]),
    ).toEqual([
      ['ADMIN_ACCESS_KEY_ID', 'dp-objectstore', 'access-key-id'],
      ['ADMIN_SECRET_ACCESS_KEY', 'dp-objectstore', 'secret-access-key'],
    ]);
  });

  it('refuses a bucket name S3 would refuse, naming the value', async () => {
    const result = await helm([
      'template',
      'dp',
      CHART,
      '--set',
      'objectstore.buckets[0]=Lake_Tables',
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('objectstore:');
    expect(result.stderr).toContain("at '/buckets/0'");
  });
});

/** versitygw as tools/ci/objectstore.sh builds it ($DATAPARK_VERSITYGW, PATH, then ~/go/bin). */
function versitygwBinary(): string {
  const candidates = [
    process.env.DATAPARK_VERSITYGW,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'versitygw')),
    join(process.env.GOPATH?.split(delimiter)[0] ?? join(homedir(), 'go'), 'bin', 'versitygw'),
  ];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) throw new Error('versitygw not found: build it with `bash tools/ci/objectstore.sh`');
  return found;
}

/** Busybox, whose applets the gateway's alpine image runs the Job's script with. */
function busyboxBinary(): string {
  const found = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
  if (!found) throw new Error('busybox not found: bash tools/ci/apt.sh installs busybox-static');
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("the init Job's script, against a real versitygw started with the chart's command line", () => {
  const accessKeyId = 'DPCHARTTEST000000000';
  const secretAccessKey = 'chart-test-secret-0123456789';
  let dataDir = '';
  let url = '';
  let script = '';
  let bin = '';
  let gateway: ReturnType<typeof execa> | undefined;

  beforeAll(async () => {
    const manifests = (await renderProfile('default')).manifests;
    const server = container(podOf(manifests, 'StatefulSet/dp-objectstore'), 'objectstore');
    script = container(podOf(manifests, 'Job/dp-objectstore-init'), 'init').command![2]!;
    const root = mkdtempSync(join(tmpdir(), 'datapark-charts-objectstore-'));
    dataDir = join(root, 'buckets');
    mkdirSync(dataDir);
    // The chart's arguments, with a loopback port and a folder of the test's in place of ":7070"
    // and the volume's.
    const port = await freePort();
    const args = server.args!.map((a) =>
      a === ':7070' ? `127.0.0.1:${port}` : a === '/var/lib/versitygw/buckets' ? dataDir : a,
    );
    gateway = execa(versitygwBinary(), args, {
      env: { ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
      extendEnv: false,
      reject: false,
      all: true,
    });
    url = `http://127.0.0.1:${port}`;
    // A PATH like the image's: busybox's applets and versitygw, nothing of the host's.
    bin = join(root, 'bin');
    mkdirSync(bin);
    for (const applet of ['sh', 'wget', 'timeout', 'awk', 'grep', 'printf', 'sleep'])
      symlinkSync(busyboxBinary(), join(bin, applet));
    symlinkSync(versitygwBinary(), join(bin, 'versitygw'));
  });

  afterAll(async () => {
    gateway?.kill();
    await gateway;
  });

  const runJob = (buckets: string, secret = secretAccessKey) =>
    execa(join(bin, 'sh'), ['-c', script], {
      env: {
        PATH: bin,
        ADMIN_ENDPOINT_URL: url,
        BUCKETS: buckets,
        ADMIN_ACCESS_KEY_ID: accessKeyId,
        ADMIN_SECRET_ACCESS_KEY: secret,
      },
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 60_000,
    });

  it('waits for the gateway, creates each missing bucket once, and leaves the existing ones', async () => {
    const first = await runJob(S3_BUCKETS.join(' '));
    expect({ exitCode: first.exitCode, out: first.all }).toMatchObject({ exitCode: 0 });
    expect(first.all).toContain('bucket lake: created');
    expect(readdirSync(dataDir).sort()).toEqual([...S3_BUCKETS].sort());
    const again = await runJob(S3_BUCKETS.join(' '));
    expect(again.exitCode).toBe(0);
    expect(again.all).toContain('bucket lake: already there');
    expect(again.all).not.toContain('created');
    const listed = await execa(versitygwBinary(), ['admin', 'list-buckets'], {
      env: {
        ADMIN_ACCESS_KEY_ID: accessKeyId,
        ADMIN_SECRET_ACCESS_KEY: secretAccessKey,
        ADMIN_ENDPOINT_URL: url,
      },
    });
    // Owned by the root account, as the local platform's buckets are.
    for (const bucket of S3_BUCKETS)
      expect(listed.stdout).toMatch(new RegExp(`^${bucket}\\s+${accessKeyId}$`, 'm'));
  });

  it("fails with the gateway's error on a wrong key, and creates nothing", async () => {
    const result = await runJob('lake refused-bucket', 'not-the-secret');
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('SignatureDoesNotMatch');
    expect(readdirSync(dataDir)).not.toContain('refused-bucket');
  });
});

describe('the lake from Spark, Jupyter and Airflow', () => {
  let manifests: Manifest[] = [];
  beforeAll(async () => {
    manifests = (await renderProfile('default')).manifests;
  });

  /** lakeSparkConf as a process with the container's environment computes it. */
  const confOf = (owner: string, name: string) =>
    lakeSparkConf(configFrom(resolvedEnv(manifests, container(podOf(manifests, owner), name))));

  it.each([
    ['Deployment/dp-spark-worker', 'worker'],
    ['Deployment/dp-jupyter', 'jupyter'],
  ])(
    "gives %s what lakeSparkConf needs: the catalog as iceberg at the PostgreSQL Service, the object store's Service with the Secret's keys, path-style",
    (owner, name) => {
      const conf = confOf(owner, name);
      const catalog = `spark.sql.catalog.${LAKE_CATALOG.name}`;
      expect(conf[`${catalog}.uri`]).toBe(
        `jdbc:postgresql://dp-postgresql:5432/datapark?currentSchema=${LAKE_CATALOG.schema}`,
      );
      expect(conf[`${catalog}.jdbc.user`]).toBe(LAKE_CATALOG.role);
      expect(conf[`${catalog}.jdbc.password`]).toBe(
        secretValue(manifests, 'dp-postgresql', `${LAKE_CATALOG.role}-password`),
      );
      expect(conf[`${catalog}.s3.endpoint`]).toBe('http://dp-objectstore:7070');
      expect(conf[`${catalog}.s3.path-style-access`]).toBe('true');
      expect(conf[`${catalog}.client.region`]).toBe('us-east-1');
      expect(conf[`${catalog}.s3.access-key-id`]).toBe(
        secretValue(manifests, 'dp-objectstore', 'access-key-id'),
      );
      expect(conf[`${catalog}.s3.secret-access-key`]).toBe(
        secretValue(manifests, 'dp-objectstore', 'secret-access-key'),
      );
      expect(conf[`${catalog}.warehouse`]).toBe('s3://lake/warehouse');
      // The Services those names and ports stand for.
      const port = (service: string) =>
        (find(manifests, 'Service', service).spec as { ports: { port: number }[] }).ports[0]!.port;
      expect([port('dp-postgresql'), port('dp-objectstore')]).toEqual([5432, 7070]);
    },
  );

  it('hands every key over by reference to its Secret, optional so the pods start without the store', () => {
    for (const [owner, name] of [
      ['Deployment/dp-spark-worker', 'worker'],
      ['Deployment/dp-jupyter', 'jupyter'],
      ['Deployment/dp-airflow-worker', 'worker'],
    ] as const) {
      const env = container(podOf(manifests, owner), name).env!;
      const refs = env
        .filter((e) =>
          /^DATAPARK_(S3_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)|LAKE_CATALOG_PASSWORD)$/.test(e.name),
        )
        .map((e) => ({ name: e.name, value: e.value, ref: secretRef(e) }));
      expect(refs.length).toBeGreaterThanOrEqual(2);
      for (const r of refs) {
        expect(r.value).toBeUndefined();
        expect(r.ref?.optional).toBe(true);
      }
    }
  });

  it("gives the object store's endpoint and keys to the Airflow workers and to no other Airflow pod", () => {
    const withStore = podsOf(manifests)
      .filter((p) => p.labels['app.kubernetes.io/name'] === 'airflow')
      .filter((p) =>
        [...(p.spec.initContainers ?? []), ...p.spec.containers].some((c) =>
          (c.env ?? []).some((e) => e.name.startsWith('DATAPARK_S3_')),
        ),
      )
      .map((p) => p.owner);
    expect(withStore).toEqual(['Deployment/dp-airflow-worker']);
    const env = resolvedEnv(
      manifests,
      container(podOf(manifests, 'Deployment/dp-airflow-worker'), 'worker'),
    );
    expect(env['DATAPARK_S3_URL']).toBe('http://dp-objectstore:7070');
    expect(env['DATAPARK_S3_ACCESS_KEY_ID']).toBe(
      secretValue(manifests, 'dp-objectstore', 'access-key-id'),
    );
  });

  it("writes none of the lake's settings into spark-defaults.conf or any ConfigMap: they hold keys, and each job sets them on its own session", () => {
    const defaults = find(manifests, 'ConfigMap', 'dp-spark').data!['spark-defaults.conf']!;
    expect(defaults).not.toMatch(/catalog\.lake|s3\.|access-key|iceberg/i);
    const jupyterDefaults = find(manifests, 'ConfigMap', 'dp-jupyter').data![
      'spark-defaults.conf'
    ]!;
    expect(jupyterDefaults).not.toMatch(/catalog\.lake|s3\.|access-key|iceberg/i);
  });

  it('points at an external S3-compatible store and the Secret of its keys when told to', async () => {
    const external = parseManifests(
      await renderYaml([
        '--set',
        'objectstore.enabled=false',
        '--set',
        'spark.objectstore.url=https://s3.eu-west-1.amazonaws.com',
        '--set',
        'spark.objectstore.region=eu-west-1',
        '--set',
        'spark.objectstore.secretName=my-bucket-keys',
      ]),
    );
    expect(
      external.some((m) => m.metadata.labels?.['app.kubernetes.io/name'] === 'objectstore'),
    ).toBe(false);
    const env = container(podOf(external, 'Deployment/dp-spark-worker'), 'worker').env!;
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    expect(byName['DATAPARK_S3_URL']!.value).toBe('https://s3.eu-west-1.amazonaws.com');
    expect(byName['DATAPARK_S3_REGION']!.value).toBe('eu-west-1');
    expect(secretRef(byName['DATAPARK_S3_SECRET_ACCESS_KEY']!)?.name).toBe('my-bucket-keys');
  });
});

describe("Spark's connector jars (global.sparkJars)", () => {
  const LOCK = readFileSync(join(ROOT, 'tools', 'jars', 'spark', 'jars.lock'), 'utf8');
  const locked = LOCK.split('\n').filter((l) => l && !l.startsWith('#'));

  it("pin every dependency of tools/jars/spark/pom.xml at the pom's version, each with a sha256", () => {
    const pom = readFileSync(join(ROOT, 'tools', 'jars', 'spark', 'pom.xml'), 'utf8');
    const properties = Object.fromEntries(
      [...pom.matchAll(/<([a-z.]+\.version)>([^<]+)<\/\1>/g)].map((m) => [m[1]!, m[2]!]),
    );
    const dependencies = [...pom.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map((m) => {
      const tag = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(m[1]!)![1]!;
      const version = tag('version').replace(/\$\{([^}]+)\}/, (_, p: string) => properties[p]!);
      return `${tag('groupId').replaceAll('.', '/')}/${tag('artifactId')}/${version}/${tag('artifactId')}-${version}.jar`;
    });
    expect(dependencies.length).toBe(7);
    const paths = locked.map((l) => l.split(/\s+/)[1]);
    expect(dependencies.filter((d) => !paths.includes(d))).toEqual([]);
    for (const line of locked) expect(line).toMatch(/^[0-9a-f]{64} {2}\S+\.jar$/);
  });

  it('leaves the jars, and the way out of the cluster they need, off by default', async () => {
    const { manifests } = await renderProfile('default');
    const all = JSON.stringify(manifests);
    expect(all).not.toContain('spark-jars');
    expect(all).not.toContain('SPARK_DIST_CLASSPATH');
  });

  it('downloads exactly the locked jars into the Spark workers and Jupyter, onto the classpath of every Spark JVM they start', async () => {
    const manifests = parseManifests(await renderYaml(['--set', 'global.sparkJars.enabled=true']));
    const withJars = podsOf(manifests)
      .filter((p) => (p.spec.initContainers ?? []).some((c) => c.name === 'spark-jars'))
      .map((p) => p.owner);
    expect(withJars).toEqual(['Deployment/dp-jupyter', 'Deployment/dp-spark-worker']);
    for (const [owner, name] of [
      ['Deployment/dp-spark-worker', 'worker'],
      ['Deployment/dp-jupyter', 'jupyter'],
    ] as const) {
      const pod = podOf(manifests, owner);
      const download = container(pod, 'spark-jars');
      const env = Object.fromEntries((download.env ?? []).map((e) => [e.name, e.value]));
      expect(env['JARS_LOCK']).toBe(LOCK);
      expect(env['REPOSITORY']).toBe('https://repo1.maven.org/maven2/');
      expect(download.command![2]).toContain('sha256sum -c');
      const main = container(pod, name) as Container & {
        volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
      };
      expect(main.env!.find((e) => e.name === 'SPARK_DIST_CLASSPATH')?.value).toBe(
        '/opt/datapark-jars/*',
      );
      expect(main.volumeMounts).toContainEqual({
        name: 'spark-jars',
        mountPath: '/opt/datapark-jars',
        readOnly: true,
      });
    }
  });
});
