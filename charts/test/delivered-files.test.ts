import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CHART, ROOT, renderProfile } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

interface Sources {
  files: Record<string, { source: string; sha256: string }>;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function sourcesOf(folder: string): Sources {
  const file = join(CHART, 'charts', folder, 'SOURCES.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npx nx run charts:sync-files`);
  return JSON.parse(readFileSync(file, 'utf8')) as Sources;
}

function listFiles(dir: string, accept: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '__pycache__' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return listFiles(path, accept);
    return accept(name) ? [path] : [];
  });
}

const configMap = (manifests: readonly Manifest[], name: string) => {
  const found = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name);
  if (!found) throw new Error(`ConfigMap ${name} was not rendered`);
  return found.data ?? {};
};

describe('files delivered into the pods', () => {
  it.each([
    'postgresql/files/sql',
    'kafka/files/topics',
    'airflow/files/dags',
    'jupyter/files/notebooks',
    'jupyter/files/python-sdk',
    'jupyter/files/sdk',
    'spark/files/jobs',
    'superset/files/provisioning',
    'spark/files/jars',
    'jupyter/files/jars',
    'objectstore/files/monitoring',
    'superset/files/monitoring',
  ])('%s: every copy is the current content of its source', (folder) => {
    const { files } = sourcesOf(folder);
    for (const [path, { sha256: hash }] of Object.entries(files))
      expect({ path, hash: sha256(readFileSync(join(CHART, 'charts', folder, path))) }).toEqual({
        path,
        hash,
      });
  });

  it('the notebooks ConfigMap holds every notebook of apps/notebooks/notebooks, unchanged', async () => {
    const data = configMap((await renderProfile('default')).manifests, 'dp-jupyter-notebooks');
    const notebooks = listFiles(join(ROOT, 'apps', 'notebooks', 'notebooks'), (n) =>
      n.endsWith('.ipynb'),
    ).filter((p) => !relative(join(ROOT, 'apps', 'notebooks', 'notebooks'), p).includes('/'));
    expect(notebooks.length).toBeGreaterThan(0);
    for (const path of notebooks) {
      const name = relative(join(ROOT, 'apps', 'notebooks', 'notebooks'), path);
      expect(data[name]).toBe(readFileSync(path, 'utf8'));
    }
  });

  it('the DAGs ConfigMap holds every DAG file of apps/airflow-dags, unchanged, and mounts each at its path', async () => {
    const { manifests } = await renderProfile('default');
    const data = configMap(manifests, 'dp-airflow-dags');
    const { files } = sourcesOf('airflow/files/dags');
    for (const [path, { source }] of Object.entries(files))
      expect(data[path.replaceAll('/', '__')]).toBe(readFileSync(join(ROOT, source), 'utf8'));
    const scheduler = manifests.find(
      (m) => m.kind === 'Deployment' && m.metadata.name === 'dp-airflow-dag-processor',
    )!;
    const volumes = (
      scheduler.spec as {
        template: {
          spec: {
            volumes: { name: string; configMap?: { items?: { key: string; path: string }[] } }[];
          };
        };
      }
    ).template.spec.volumes;
    const items = volumes.find((v) => v.name === 'dags')!.configMap!.items ?? [];
    expect(items.map((i) => i.path).sort()).toEqual(Object.keys(files).sort());
    // The DAGs only @datapark/airflow-client's tests trigger stay out of the product.
    expect(Object.keys(files)).toContain('datapark_batch_etl.py');
    expect(Object.keys(files).filter((p) => p.startsWith('client_tests/'))).toEqual([]);
    expect(Object.values(data).join('\n')).not.toContain('client_test_ok');
  });

  it('the Spark workers hold every job of apps/spark-jobs at its repository path, where the DAGs submit it', async () => {
    const { manifests } = await renderProfile('default');
    const data = configMap(manifests, 'dp-spark-jobs');
    const sources = [
      ...listFiles(join(ROOT, 'apps', 'spark-jobs', 'jobs'), (n) => n.endsWith('.py')),
      ...listFiles(join(ROOT, 'apps', 'spark-jobs', 'src'), (n) => n.endsWith('.py')),
      ...listFiles(join(ROOT, 'packages', 'python-sdk', 'src'), (n) => n.endsWith('.py')),
      join(ROOT, 'packages', 'events', 'json-schema', 'catalog.json'),
    ].map((p) => relative(ROOT, p));
    expect(sources).toContain('apps/spark-jobs/jobs/daily_batch.py');
    expect(sources).toContain('packages/python-sdk/src/datapark_sdk/config/load_config.py');
    for (const path of sources)
      expect(data[path.replaceAll('/', '__')]).toBe(readFileSync(join(ROOT, path), 'utf8'));
    const worker = manifests.find(
      (m) => m.kind === 'Deployment' && m.metadata.name === 'dp-spark-worker',
    )!;
    const spec = (
      worker.spec as {
        template: {
          spec: {
            volumes: { name: string; configMap?: { items?: { path: string }[] } }[];
            containers: { volumeMounts: { name: string; mountPath: string }[] }[];
          };
        };
      }
    ).template.spec;
    expect(spec.containers[0]!.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'jobs', mountPath: '/opt/datapark' }),
    );
    expect(
      spec.volumes
        .find((v) => v.name === 'jobs')!
        .configMap!.items!.map((i) => i.path)
        .sort(),
    ).toEqual([...sources].sort());
    // Airflow's Spark connection names that directory (the DAGs build file paths from it).
    const scheduler = manifests.find(
      (m) => m.kind === 'Deployment' && m.metadata.name === 'dp-airflow-worker',
    )!;
    const env = (
      scheduler.spec as {
        template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
      }
    ).template.spec.containers[0]!.env;
    const rest = JSON.parse(
      env.find((e) => e.name === 'AIRFLOW_CONN_DATAPARK_SPARK_REST')!.value!,
    ) as { extra: { jobs_dir: string } };
    expect(rest.extra.jobs_dir).toBe('/opt/datapark/apps/spark-jobs/jobs');
    expect(env.map((e) => e.name)).toContain('AIRFLOW_CONN_DATAPARK_SPARK_ETL');
  });

  it('the Python SDK of packages/python-sdk reaches the DAG folder and the PySpark kernel, unchanged', async () => {
    const { manifests } = await renderProfile('default');
    const sdk = listFiles(join(ROOT, 'packages', 'python-sdk', 'src'), (n) => n.endsWith('.py'));
    expect(sdk.map((p) => relative(ROOT, p))).toContain(
      'packages/python-sdk/src/datapark_sdk/spark/rest_client.py',
    );
    const dags = configMap(manifests, 'dp-airflow-dags');
    const kernel = configMap(manifests, 'dp-jupyter-python-sdk');
    for (const path of sdk) {
      // Keyed by its import path: datapark_sdk/spark/rest_client.py.
      const key = relative(join(ROOT, 'packages', 'python-sdk', 'src'), path).replaceAll('/', '__');
      expect({ key, dags: dags[key] }).toEqual({ key, dags: readFileSync(path, 'utf8') });
      expect({ key, kernel: kernel[key] }).toEqual({ key, kernel: readFileSync(path, 'utf8') });
    }
    // The dag-processor leaves the SDK's modules alone (relative imports fail parsed one by one).
    expect(dags['.airflowignore']!.split('\n')).toContain('datapark_sdk/');
    const jupyter = manifests.find(
      (m) => m.kind === 'Deployment' && m.metadata.name === 'dp-jupyter',
    )!;
    const pod = (
      jupyter.spec as {
        template: {
          spec: {
            volumes: { name: string; configMap?: { name: string; items?: { path: string }[] } }[];
            containers: {
              name: string;
              env: { name: string; value?: string }[];
              volumeMounts: { name: string; mountPath: string }[];
            }[];
          };
        };
      }
    ).template.spec;
    const server = pod.containers.find((c) => c.name === 'jupyter')!;
    expect(server.env).toContainEqual({ name: 'PYTHONPATH', value: '/opt/datapark/python-sdk' });
    expect(server.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'python-sdk', mountPath: '/opt/datapark/python-sdk' }),
    );
    const volume = pod.volumes.find((v) => v.name === 'python-sdk')!;
    expect(volume.configMap!.name).toBe('dp-jupyter-python-sdk');
    expect(volume.configMap!.items!.map((i) => i.path)).toContain('datapark_sdk/__init__.py');
  });

  it('the PostgreSQL init Job applies the roles, the migrations, the lab schema and the lake catalog of packages/db', async () => {
    const { manifests } = await renderProfile('default');
    const data = configMap(manifests, 'dp-postgresql-init-sql');
    for (const role of [
      'datapark_owner',
      'ingest',
      'spark_etl',
      'airflow',
      'analyst',
      'generator',
      'lab',
      'dbt',
    ])
      expect(data['roles.sql']).toContain(`ALTER ROLE "${role}" WITH LOGIN`);
    expect(data['lab.sql']).toContain('GRANT USAGE, CREATE ON SCHEMA "lab" TO "lab";');
    // After the migrations, whose tables it grants on.
    expect(data['init.sh']!.indexOf('/sql/lab.sql')).toBeGreaterThan(
      data['init.sh']!.indexOf('/sql/migrations.sql'),
    );
    expect(data['dbt.sql']).toContain('GRANT USAGE, CREATE ON SCHEMA "analytics" TO "dbt";');
    expect(data['init.sh']!.indexOf('/sql/dbt.sql')).toBeGreaterThan(
      data['init.sh']!.indexOf('/sql/migrations.sql'),
    );
    // The lake's Iceberg catalog: its role and schema, after roles.sql made the database.
    expect(data['lake-catalog.sql']).toContain(
      'CREATE SCHEMA IF NOT EXISTS "iceberg" AUTHORIZATION "iceberg";',
    );
    expect(data['lake-catalog.sql']).toContain("PASSWORD :'pw_iceberg';");
    // analyst reads the catalog's tables (what @datapark/lake reads), also those Iceberg makes later.
    expect(data['lake-catalog.sql']).toContain(
      'ALTER DEFAULT PRIVILEGES FOR ROLE "iceberg" IN SCHEMA "iceberg" GRANT SELECT ON TABLES TO "analyst";',
    );
    expect(data['init.sh']!.indexOf('/sql/lake-catalog.sql')).toBeGreaterThan(
      data['init.sh']!.indexOf('/sql/roles.sql'),
    );
    // Its password: generated in the Secret with the others, handed to the Job by reference.
    const secret = manifests.find(
      (m) => m.kind === 'Secret' && m.metadata.name === 'dp-postgresql',
    );
    expect(Buffer.from(secret!.data!['iceberg-password']!, 'base64').toString()).toMatch(
      /^[A-Za-z0-9]{32}$/,
    );
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name === 'dp-postgresql-init');
    const env = (
      job!.spec as {
        template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } };
      }
    ).template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === 'PG_PASSWORD_ICEBERG')?.valueFrom).toEqual({
      secretKeyRef: { name: 'dp-postgresql', key: 'iceberg-password' },
    });
    expect(data['init.sh']).toContain('PG_PASSWORD_ICEBERG is empty');
    expect(data['roles.sql']).not.toMatch(/PASSWORD '[^']/);
    for (const migration of ['0001-schemas', '0002-tables', '0003-grants'])
      expect(data['migrations.sql']).toContain(
        `INSERT INTO public.kysely_migration (name, "timestamp") VALUES ('${migration}'`,
      );
  });
});
