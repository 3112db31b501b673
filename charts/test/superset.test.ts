import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { POSTGRES_ROLE_USERS } from '@datapark/config';
import { SUPERSET_READER_ROLE, supersetReaderStatements } from '@datapark/db';
import { supersetServerArgs } from '@datapark/platform-local';
import { ingressAllowed, egressOf, policiesOf } from './fixtures/network.js';
import { podsOf } from './fixtures/pods.js';
import type { Container, Pod } from './fixtures/pods.js';
import { CHART, ROOT, helm, parseManifests, renderProfile, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// The superset subchart: what the local platform's Superset component does at `up`
// (packages/platform-local/src/superset), as Kubernetes objects. Its Secrets are generated, its
// init Job runs the local platform's own provision.py over the same dashboards as code, Superset
// reaches PostgreSQL and nothing else, and the reader role gets exactly the local grants.

const LOCAL = join(ROOT, 'packages', 'platform-local', 'superset');
const SUBCHART = join(CHART, 'charts', 'superset');

type FullContainer = Container & {
  readonly ports?: readonly { name: string; containerPort: number }[];
  readonly volumeMounts?: readonly { name: string; mountPath: string; readOnly?: boolean }[];
  readonly workingDir?: string;
};
interface SecretRef {
  readonly secretKeyRef?: { readonly name: string; readonly key: string };
}

const find = (manifests: readonly Manifest[], kind: string, name: string): Manifest => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} was not rendered`);
  return found;
};
const podOf = (manifests: readonly Manifest[], owner: string): Pod => {
  const pod = podsOf(manifests).find((p) => p.owner === owner);
  if (!pod) throw new Error(`no pod template of ${owner}`);
  return pod;
};
/** Superset's own containers: the statsd-exporter sidecar (monitoring.test.ts) left out. */
const containersOf = (pod: Pod) =>
  [...(pod.spec.initContainers ?? []), ...pod.spec.containers].filter(
    (c) => c.name !== 'statsd-exporter',
  ) as FullContainer[];
const decoded = (secret: Manifest) =>
  Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
  );
/** The env variable `name` of `container`: its literal value, or the Secret key it refers to. */
const envOf = (container: FullContainer, name: string) => {
  const entry = container.env?.find((e) => e.name === name);
  if (!entry) throw new Error(`${container.name} has no ${name}`);
  const ref = (entry.valueFrom as SecretRef | undefined)?.secretKeyRef;
  return ref ? { secret: ref.name, key: ref.key } : { value: entry.value };
};

/** Every YAML file of the local platform's dashboards as code, relative to its superset folder. */
function localAssets(dir = join(LOCAL, 'assets')): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return localAssets(path);
      return name.endsWith('.yaml') ? [relative(LOCAL, path)] : [];
    });
}

describe('Superset: generated Secrets, none in values', () => {
  let manifests: Manifest[] = [];
  beforeAll(async () => {
    manifests = (await renderProfile('default')).manifests;
  });

  it('generates the SECRET_KEY and the admin password into a kept Secret, and both roles’ passwords into PostgreSQL’s', async () => {
    const superset = find(manifests, 'Secret', 'dp-superset');
    expect(superset.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    const values = decoded(superset);
    expect(Object.keys(values).sort()).toEqual(['admin-password', 'admin-username', 'secret-key']);
    expect(values['admin-username']).toBe('datapark');
    expect(values['admin-password']).toMatch(/^[A-Za-z0-9]{24}$/);
    // 42 random bytes, base64url without padding: 56 characters.
    expect(values['secret-key']).toMatch(/^[A-Za-z0-9_-]{56}$/);
    const postgres = decoded(find(manifests, 'Secret', 'dp-postgresql'));
    expect(postgres['superset-password']).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(postgres['superset_reader-password']).toMatch(/^[A-Za-z0-9]{32}$/);

    // A fresh render generates new ones: nothing fixed in the chart.
    const again = parseManifests(await renderYaml());
    const next = decoded(find(again, 'Secret', 'dp-superset'));
    expect(next['secret-key']).not.toBe(values['secret-key']);
    expect(next['admin-password']).not.toBe(values['admin-password']);
    expect(decoded(find(again, 'Secret', 'dp-postgresql'))['superset_reader-password']).not.toBe(
      postgres['superset_reader-password'],
    );
  });

  it('keeps every generated value out of the values files and out of every object but its Secret', () => {
    const generated = [
      ...Object.values(decoded(find(manifests, 'Secret', 'dp-superset'))),
      decoded(find(manifests, 'Secret', 'dp-postgresql'))['superset-password']!,
      decoded(find(manifests, 'Secret', 'dp-postgresql'))['superset_reader-password']!,
    ].filter((v) => v.length >= 16);
    expect(generated).toHaveLength(4);
    const elsewhere = JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'));
    expect(generated.filter((v) => elsewhere.includes(v))).toEqual([]);
    // The values say where secrets come from, never what they are.
    const values = parse(readFileSync(join(SUBCHART, 'values.yaml'), 'utf8')) as {
      auth: Record<string, string>;
      postgresql: Record<string, string | number>;
    };
    expect(values.auth).toEqual({ username: 'datapark', existingSecret: '' });
    expect(values.postgresql).toEqual({ host: '', port: 5432, secretName: '' });
  });

  it('hands every secret to the containers by reference: the server never sees the admin or reader password', () => {
    const server = podOf(manifests, 'Deployment/dp-superset');
    const job = podOf(manifests, 'Job/dp-superset-init');
    for (const container of [...containersOf(server), ...containersOf(job)]) {
      expect(envOf(container, 'SUPERSET_SECRET_KEY')).toEqual({
        secret: 'dp-superset',
        key: 'secret-key',
      });
      expect(envOf(container, 'DATAPARK_SUPERSET_METADATA_PASSWORD')).toEqual({
        secret: 'dp-postgresql',
        key: 'superset-password',
      });
    }
    const refs = (pod: Pod) =>
      containersOf(pod).flatMap((c) =>
        (c.env ?? [])
          .map((e) => (e.valueFrom as SecretRef | undefined)?.secretKeyRef?.key)
          .filter((k): k is string => !!k),
      );
    expect([...new Set(refs(server))].sort()).toEqual(['secret-key', 'superset-password']);
    expect([...new Set(refs(job))].sort()).toEqual([
      'admin-password',
      'secret-key',
      'superset-password',
      'superset_reader-password',
    ]);
  });

  it("reads the user's Secrets and generates none with superset.auth.existingSecret", async () => {
    const mine = parseManifests(
      await renderYaml([
        '--set',
        'superset.auth.existingSecret=my-superset',
        '--set',
        'postgresql.auth.existingSecret=my-pg',
        ...['airflow', 'jupyter', 'superset', 'spark'].flatMap((c) => [
          '--set',
          `${c}.postgresql.secretName=my-pg`,
        ]),
      ]),
    );
    expect(mine.some((m) => m.kind === 'Secret' && m.metadata.name === 'dp-superset')).toBe(false);
    const init = containersOf(podOf(mine, 'Job/dp-superset-init'))[0]!;
    expect(envOf(init, 'DATAPARK_SUPERSET_ADMIN_PASSWORD')).toEqual({
      secret: 'my-superset',
      key: 'admin-password',
    });
    expect(envOf(init, 'DATAPARK_SUPERSET_READER_PASSWORD')).toEqual({
      secret: 'my-pg',
      key: 'superset_reader-password',
    });
  });
});

describe("Superset's init Job", () => {
  let manifests: Manifest[] = [];
  let job: Pod;
  let config: Record<string, string>;
  beforeAll(async () => {
    manifests = (await renderProfile('default')).manifests;
    job = podOf(manifests, 'Job/dp-superset-init');
    config = find(manifests, 'ConfigMap', 'dp-superset').data!;
  });

  it('runs after PostgreSQL’s init Job, as a hook, with the official image the lock pins', () => {
    const weight = (name: string) =>
      Number(find(manifests, 'Job', name).metadata.annotations?.['helm.sh/hook-weight']);
    expect(find(manifests, 'Job', 'dp-superset-init').metadata.annotations?.['helm.sh/hook']).toBe(
      'post-install,post-upgrade',
    );
    expect(weight('dp-postgresql-init')).toBeLessThan(weight('dp-superset-init'));
    // The -dev build of the version tools/superset/requirements.lock pins for the local platform.
    const locked = /^apache-superset==(\S+)/m.exec(
      readFileSync(join(ROOT, 'tools', 'superset', 'requirements.lock'), 'utf8'),
    )![1];
    const images = [job, podOf(manifests, 'Deployment/dp-superset')].flatMap((p) =>
      containersOf(p).map((c) => c.image),
    );
    expect(new Set(images)).toEqual(new Set([`apache/superset:${locked}-dev`]));
  });

  it("runs the local platform's provision.py (migrations, superset init, the admin user, the import), byte for byte", () => {
    const [init] = containersOf(job);
    expect(init!.command).toEqual(['sh', '/etc/superset/init.sh']);
    expect(config['init.sh']).toBe(
      readFileSync(join(SUBCHART, 'files', 'config', 'init.sh'), 'utf8'),
    );
    expect(config['init.sh']).toMatch(
      /^DATAPARK_SUPERSET_SECRETS="\$secrets" python \/opt\/datapark\/superset\/provision\.py$/m,
    );
    const provisioning = find(manifests, 'ConfigMap', 'dp-superset-provisioning').data!;
    const provision = readFileSync(join(LOCAL, 'provision.py'), 'utf8');
    expect(provisioning['provision.py']).toBe(provision);
    // The four steps of `superset db upgrade`, `superset init`, `fab create-admin` and the import.
    for (const step of [
      'upgrade(directory=',
      'security_manager.sync_role_definitions()',
      'security_manager.add_user(',
      'ImportAssetsCommand(contents',
    ])
      expect(provision).toContain(step);
    expect(init!.volumeMounts).toContainEqual({
      name: 'provisioning',
      mountPath: '/opt/datapark/superset',
      readOnly: true,
    });
  });

  it('gives provision.py every setting it reads, in a 0600 file that is gone when the Job ends', async () => {
    // init.sh as the Job runs it, with `python` standing in for the image's: the heredoc runs in
    // the real python3, provision.py's call is recorded (its settings file, mode and arguments).
    const dir = mkdtempSync(join(tmpdir(), 'datapark-superset-init-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const capture = join(dir, 'capture');
    writeFileSync(
      join(bin, 'python'),
      [
        '#!/bin/sh',
        'if [ "$1" = "-" ]; then exec python3 "$@"; fi',
        'cp "$DATAPARK_SUPERSET_SECRETS" "$CAPTURE.json"',
        'stat -c %a "$DATAPARK_SUPERSET_SECRETS" > "$CAPTURE.mode"',
        'echo "$@" > "$CAPTURE.args"',
      ].join('\n') + '\n',
    );
    chmodSync(join(bin, 'python'), 0o755);
    const script = join(dir, 'init.sh');
    writeFileSync(script, config['init.sh']!);
    // The Job's literal values as rendered; the Secrets' values stand in as "from-<key>".
    const env: Record<string, string> = {
      PATH: `${bin}:${process.env.PATH}`,
      TMPDIR: dir,
      CAPTURE: capture,
    };
    for (const e of containersOf(job)[0]!.env ?? []) {
      const ref = (e.valueFrom as SecretRef | undefined)?.secretKeyRef;
      env[e.name] = ref ? `from-${ref.key}` : e.value!;
    }
    const result = await execa('sh', [script], { env, extendEnv: false, reject: false, all: true });
    expect(result.all).toBe('');
    expect(result.exitCode).toBe(0);

    const settings = JSON.parse(readFileSync(`${capture}.json`, 'utf8')) as Record<string, unknown>;
    expect(readFileSync(`${capture}.mode`, 'utf8').trim()).toBe('600');
    expect(readFileSync(`${capture}.args`, 'utf8').trim()).toBe(
      '/opt/datapark/superset/provision.py',
    );
    expect(existsSync(join(dir, 'provision', 'secrets.json'))).toBe(false);
    expect(settings).toEqual({
      username: 'datapark',
      adminPassword: 'from-admin-password',
      readerUser: SUPERSET_READER_ROLE,
      readerPassword: 'from-superset_reader-password',
      postgresHost: 'dp-postgresql',
      postgresPort: 5432,
      database: 'datapark',
      stampFile: join(dir, 'provision', 'migrated'),
    });
    // Every key provision.py reads is there.
    const read = [
      ...readFileSync(join(LOCAL, 'provision.py'), 'utf8').matchAll(/secrets\[["'](\w+)["']\]/g),
    ].map((m) => m[1]!);
    expect(new Set(read).size).toBe(8);
    expect([...new Set(read)].filter((key) => !(key in settings))).toEqual([]);
  });

  it('starts the server only once the database is migrated: an init container compares the revisions', () => {
    const server = podOf(manifests, 'Deployment/dp-superset');
    const [wait] = (server.spec.initContainers ?? []) as FullContainer[];
    expect(wait!.name).toBe('wait-for-migrations');
    expect(wait!.command).toEqual(['python', '/etc/superset/wait_for_migrations.py']);
    expect(config['wait_for_migrations.py']).toBe(
      readFileSync(join(SUBCHART, 'files', 'config', 'wait_for_migrations.py'), 'utf8'),
    );
    const [superset] = server.spec.containers as FullContainer[];
    // The local platform's server line, on every address of the pod and with the values'
    // defaults: the two stay in step.
    expect(superset!.command).toEqual([
      'gunicorn',
      ...supersetServerArgs(new URL('http://0.0.0.0:8088')),
    ]);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const)
      expect((superset![probe] as { httpGet: unknown }).httpGet).toEqual({
        path: '/health',
        port: 'http',
      });
    expect(envOf(superset!, 'SUPERSET_CONFIG_PATH')).toEqual({
      value: '/etc/superset/superset_config.py',
    });
  });

  it("serves pages with the local platform's Content-Security-Policy and its guard of the login's session, line for line", () => {
    // From the marker to the end of the file: what a browser may reach, and the anonymous
    // event-log posts refused (packages/platform-local/test/superset.test.ts runs them live).
    const browserPart = (file: string) => {
      const start = file.indexOf("# --- What Superset's pages may reach");
      expect(start).toBeGreaterThan(0);
      return file.slice(start);
    };
    const local = browserPart(readFileSync(join(LOCAL, 'superset_config.py'), 'utf8'));
    expect(browserPart(config['superset_config.py']!)).toBe(local);
    expect(local).toContain('def FLASK_APP_MUTATOR(app)');
    expect(local).not.toMatch(/scarf|https?:\/\//);
  });
});

describe('the dashboards delivered', () => {
  it('mounts every dashboard, chart, dataset and database file of the local platform at the path provision.py imports it from', async () => {
    const { manifests } = await renderProfile('default');
    const data = find(manifests, 'ConfigMap', 'dp-superset-provisioning').data!;
    const assets = localAssets();
    expect(assets).toContain('assets/dashboards/Shop.yaml');
    expect(assets).toContain('assets/dashboards/Pipeline_health.yaml');
    expect(assets).toContain('assets/databases/datapark.yaml');
    for (const path of assets)
      expect({ path, content: data[path.replaceAll('/', '__')] }).toEqual({
        path,
        content: readFileSync(join(LOCAL, path), 'utf8'),
      });
    const volume = (podOf(manifests, 'Job/dp-superset-init').spec.volumes ?? []).find(
      (v) => v['name'] === 'provisioning',
    ) as { configMap: { name: string; items: { key: string; path: string }[] } };
    expect(volume.configMap.name).toBe('dp-superset-provisioning');
    expect(volume.configMap.items.map((i) => i.path).sort()).toEqual(
      ['provision.py', ...assets].sort(),
    );
    for (const { key, path } of volume.configMap.items)
      expect(key).toBe(path.replaceAll('/', '__'));
  });

  it('refuses to render without the synced files, naming the command that makes them', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'datapark-charts-superset-')), 'datapark');
    cpSync(CHART, copy, { recursive: true, dereference: true });
    rmSync(join(copy, 'charts', 'superset', 'files', 'provisioning'), { recursive: true });
    const result = await helm(['template', 'dp', copy, '--namespace', 'datapark']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      'superset: files/provisioning/ is missing (provision.py and the dashboards as code of packages/platform-local/superset). Run: npx nx run charts:sync-files',
    );
  });
});

describe("Superset's NetworkPolicies", () => {
  it('lets Superset and its init Job reach PostgreSQL, and no other port of the release', async () => {
    const { manifests } = await renderProfile('default');
    const policies = policiesOf(manifests);
    const pods = podsOf(manifests);
    const reached = (from: Pod) =>
      pods.flatMap((to) =>
        containersOf(to)
          .flatMap((c) => c.ports ?? [])
          .filter((p) => ingressAllowed(policies, from.labels, to, p.containerPort))
          .map((p) => `${to.owner}:${p.containerPort}`),
      );
    for (const owner of ['Deployment/dp-superset', 'Job/dp-superset-init'])
      expect([owner, reached(podOf(manifests, owner))]).toEqual([
        owner,
        ['StatefulSet/dp-postgresql:5432'],
      ]);
    // Out: the release's pods (whose ingress policies decide, as above) and DNS, not the internet.
    for (const owner of ['Deployment/dp-superset', 'Job/dp-superset-init'])
      expect(
        egressOf(policies, podOf(manifests, owner)).map((e) => `${e.to} -> ${e.port}`),
      ).toEqual(['dns -> 53/TCP', 'dns -> 53/UDP', 'release -> all']);
  });

  it("lets nobody in to Superset but the ingress controller, and it only when the Ingress is on; the scraping Prometheus to its exporter sidecar's metrics port only", async () => {
    const superset = (manifests: readonly Manifest[]) => podOf(manifests, 'Deployment/dp-superset');
    const { manifests } = await renderProfile('default');
    const others = podsOf(manifests).filter(
      (p) => p.labels['app.kubernetes.io/name'] !== 'superset',
    );
    for (const from of [...others.map((p) => p.labels), { 'datapark.io/client': 'true' }])
      expect(ingressAllowed(policiesOf(manifests), from, superset(manifests), 8088)).toBe(false);
    const prometheus = others.find((p) => p.owner === 'StatefulSet/dp-monitoring-prometheus')!;
    expect(
      ingressAllowed(policiesOf(manifests), prometheus.labels, superset(manifests), 9102),
    ).toBe(true);
    const scrape = {
      ports: [{ port: 'metrics' }],
      from: [
        {
          podSelector: {
            matchExpressions: [
              { key: 'app.kubernetes.io/instance', operator: 'In', values: ['dp'] },
              { key: 'app.kubernetes.io/name', operator: 'In', values: ['monitoring'] },
              { key: 'app.kubernetes.io/component', operator: 'In', values: ['prometheus'] },
            ],
          },
        },
      ],
    };
    const own = find(manifests, 'NetworkPolicy', 'dp-superset').spec as { ingress: unknown[] };
    expect(own.ingress).toEqual([scrape]);
    const unscraped = parseManifests(await renderYaml(['--set', 'superset.metrics.enabled=false']));
    expect(
      (find(unscraped, 'NetworkPolicy', 'dp-superset').spec as { ingress: unknown[] }).ingress,
    ).toEqual([]);

    const ha = (await renderProfile('ha')).manifests;
    const rules = (
      find(ha, 'NetworkPolicy', 'dp-superset').spec as {
        ingress: { from: unknown[]; ports: unknown[] }[];
      }
    ).ingress;
    expect(rules).toEqual([
      {
        ports: [{ port: 'http' }],
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          },
        ],
      },
      scrape,
    ]);
  });

  it('serves the UI through the Ingress like the other UIs: its host, TLS, and the shared basic auth', async () => {
    const { manifests } = await renderProfile('ha');
    const ingress = find(manifests, 'Ingress', 'dp-superset');
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/auth-type': 'basic',
      'nginx.ingress.kubernetes.io/auth-secret': 'dp-ingress-basic-auth',
    });
    expect(ingress.spec).toMatchObject({
      tls: [{ hosts: ['superset.datapark.example.org'], secretName: 'datapark-wildcard-tls' }],
      rules: [
        {
          host: 'superset.datapark.example.org',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'dp-superset', port: { number: 8088 } } },
              },
            ],
          },
        },
      ],
    });
    const service = find(manifests, 'Service', 'dp-superset').spec as {
      ports: { name: string; port: number; targetPort: string }[];
    };
    expect(service.ports).toEqual([{ name: 'http', port: 8088, targetPort: 'http' }]);
  });
});

describe("the reader role's grants in the rendered init SQL", () => {
  let manifests: Manifest[] = [];
  let sql: Record<string, string> = {};
  beforeAll(async () => {
    manifests = (await renderProfile('default')).manifests;
    sql = find(manifests, 'ConfigMap', 'dp-postgresql-init-sql').data!;
  });

  it("grants superset_reader exactly what the local platform's Superset component grants", () => {
    // The local component runs readerGrantStatements(database) = these, with the same names.
    const local = supersetReaderStatements({
      database: 'datapark',
      owner: POSTGRES_ROLE_USERS.owner,
      dbt: POSTGRES_ROLE_USERS.dbt,
    });
    const rendered = sql['superset-reader.sql']!.split('\n').filter(
      (line) => line && !line.startsWith('--'),
    );
    expect(rendered).toEqual(local.map((s) => `${s};`));
    expect(rendered).toEqual([
      'GRANT CONNECT ON DATABASE "datapark" TO "superset_reader";',
      'ALTER ROLE "superset_reader" SET default_transaction_read_only = on;',
      'ALTER ROLE "superset_reader" SET timezone = \'UTC\';',
      'GRANT USAGE ON SCHEMA "analytics", "processed", "quality", "etl" TO "superset_reader";',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "analytics", "processed" TO "superset_reader";',
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "quality", "etl" FROM "superset_reader";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "datapark_owner" IN SCHEMA "quality", "etl" REVOKE SELECT ON TABLES FROM "superset_reader";',
      'GRANT SELECT ON "quality"."check_results", "quality"."checks", "etl"."job_runs", "etl"."dead_letters", "etl"."landed_per_hour" TO "superset_reader";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "datapark_owner" IN SCHEMA "processed" GRANT SELECT ON TABLES TO "superset_reader";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "dbt" IN SCHEMA "analytics" GRANT SELECT ON TABLES TO "superset_reader";',
    ]);
    expect(rendered.join('\n')).not.toMatch(
      /INSERT|UPDATE|DELETE|TRUNCATE|CREATE|"raw"|"source"|"lab"/,
    );
  });

  it('creates both roles with the passwords of the Job’s environment and the metadata database closed to PUBLIC', () => {
    const roles = sql['superset.sql']!;
    expect(roles).toContain('\\getenv pg_password_superset PG_PASSWORD_SUPERSET\n');
    expect(roles).toContain('\\getenv pg_password_superset_reader PG_PASSWORD_SUPERSET_READER\n');
    expect(roles).toContain(
      `ALTER ROLE "superset_reader" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 10 PASSWORD :'pg_password_superset_reader';`,
    );
    expect(roles).toContain(
      `ALTER ROLE "superset" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 20 PASSWORD :'pg_password_superset';`,
    );
    expect(roles).toContain(
      "'CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', 'superset', 'superset'",
    );
    expect(roles).toContain('REVOKE ALL ON DATABASE "superset" FROM PUBLIC;');
    expect(roles).not.toMatch(/PASSWORD '[^']/);
  });

  it('runs them in order: the roles on postgres, the grants on datapark after dbt.sql (analytics exists then)', () => {
    const lines = sql['init.sh']!.split('\n');
    const at = (file: string) => lines.findIndex((l) => l.includes(`-f /sql/${file}`));
    expect(at('dbt.sql')).toBeGreaterThan(at('migrations.sql'));
    expect(at('superset.sql')).toBeGreaterThan(at('dbt.sql'));
    expect(at('superset-reader.sql')).toBeGreaterThan(at('superset.sql'));
    expect(lines[at('superset.sql')]).toContain('-U datapark_admin -d postgres ');
    expect(lines[at('superset-reader.sql')]).toContain('-U datapark_admin -d datapark ');
    // The init Job checks both passwords are there before it runs anything, and has them from
    // PostgreSQL's Secret by reference.
    for (const variable of ['PG_PASSWORD_SUPERSET', 'PG_PASSWORD_SUPERSET_READER'])
      expect(sql['init.sh']).toContain(`[ -n "\${${variable}:-}" ]`);
    const [init] = containersOf(podOf(manifests, 'Job/dp-postgresql-init'));
    expect(envOf(init!, 'PG_PASSWORD_SUPERSET')).toEqual({
      secret: 'dp-postgresql',
      key: 'superset-password',
    });
    expect(envOf(init!, 'PG_PASSWORD_SUPERSET_READER')).toEqual({
      secret: 'dp-postgresql',
      key: 'superset_reader-password',
    });
  });
});
