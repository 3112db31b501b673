#!/usr/bin/env node
// Copies what the charts deliver into the pods from the rest of the repository into the
// subcharts' files/ folders, where `.Files.Get` / `.Files.Glob` can read it:
//
//   postgresql/files/sql/      roles.sql and one file per migration, rendered from @datapark/db
//   kafka/files/topics.json    every topic (and its dead-letter topic) of the events catalog
//   airflow/files/dags/        apps/airflow-dags/dags/**/*.py and its .airflowignore, and the Python
//                              SDK the DAGs import (packages/python-sdk/src/datapark_sdk/) beside
//                              them, on the DAG folder's sys.path
//   jupyter/files/notebooks/   apps/notebooks/*.ipynb
//   jupyter/files/python-sdk/  the Python SDK (datapark_sdk/) the PySpark kernel imports
//   jupyter/files/sdk/         what the TypeScript kernel's init container npm-installs: `npm pack`
//                              of the workspace packages the TypeScript notebooks import (and of
//                              the workspace packages those depend on), and a package.json naming
//                              them, the pinned `deno` and the npm packages the notebooks import
//                              directly (versions from package-lock.json)
//   spark/files/jobs/          apps/spark-jobs/{jobs,src}/**/*.py, the Python SDK and the events
//                              catalog they read, at their repository paths (the jobs find src/,
//                              packages/python-sdk/src and the catalog relative to themselves)
//
// Each folder gets a SOURCES.json (source path and sha256 of every file) that the charts require
// (a chart rendered without it fails and names this script) and the tests compare against the
// sources. The copies are generated, not committed: `npx nx run charts:sync-files`.
// Needs the packages built (the nx target depends on their build targets).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import * as config from '@datapark/config';
import * as db from '@datapark/db';

const root = join(import.meta.dirname, '..');
const subcharts = join(import.meta.dirname, 'datapark', 'charts');

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/** Replaces `dir` with `files` ({relative path: content}) and a SOURCES.json naming them. */
function writeFolder(dir, files, sources) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const manifest = Object.fromEntries(
    Object.entries(files).map(([path, content]) => [
      path,
      { source: sources[path], sha256: sha256(content) },
    ]),
  );
  writeFileSync(
    join(dir, 'SOURCES.json'),
    JSON.stringify({ generatedBy: 'charts/sync-files.mjs', files: manifest }, null, 2) + '\n',
  );
  console.log(`sync-files: ${relative(root, dir)}: ${Object.keys(files).length} files`);
}

function listFiles(dir, accept) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === '__pycache__' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path, accept));
    else if (accept(name)) out.push(path);
  }
  return out;
}

/** The SQL each migration runs, captured by a Kysely on a driver that executes nothing. */
async function migrationSql(migrations) {
  const out = [];
  for (const [name, migration] of Object.entries(migrations)) {
    const statements = [];
    const db = new Kysely({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      log: (event) => {
        if (event.query.parameters.length > 0)
          throw new Error(
            `migration ${name}: "${event.query.sql}" has bound parameters; inline them for the chart's SQL`,
          );
        statements.push(event.query.sql);
      },
    });
    await migration.up(db);
    await db.destroy();
    out.push({ name, statements });
  }
  return out;
}

// psql script: applies each migration at most once and records it in Kysely's own bookkeeping
// tables, so `migrateToLatest` from @datapark/db and this Job agree on what has run.
function migrationsScript(applied) {
  const lines = [
    '-- Generated by charts/sync-files.mjs from packages/db/src/migrations: do not edit.',
    '-- Run as the owner role on the datapark database: psql -v ON_ERROR_STOP=1 -f migrations.sql',
    'CREATE TABLE IF NOT EXISTS public.kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, "timestamp" varchar(255) NOT NULL);',
    'CREATE TABLE IF NOT EXISTS public.kysely_migration_lock (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer DEFAULT 0 NOT NULL);',
    "INSERT INTO public.kysely_migration_lock (id, is_locked) VALUES ('migration_lock', 0) ON CONFLICT DO NOTHING;",
  ];
  for (const { name, statements } of applied) {
    lines.push(
      '',
      `SELECT EXISTS (SELECT 1 FROM public.kysely_migration WHERE name = '${name}') AS applied \\gset`,
      '\\if :applied',
      `\\echo 'migration ${name}: already applied'`,
      '\\else',
      `\\echo 'migration ${name}: applying'`,
      'BEGIN;',
      ...statements.map((s) => `${s};`),
      `INSERT INTO public.kysely_migration (name, "timestamp") VALUES ('${name}', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));`,
      'COMMIT;',
      '\\endif',
    );
  }
  return lines.join('\n') + '\n';
}

