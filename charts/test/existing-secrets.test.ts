import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { podsOf } from './fixtures/pods.js';
import { CHART, ROOT, helm, parseManifests, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// `helm template` (what GitOps tools run) has no cluster for `lookup`: every generated secret is
// new on every render. With the existingSecret values, the chart generates none, every pod reads
// the Secrets the user created, and a second render is the same as the first.

/** The existingSecret value of each generated Secret, and the user's Secret it names here. */
const OWNERS = {
  'postgresql.auth.existingSecret': 'my-postgresql',
  'airflow.auth.existingSecret': 'my-airflow',
  'jupyter.auth.existingSecret': 'my-jupyter',
  'spark.auth.existingSecret': 'my-spark-rest',
  'kafka.existingSecret': 'my-kafka',
  'superset.auth.existingSecret': 'my-superset',
  'objectstore.auth.existingSecret': 'my-objectstore',
  'monitoring.auth.existingSecret': 'my-monitoring',
  'global.ingress.basicAuth.secretName': 'my-basic-auth',
} as const;
/** The consumers of another chart's Secret name it too (the umbrella checks that they agree). */
const CONSUMERS = {
  'airflow.postgresql.secretName': 'my-postgresql',
  'jupyter.postgresql.secretName': 'my-postgresql',
  'superset.postgresql.secretName': 'my-postgresql',
  'spark.postgresql.secretName': 'my-postgresql',
  'airflow.spark.secretName': 'my-spark-rest',
  'jupyter.spark.secretName': 'my-spark-rest',
  'spark.objectstore.secretName': 'my-objectstore',
  'jupyter.objectstore.secretName': 'my-objectstore',
  'airflow.objectstore.secretName': 'my-objectstore',
  'monitoring.jupyter.secretName': 'my-jupyter',
};
const INGRESS = [
  'global.ingress.enabled=true',
  'global.ingress.tls.enabled=true',
  'global.ingress.tls.secretName=my-tls',
];
const setsOf = (values: Record<string, string>, extra: readonly string[] = []) =>
  [...Object.entries(values).map(([k, v]) => `${k}=${v}`), ...extra].flatMap((s) => ['--set', s]);

interface SecretUse {
  readonly secret: string;
  readonly key: string;
  readonly where: string;
}

/** Every Secret key a pod reads: env secretKeyRefs and secret volumes (their items). */
function secretUses(manifests: readonly Manifest[]): SecretUse[] {
  const uses: SecretUse[] = [];
  for (const pod of podsOf(manifests)) {
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers])
      for (const e of c.env ?? []) {
        const ref = (e.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)
          ?.secretKeyRef;
        if (ref) uses.push({ secret: ref.name, key: ref.key, where: `${pod.owner}/${c.name}` });
      }
    for (const v of pod.spec.volumes ?? []) {
      const secret = (v as { secret?: { secretName: string; items?: { key: string }[] } }).secret;
      for (const item of secret?.items ?? [])
        uses.push({ secret: secret!.secretName, key: item.key, where: `${pod.owner} volume` });
    }
  }
  return uses;
}

