import { LAKE_CATALOG, POSTGRES_ROLE_USERS, POSTGRES_ROLES } from '@datapark/config';
import { execa } from 'execa';
import { platformConfig, psql } from './fixtures/platform.js';
import { renderProfile, tempFile } from './fixtures/render.js';

// The chart's init Job runs these scripts in the cluster; here they run against the local
// platform's real PostgreSQL: the migrations into a scratch database owned by the owner role,
// compared with the database @datapark/db's Kysely migrator built.
const config = platformConfig();
const SCRATCH = 'datapark_charts_sql_test';

async function initSql() {
  const { manifests } = await renderProfile('default');
  const configMap = manifests.find(
    (m) => m.kind === 'ConfigMap' && m.metadata.name === 'dp-postgresql-init-sql',
  );
  if (!configMap) throw new Error('the init SQL ConfigMap was not rendered');
  return configMap.data as {
    'roles.sql': string;
    'migrations.sql': string;
    'lab.sql': string;
    'dbt.sql': string;
    'superset-reader.sql': string;
    'lake-catalog.sql': string;
    'init.sh': string;
  };
}

// The local platform's Superset component grants its reader (superset_reader, which its `up`
// creates) when it starts; the chart's init Job runs the same statements (superset-reader.sql,
// after dbt.sql), so the comparison covers the reader's grants too.
/** An ACL as text. */
const aclText = (acl: string) => `array_to_string(${acl}, ',')`;

const SHAPE = `
  SELECT table_schema, table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
    FROM information_schema.columns WHERE table_schema IN ('source', 'raw', 'processed', 'quality', 'etl')
  UNION ALL
  SELECT n.nspname, c.conname, c.contype::text, pg_get_constraintdef(c.oid), '', ''
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
   WHERE n.nspname IN ('source', 'raw', 'processed', 'quality', 'etl')
  UNION ALL
  SELECT grantee, table_schema, table_name, privilege_type, '', ''
    FROM information_schema.table_privileges
   WHERE table_schema IN ('source', 'raw', 'processed', 'quality', 'etl')
     AND grantee <> 'datapark_owner'
  ORDER BY 1, 2, 3, 4`;

// What the lab role may do outside its own tables: the schemas' ACLs, the default privileges,
// its table privileges outside lab.
const LAB_SHAPE = `
  SELECT 'schema', nspname, coalesce(${aclText('nspacl')}, '') FROM pg_namespace
   WHERE nspname IN ('lab', 'analytics', 'source', 'raw', 'processed', 'quality', 'etl')
  UNION ALL
  SELECT 'default', n.nspname, ${aclText('d.defaclacl')}
    FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
   WHERE ${aclText('d.defaclacl')} <> ''
     -- The lake catalog's (analyst reads it) is lake-catalog.sql's, checked on its own below.
     AND n.nspname <> 'iceberg'
  UNION ALL
  SELECT 'table', table_schema || '.' || table_name, privilege_type
    FROM information_schema.table_privileges WHERE grantee = 'lab' AND table_schema <> 'lab'
  ORDER BY 1, 2, 3`;