// psql script: what createRolesAndDatabases() of @datapark/db does, as the bootstrap superuser.
// Passwords come from the Job's environment (\getenv), never from the script.
function rolesScript({ roleUsers, componentRoles, database, airflowDatabase }) {
  const lines = [
    '-- Generated by charts/sync-files.mjs from packages/db/src/provision/create-roles.ts: do not edit.',
    '-- Run as the bootstrap superuser: psql -v ON_ERROR_STOP=1 -f roles.sql, with',
    `-- ${componentRoles.map((r) => `PG_PASSWORD_${r.toUpperCase()}`).join(', ')} set.`,
  ];
  for (const role of componentRoles) {
    const user = roleUsers[role];
    const variable = `pw_${role}`;
    lines.push(
      `\\getenv ${variable} PG_PASSWORD_${role.toUpperCase()}`,
      `SELECT format('CREATE ROLE %I', '${user}') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${user}') \\gexec`,
      `ALTER ROLE "${user}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'${variable}';`,
    );
  }
  const owner = roleUsers.owner;
  const airflow = roleUsers.airflow;
  for (const [db, dbOwner] of [
    [database, owner],
    [airflowDatabase, airflow],
  ]) {
    lines.push(
      `SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', '${db}', '${dbOwner}') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '${db}') \\gexec`,
    );
  }
  const readers = componentRoles
    .filter((r) => r !== 'owner')
    .map((r) => `"${roleUsers[r]}"`)
    .join(', ');
  lines.push(
    '-- PUBLIC may connect to and create temp tables in every new database by default.',
    `REVOKE ALL ON DATABASE "${database}" FROM PUBLIC;`,
    `REVOKE ALL ON DATABASE "${airflowDatabase}" FROM PUBLIC;`,
    'REVOKE ALL ON DATABASE postgres FROM PUBLIC;',
    'REVOKE ALL ON DATABASE template1 FROM PUBLIC;',
    `GRANT CONNECT ON DATABASE "${database}" TO ${readers};`,
    `GRANT CONNECT ON DATABASE "${airflowDatabase}" TO "${airflow}";`,
  );
  return lines.join('\n') + '\n';
}

async function syncSql() {
  const defaults = config.CONFIG_KEYS;
  const files = {
    'roles.sql': rolesScript({
      roleUsers: config.POSTGRES_ROLE_USERS,
      componentRoles: db.COMPONENT_ROLES,
      database: defaults['postgres.database'].default,
      airflowDatabase: defaults['postgres.airflowDatabase'].default,
    }),
    'migrations.sql': migrationsScript(await migrationSql(db.migrations)),
    'roles.json':
      JSON.stringify(
        {
          users: config.POSTGRES_ROLE_USERS,
          componentRoles: db.COMPONENT_ROLES,
          database: defaults['postgres.database'].default,
          airflowDatabase: defaults['postgres.airflowDatabase'].default,
        },
        null,
        2,
      ) + '\n',
  };
  writeFolder(join(subcharts, 'postgresql', 'files', 'sql'), files, {
    'roles.sql': 'packages/db/src/provision/create-roles.ts',
    'migrations.sql': 'packages/db/src/migrations',
    'roles.json': 'packages/config/src/keys.ts',
  });
}

function syncTopics() {
  const source = 'packages/events/json-schema/catalog.json';
  const catalog = JSON.parse(readFileSync(join(root, source), 'utf8'));
  const topics = catalog.all_topics.map((t) => ({
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    configs: t.configs,
  }));
  writeFolder(
    join(subcharts, 'kafka', 'files', 'topics'),
    { 'topics.json': JSON.stringify({ topics }, null, 2) + '\n' },
    { 'topics.json': source },
  );
}