/** The keys docs/kubernetes.md says the Secret of an existingSecret value must hold. */
function documentedKeys(value: string): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'kubernetes.md'), 'utf8');
  const row = doc.split('\n').find((line) => line.startsWith(`| \`${value}\` |`));
  if (!row) throw new Error(`docs/kubernetes.md has no row for ${value} in its Secrets table`);
  return [...row.split('|')[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();
}

describe('existingSecret: the Secrets come from the user, for helm template and GitOps', () => {
  let first = '';
  let second = '';
  let manifests: Manifest[] = [];
  beforeAll(async () => {
    const args = setsOf({ ...OWNERS, ...CONSUMERS }, INGRESS);
    [first, second] = await Promise.all([renderYaml(args), renderYaml(args)]);
    manifests = parseManifests(first);
  });

  it('renders no Secret of its own, and the same objects twice (nothing random left to rotate)', () => {
    expect(manifests.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name)).toEqual([]);
    expect(second).toBe(first);
  });

  it("has every pod read only the user's Secrets, and the Ingress check the user's htpasswd Secret", () => {
    const uses = secretUses(manifests);
    expect(uses.length).toBeGreaterThan(30);
    const mine = new Set<string>([...Object.values(OWNERS)]);
    expect(uses.filter((u) => !mine.has(u.secret))).toEqual([]);
    // Every Ingress but Prometheus' and Alertmanager's, which ask for their own password.
    const checked = manifests.filter(
      (m) => m.kind === 'Ingress' && !m.metadata.name.startsWith('dp-monitoring-'),
    );
    expect(checked.length).toBe(5);
    for (const ingress of checked)
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/auth-secret']).toBe(
        'my-basic-auth',
      );
  });

  it.each(Object.entries(OWNERS).filter(([value]) => !value.startsWith('global.')))(
    '%s: the pods read exactly the keys docs/kubernetes.md lists (admin-password is for people)',
    (value, secret) => {
      const read = [
        ...new Set(
          secretUses(manifests)
            .filter((u) => u.secret === secret)
            .map((u) => u.key),
        ),
      ].sort();
      expect(read.length).toBeGreaterThan(0);
      const documented = documentedKeys(value);
      expect(read.filter((k) => !documented.includes(k))).toEqual([]);
      expect(documented.filter((k) => !read.includes(k))).toEqual(
        value === 'airflow.auth.existingSecret' ? ['admin-password'] : [],
      );
    },
  );

  it('generates the Secrets without them, each named after its chart', async () => {
    const generated = parseManifests(await renderYaml(setsOf({}, INGRESS)))
      .filter((m) => m.kind === 'Secret')
      .map((m) => m.metadata.name)
      .sort();
    expect(generated).toEqual([
      'dp-airflow',
      'dp-ingress-basic-auth',
      'dp-jupyter',
      'dp-kafka',
      'dp-monitoring',
      'dp-objectstore',
      'dp-postgresql',
      'dp-spark',
      'dp-superset',
    ]);
  });

  it('refuses consumers that read another Secret than the one given, naming every value to set', async () => {
    const result = await helm([
      'template',
      'dp',
      CHART,
      '--namespace',
      'datapark',
      ...setsOf({
        'postgresql.auth.existingSecret': 'my-postgresql',
        'spark.auth.existingSecret': 'my-spark-rest',
        'jupyter.spark.secretName': 'my-spark-rest',
      }),
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('Invalid values:');
    for (const line of [
      'airflow.postgresql.secretName: airflow reads the airflow and spark_etl passwords from Secret "dp-postgresql", but postgresql.auth.existingSecret makes it "my-postgresql"; set airflow.postgresql.secretName=my-postgresql',
      'jupyter.postgresql.secretName: jupyter reads the analyst and iceberg passwords from Secret "dp-postgresql", but postgresql.auth.existingSecret makes it "my-postgresql"; set jupyter.postgresql.secretName=my-postgresql',
      'spark.postgresql.secretName: spark reads the lake catalog\'s iceberg password from Secret "dp-postgresql", but postgresql.auth.existingSecret makes it "my-postgresql"; set spark.postgresql.secretName=my-postgresql',
      'airflow.spark.secretName: airflow reads the key that signs Spark REST submissions from Secret "dp-spark", but spark.auth.existingSecret makes it "my-spark-rest"; set airflow.spark.secretName=my-spark-rest',
    ])
      expect(result.stderr).toContain(line);
    expect(result.stderr).not.toContain('jupyter.spark.secretName:');
  });

  it('refuses a consumer pointed at a Secret the generating chart does not use', async () => {
    const result = await helm([
      'template',
      'dp',
      CHART,
      '--namespace',
      'datapark',
      '--set',
      'airflow.postgresql.secretName=elsewhere',
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      'airflow.postgresql.secretName: airflow reads the airflow and spark_etl passwords from Secret "elsewhere", but the generated Secret makes it "dp-postgresql"',
    );
  });
});