describe("the PostgreSQL init Job's SQL, on the real PostgreSQL", () => {
  beforeAll(async () => {
    await psql(config, 'admin', 'postgres', [
      '-c',
      `DROP DATABASE IF EXISTS ${SCRATCH} WITH (FORCE)`,
    ]);
    await psql(config, 'admin', 'postgres', [
      '-c',
      `CREATE DATABASE ${SCRATCH} OWNER datapark_owner`,
    ]);
  });
  afterAll(async () => {
    await psql(config, 'admin', 'postgres', [
      '-c',
      `DROP DATABASE IF EXISTS ${SCRATCH} WITH (FORCE)`,
    ]);
  });

  it("migrations.sql, lab.sql, dbt.sql and superset-reader.sql build the schema, constraints and grants that @datapark/db's provisioning and the Superset component build", async () => {
    const data = await initSql();
    await psql(config, 'owner', SCRATCH, [
      '-f',
      tempFile('migrations.sql', data['migrations.sql']),
    ]);
    await psql(config, 'admin', SCRATCH, ['-f', tempFile('lab.sql', data['lab.sql'])]);
    await psql(config, 'admin', SCRATCH, ['-f', tempFile('dbt.sql', data['dbt.sql'])]);
    await psql(config, 'admin', SCRATCH, [
      '-f',
      tempFile('superset-reader.sql', data['superset-reader.sql']),
    ]);
    const fromChart = await psql(config, 'admin', SCRATCH, ['-c', SHAPE]);
    const fromKysely = await psql(config, 'admin', config.postgres.database, ['-c', SHAPE]);
    expect(fromChart.split('\n').length).toBeGreaterThan(50);
    expect(fromChart).toContain('superset_reader|processed|daily_sales|SELECT');
    expect(fromChart).toContain('superset_reader|quality|check_results|SELECT');
    expect(fromChart).not.toContain('superset_reader|quality|check_runs');
    expect(fromChart).toEqual(fromKysely);
  });

  it("lab.sql, after migrations.sql, grants the lab role what @datapark/db's provisioning grants", async () => {
    const data = await initSql();
    await psql(config, 'owner', SCRATCH, [
      '-f',
      tempFile('migrations.sql', data['migrations.sql']),
    ]);
    const lab = tempFile('lab.sql', data['lab.sql']);
    await psql(config, 'admin', SCRATCH, ['-f', lab]);
    await psql(config, 'admin', SCRATCH, ['-f', lab]); // idempotent
    await psql(config, 'admin', SCRATCH, ['-f', tempFile('dbt.sql', data['dbt.sql'])]);
    const reader = tempFile('superset-reader.sql', data['superset-reader.sql']);
    await psql(config, 'admin', SCRATCH, ['-f', reader]);
    await psql(config, 'admin', SCRATCH, ['-f', reader]); // idempotent
    const fromChart = await psql(config, 'admin', SCRATCH, ['-c', LAB_SHAPE]);
    const fromProvisioning = await psql(config, 'admin', config.postgres.database, [
      '-c',
      LAB_SHAPE,
    ]);
    expect(fromChart).toContain('lab=UC/datapark_owner');
    expect(fromChart).toContain('processed.daily_sales|SELECT');
    expect(fromChart).toEqual(fromProvisioning);
  });

  it('migrations.sql records each migration as Kysely does and applies nothing twice', async () => {
    const file = tempFile('migrations.sql', (await initSql())['migrations.sql']);
    const again = await execaPsqlEcho(file);
    expect(again).toContain('migration 0001-schemas: already applied');
    expect(again).not.toContain('applying');
    const names = await psql(config, 'admin', SCRATCH, [
      '-c',
      'SELECT name FROM public.kysely_migration ORDER BY name',
    ]);
    const kysely = await psql(config, 'admin', config.postgres.database, [
      '-c',
      'SELECT name FROM public.kysely_migration ORDER BY name',
    ]);
    expect(names).toEqual(kysely);
  });

  it("roles.sql leaves the platform's roles as provisioning made them (idempotent, passwords from the environment)", async () => {
    const env: Record<string, string> = {};
    for (const role of POSTGRES_ROLES.filter((r) => r !== 'admin')) {
      const password = config.postgres.roles[role].password;
      if (!password)
        throw new Error(
          `the platform has no password for ${role}: run datapark up --only postgres`,
        );
      env[`PG_PASSWORD_${role.toUpperCase()}`] = password;
    }
    const file = tempFile('roles.sql', (await initSql())['roles.sql']);
    await psql(config, 'admin', 'postgres', ['-f', file], env);
    // Every role still logs in with the password the platform gave it.
    for (const role of ['analyst', 'ingest', 'airflow'] as const)
      expect(
        await psql(
          config,
          role,
          role === 'airflow' ? config.postgres.airflowDatabase : config.postgres.database,
          ['-c', 'SELECT current_user'],
        ),
      ).toBe(role);
    // And PUBLIC still may not connect.
    const acl = await psql(config, 'admin', 'postgres', [
      '-c',
      `SELECT datacl::text FROM pg_database WHERE datname = '${config.postgres.database}'`,
    ]);
    expect(acl).not.toMatch(/[{,]=/);
  });

  it("lake-catalog.sql leaves the lake's catalog as provisionLakeCatalog made it (idempotent, its password from the environment): iceberg logs in, works in its own schema and nowhere else", async () => {
    const password = config.lake.catalogPassword;
    if (!password)
      throw new Error('the platform has no lake.catalogPassword: run datapark up --only postgres');
    const { role, schema } = LAKE_CATALOG;
    const database = config.postgres.database;
    const file = tempFile('lake-catalog.sql', (await initSql())['lake-catalog.sql']);
    const env = { [`PG_PASSWORD_${role.toUpperCase()}`]: password };
    await psql(config, 'admin', database, ['-f', file], env);
    await psql(config, 'admin', database, ['-f', file], env); // idempotent
    const attributes = await psql(config, 'admin', database, [
      '-c',
      `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolconnlimit FROM pg_roles WHERE rolname = '${role}'`,
    ]);
    expect(attributes).toBe('t|f|f|f|f|20');
    const owner = await psql(config, 'admin', database, [
      '-c',
      `SELECT nspowner::regrole::text, coalesce(nspacl::text, '') FROM pg_namespace WHERE nspname = '${schema}'`,
    ]);
    // The reader (analyst) may look up the catalog's tables (USAGE), to SELECT them: nothing more.
    const reader = POSTGRES_ROLE_USERS[LAKE_CATALOG.reader];
    expect(owner).toBe(`${role}|{${role}=UC/${role},${reader}=U/${role}}`);
    // …and SELECT on the tables Iceberg creates there later, as provisioning grants it.
    const defaults = `SELECT ${aclText('d.defaclacl')} FROM pg_default_acl d
      JOIN pg_namespace n ON n.oid = d.defaclnamespace WHERE n.nspname = '${schema}'`;
    expect(await psql(config, 'admin', database, ['-c', defaults])).toBe(`${reader}=r/${role}`);
    // As the catalog: its unqualified tables land in its schema; no other schema is its.
    const asCatalog = (sql: string) =>
      execa(
        'psql',
        [
          '-v',
          'ON_ERROR_STOP=1',
          '-X',
          '-q',
          '-At',
          `postgres://${role}:${encodeURIComponent(password)}@${config.postgres.host}:${config.postgres.port}/${database}`,
          '-c',
          sql,
        ],
        { reject: false, all: true },
      );
    const own = await asCatalog(
      'CREATE TABLE charts_sql_probe (x int); SELECT current_schema(); DROP TABLE charts_sql_probe',
    );
    expect({ exitCode: own.exitCode, out: own.stdout }).toEqual({ exitCode: 0, out: schema });
    expect((await asCatalog('CREATE TABLE public.charts_sql_probe (x int)')).all).toContain(
      'permission denied for schema public',
    );
    expect((await asCatalog('SELECT 1 FROM raw.order_events LIMIT 1')).all).toContain(
      'permission denied for schema raw',
    );
  });

  it('roles.sql refuses to run without the passwords (never sets an empty one)', async () => {
    const file = tempFile('roles.sql', (await initSql())['roles.sql']);
    await expect(psql(config, 'admin', 'postgres', ['-f', file], {})).rejects.toThrow(
      /syntax error|pw_owner/,
    );
  });

  async function execaPsqlEcho(file: string): Promise<string> {
    return psql(config, 'owner', SCRATCH, ['-f', file]);
  }
});