/** The `accept`ed files under `sourceDir`, keyed by their path below it. */
function collectTree(sourceDir, accept) {
  const files = {};
  const sources = {};
  for (const path of listFiles(join(root, sourceDir), accept)) {
    const rel = relative(join(root, sourceDir), path);
    files[rel] = readFileSync(path, 'utf8');
    sources[rel] = relative(root, path);
  }
  return { files, sources };
}

function syncTree(sourceDir, accept, target) {
  const { files, sources } = collectTree(sourceDir, accept);
  writeFolder(target, files, sources);
}

/** Several trees into one folder; a path two of them hold is refused. */
function syncTrees(trees, target) {
  const files = {};
  const sources = {};
  for (const tree of trees)
    for (const [path, content] of Object.entries(tree.files)) {
      if (path in files)
        throw new Error(
          `sync-files: ${tree.sources[path]} and ${sources[path]} both go to ${path}`,
        );
      files[path] = content;
      sources[path] = tree.sources[path];
    }
  writeFolder(target, files, sources);
}

/** `tree` without the files under `folder`/. */
function withoutFolder(tree, folder) {
  const keep = ([path]) => !path.startsWith(`${folder}/`);
  return {
    files: Object.fromEntries(Object.entries(tree.files).filter(keep)),
    sources: Object.fromEntries(Object.entries(tree.sources).filter(keep)),
  };
}

const isPython = (name) => name.endsWith('.py');
/** The Python SDK's package (datapark_sdk/**), keyed by its import path. */
const pythonSdk = () => collectTree('packages/python-sdk/src', isPython);

/** Copies files keeping their paths relative to the repository root. */
function syncRepoPaths(paths, target) {
  const files = {};
  const sources = {};
  for (const path of paths) {
    const rel = relative(root, path);
    files[rel] = readFileSync(path, 'utf8');
    sources[rel] = rel;
  }
  writeFolder(target, files, sources);
}

/** The npm package a bare specifier names ('kysely/migration' → kysely), or null (node:, relative). */
function packageOf(specifier) {
  if (
    /^(\.|\/|node:|npm:|jsr:|https?:)/.test(specifier) ||
    builtinModules.includes(specifier.split('/')[0])
  )
    return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages `code` (JavaScript or TypeScript) imports or requires. */
function importedPackages(code) {
  const found = new Set();
  const pattern = /(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const [, specifier] of code.matchAll(pattern)) {
    const name = packageOf(specifier);
    if (name) found.add(name);
  }
  return found;
}

/** The version package-lock.json installs of an npm package (what the workspace runs with). */
function lockedVersion(lock, name, why) {
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version)
    throw new Error(`sync-files: ${name} (${why}) is not in package-lock.json's node_modules`);
  return version;
}

// The TypeScript kernel's packages. Deno resolves the notebooks' bare imports from node_modules,
// so the init container npm-installs the SDKs (packed here: they are not on the registry) with
// their npm dependencies, and whatever npm package a notebook imports itself.
function syncSdk() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const workspace = new Map(
    readdirSync(join(root, 'packages'))
      .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
      .map((dir) => {
        const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
        return [pkg.name, { dir: join(root, 'packages', dir), pkg }];
      }),
  );
  const notebooks = listFiles(join(root, 'apps', 'notebooks'), (name) =>
    name.endsWith('.ipynb'),
  ).filter((path) => dirname(path) === join(root, 'apps', 'notebooks'));
  // @datapark/db too, which no sample imports: its Kysely Database types are the warehouse's
  // contract, for the learner's own notebooks.
  const wanted = new Set(['@datapark/db']);
  const external = new Map([['deno', lockedVersion(lock, 'deno', 'the TypeScript kernel')]]);
  for (const path of notebooks) {
    const notebook = JSON.parse(readFileSync(path, 'utf8'));
    if (notebook.metadata?.kernelspec?.name !== 'datapark-typescript') continue;
    const code = notebook.cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => [c.source].flat().join(''))
      .join('\n');
    for (const name of importedPackages(code)) {
      if (workspace.has(name)) wanted.add(name);
      else if (name.startsWith('@datapark/'))
        throw new Error(
          `sync-files: ${relative(root, path)} imports ${name}, which is no package of packages/`,
        );
      else external.set(name, lockedVersion(lock, name, `imported by ${relative(root, path)}`));
    }
  }
  // The workspace packages those depend on. A package whose code imports an npm package it does
  // not declare works in the workspace (hoisted node_modules) but not in the pod: refused here.
  for (const name of wanted) {
    const { dir, pkg } = workspace.get(name);
    const declared = { ...pkg.dependencies, ...pkg.peerDependencies };
    for (const dep of Object.keys(declared)) if (workspace.has(dep)) wanted.add(dep);
    if (!existsSync(join(dir, 'dist')))
      throw new Error(
        `sync-files: ${relative(root, dir)}/dist is missing: build ${name} first (npx nx run-many -t build)`,
      );
    const code = listFiles(join(dir, 'dist'), (file) => /\.(c|m)?js$/.test(file))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const dep of importedPackages(code)) {
      if (dep === name || dep in declared) continue;
      throw new Error(
        `sync-files: ${name} imports ${dep} without declaring it in its package.json (add it to "dependencies")`,
      );
    }
  }
  const files = {};
  const sources = {};
  const dependencies = {};
  const packDir = mkdtempSync(join(tmpdir(), 'datapark-sdk-pack-'));
  try {
    for (const name of [...wanted].sort()) {
      const { dir } = workspace.get(name);
      const [packed] = JSON.parse(
        execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      // Flat (ConfigMap keys hold no "/"); the init container copies them into sdk/.
      files[packed.filename] = readFileSync(join(packDir, packed.filename));
      sources[packed.filename] = relative(root, dir);
      dependencies[name] = `file:sdk/${packed.filename}`;
    }
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
  for (const [name, version] of [...external].sort()) dependencies[name] = version;
  files['package.json'] =
    JSON.stringify(
      {
        name: 'datapark-notebooks-kernel',
        private: true,
        description:
          "What the TypeScript notebooks import, for Deno to resolve from node_modules. Generated by charts/sync-files.mjs; installed by the jupyter chart's init container.",
        type: 'module',
        dependencies,
      },
      null,
      2,
    ) + '\n';
  sources['package.json'] = 'package-lock.json';
  writeFolder(join(subcharts, 'jupyter', 'files', 'sdk'), files, sources);
}

await syncSql();
syncTopics();
// Only the DAG folder's Python files and its .airflowignore: tests and packaging stay out of the
// scheduler's path, and so do the DAGs of client_tests/, which only @datapark/airflow-client's
// tests trigger (the local platform's Airflow reads the checkout's folder, so it has them).
// The Python SDK goes beside the DAGs: every Airflow process has the DAG folder on sys.path, and
// the .airflowignore keeps the dag-processor from parsing the SDK's modules.
const dags = 'apps/airflow-dags/dags';
syncTrees(
  [
    withoutFolder(
      collectTree(
        dags,
        (name) => isPython(name) && !name.startsWith('test_') && name !== 'conftest.py',
      ),
      'client_tests',
    ),
    existsSync(join(root, dags, '.airflowignore'))
      ? {
          files: { '.airflowignore': readFileSync(join(root, dags, '.airflowignore'), 'utf8') },
          sources: { '.airflowignore': `${dags}/.airflowignore` },
        }
      : { files: {}, sources: {} },
    pythonSdk(),
  ],
  join(subcharts, 'airflow', 'files', 'dags'),
);
syncTree(
  'apps/notebooks',
  (name) => name.endsWith('.ipynb'),
  join(subcharts, 'jupyter', 'files', 'notebooks'),
);
syncTrees([pythonSdk()], join(subcharts, 'jupyter', 'files', 'python-sdk'));
syncSdk();
syncRepoPaths(
  [
    ...listFiles(join(root, 'apps/spark-jobs/jobs'), isPython),
    ...listFiles(join(root, 'apps/spark-jobs/src'), isPython),
    ...listFiles(join(root, 'packages/python-sdk/src'), isPython),
    join(root, 'packages/events/json-schema/catalog.json'),
  ],
  join(subcharts, 'spark', 'files', 'jobs'),
);
