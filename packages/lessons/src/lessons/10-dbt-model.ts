import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import type { Pool } from '@datapark/db';
import { withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';
import type { DbtNodeResult } from '../run-dbt.js';
import { dbtExecutable, runDbtAsLab } from '../run-dbt.js';

const SLUG = '10-dbt-model';
const PAGE = `docs/lessons/${SLUG}.md`;
/** The learner's model: its name in dbt, its files' names, its relation's name in `lab`. */
const MODEL = 'lesson10_customer_orders';
/** The dbt project the checker puts around the learner's files. */
const PROJECT = 'lab_lessons';

export const dbtModelNames = (suffix: string) => ({
  model: MODEL,
  /** The relation dbt builds: the model's name with the suffix (the project's alias macro). */
  relation: `lab.${MODEL}${suffix}`,
});

/** The learner's folder: the model's SQL and its properties (tests) beside it. */
const modelDir = (context: Pick<LessonContext, 'scriptsDir'>) => join(context.scriptsDir, SLUG);
const ymlOf = (dir: string) => join(dir, `${MODEL}.yml`);

/**
 * The project the checker runs: `.datapark/lessons/dbt<suffix>/`, rebuilt from the learner's
 * files at every check (their folder holds only what they write). The shop's sources (as
 * apps/dbt-shop declares them) and its generic tests (`reconciles_with`) come along; every relation lands in `lab`,
 * named with the lesson's suffix, as the `lab` role.
 */
function writeProject(context: LessonContext): string {
  const project = join(context.config.stateDir, 'lessons', `dbt${context.suffix}`);
  const models = join(project, 'models');
  rmSync(models, { recursive: true, force: true });
  mkdirSync(models, { recursive: true });
  mkdirSync(join(project, 'macros'), { recursive: true });
  const shop = join(context.root, 'apps', 'dbt-shop');
  copyFileSync(join(shop, 'models', 'sources.yml'), join(models, 'shop_sources.yml'));
  cpSync(join(shop, 'tests'), join(project, 'tests'), { recursive: true });
  const learner = modelDir(context);
  for (const file of [`${MODEL}.sql`, `${MODEL}.yml`])
    if (existsSync(join(learner, file))) copyFileSync(join(learner, file), join(models, file));
  writeFileSync(
    join(project, 'dbt_project.yml'),
    [
      `name: ${PROJECT}`,
      `version: '1.0.0'`,
      'config-version: 2',
      `profile: ${PROJECT}`,
      'model-paths: [models]',
      'macro-paths: [macros]',
      'test-paths: [tests]',
      'flags:',
      '  send_anonymous_usage_stats: false',
      '',
    ].join('\n'),
  );
  // The connection from the environment runDbtAsLab sets: no password in the file.
  writeFileSync(
    join(project, 'profiles.yml'),
    [
      `${PROJECT}:`,
      '  target: lab',
      '  outputs:',
      '    lab:',
      '      type: postgres',
      `      host: "{{ env_var('DATAPARK_DBT_HOST') }}"`,
      `      port: "{{ env_var('DATAPARK_DBT_PORT') | int }}"`,
      `      dbname: "{{ env_var('DATAPARK_DBT_DATABASE') }}"`,
      `      user: "{{ env_var('DATAPARK_DBT_USER') }}"`,
      `      password: "{{ env_var('DATAPARK_DBT_PASSWORD') }}"`,
      '      schema: lab',
      '      threads: 1',
      '      connect_timeout: 10',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(project, 'macros', 'lab_names.sql'),
    `{#- Everything in lab (the lab role may create nowhere else); a model's relation carries the
    lesson's suffix (a test's own names), from the var the checker passes. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {{ target.schema }}
{%- endmacro %}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- set name = custom_alias_name | trim if custom_alias_name else node.name -%}
  {{ name ~ var('lesson_suffix', '') if node.resource_type == 'model' else name }}
{%- endmacro %}
`,
  );
  return project;
}

/** The relation against the reference over the same cut-off: rows only one side has. */
async function compare(pool: Pool, relation: string, asOf: string) {
  const { rows } = await pool.query<{
    yours: string;
    expected: string;
    only_yours: string;
    only_expected: string;
    example: string | null;
  }>(
    `WITH yours AS (
       SELECT customer_id::text, orders::bigint, first_order_at::timestamptz, last_order_at::timestamptz
         FROM ${relation}),
     expected AS (
       SELECT customer_id::text, count(*)::bigint, min(placed_at), max(placed_at)
         FROM source.orders WHERE placed_at < $1::timestamptz GROUP BY customer_id),
     only_yours AS (SELECT * FROM yours EXCEPT ALL SELECT * FROM expected),
     only_expected AS (SELECT * FROM expected EXCEPT ALL SELECT * FROM yours)
     SELECT (SELECT count(*) FROM yours)::text AS yours,
            (SELECT count(*) FROM expected)::text AS expected,
            (SELECT count(*) FROM only_yours)::text AS only_yours,
            (SELECT count(*) FROM only_expected)::text AS only_expected,
            (SELECT row_to_json(o)::text FROM only_yours o LIMIT 1) AS example`,
    [asOf],
  );
  return rows[0]!;
}

/** A test's name from its unique_id (`test.<project>.<name>.<hash>`). */
const testName = (r: DbtNodeResult) => r.unique_id.split('.').at(-2) ?? r.unique_id;

/** dbt's lines worth showing: its errors, without its timestamps, not its banner. */
const dbtTail = (output: string) =>
  output
    .split('\n')
    .map((line) => line.replace(/^\d\d:\d\d:\d\d\s+/, '').trim())
    .filter((line) => !/partial pars/i.test(line))
    .filter((line) =>
      /error|fail|compil|database|syntax|not found|depends|yaml|line \d/i.test(line),
    )
    .slice(-8)
    .map((line) => `  ${line}`)
    .join('\n');

/** Where to look when dbt stopped before building the model. */
const stoppedPointer = (output: string) =>
  /Database Error[\s\S]*(connection|password authentication)/i.test(output)
    ? 'dbt could not connect as the lab role: is the platform up (datapark status)?'
    : `${PAGE}, step 2: one SELECT in the .sql, and valid YAML in the .yml (dbt names the file and line above)`;

/** Drops the model's relation, a table or a view, whichever dbt made it. */
async function dropRelation(pool: Pool, relation: string): Promise<void> {
  const { rows } = await pool.query<{ kind: string }>(
    `SELECT c.relkind::text AS kind FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [relation],
  );
  const kind = rows[0]?.kind;
  if (kind === 'v') await pool.query(`DROP VIEW IF EXISTS ${relation} CASCADE`);
  else if (kind) await pool.query(`DROP TABLE IF EXISTS ${relation} CASCADE`);
}

export const dbtModel: Lesson = {
  number: 10,
  slug: SLUG,
  script: `${SLUG}/${MODEL}.sql`,
  title: 'dbt: a model of your own, with a test, built into your lab schema',
  hints: [
    "A dbt model is one SELECT: dbt wraps it in CREATE TABLE or VIEW. Read the shop’s orders with {{ source('source', 'orders') }}, never by their schema name.",
    'One row per customer: GROUP BY customer_id, and count(*), min(placed_at), max(placed_at) named orders, first_order_at, last_order_at.',
    'The cut-off: placed_at < \'{{ var("as_of") }}\'::timestamptz. The checker passes as_of, and compares at the same instant.',
    'Tests live in the .yml beside the model: under the column customer_id, data_tests: [unique, not_null]. dbt build runs them right after the model.',
  ],

  async start(context) {
    // The SQL is copied by `start` as every lesson's script is; its properties file goes beside it.
    const dir = modelDir(context);
    const starter = join(context.root, 'lab', 'lessons', 'starters', SLUG, `${MODEL}.yml`);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(ymlOf(dir))) copyFileSync(starter, ymlOf(dir));
    if (!existsSync(dbtExecutable(context.root)))
      context.log('dbt is not installed (.venv-dbt): bash tools/ci/dbt.sh installs it');
    return {};
  },

  async check(context) {
    const { relation } = dbtModelNames(context.suffix);
    const dir = modelDir(context);
    const shown = relative(context.root, dir);
    if (!existsSync(join(dir, `${MODEL}.sql`)))
      return [
        {
          name: `your model ${shown}/${MODEL}.sql`,
          passed: false,
          detail: `${shown}/${MODEL}.sql does not exist`,
          pointer: '`datapark lesson start 10` copies the starter there',
        },
      ];
    if (!existsSync(dbtExecutable(context.root)))
      return [
        {
          name: 'dbt is installed',
          passed: false,
          detail: `no ${relative(context.root, dbtExecutable(context.root))}`,
          pointer: 'bash tools/ci/dbt.sh installs it (its own venv, from the committed lock)',
        },
      ];

    // 1. dbt build --select the model: the model, then its tests, as the lab role.
    const project = writeProject(context);
    const asOf = new Date().toISOString();
    context.log(`dbt build --select ${MODEL} as the lab role (half a minute)…`);
    const run = await runDbtAsLab(context, project, [
      'build',
      '--select',
      MODEL,
      '--vars',
      JSON.stringify({ lesson_suffix: context.suffix, as_of: asOf }),
    ]);
    const items: CheckItem[] = [];
    const model = run.results.find((r) => r.unique_id === `model.${PROJECT}.${MODEL}`);
    const name = `dbt build --select ${MODEL}: the model builds`;
    if (model?.status !== 'success') {
      items.push({
        name,
        passed: false,
        detail: model
          ? `${model.status}: ${model.message ?? ''}`.trim()
          : `dbt stopped before it (exit ${run.exit}):\n${dbtTail(run.output) || run.output.slice(-800)}`,
        pointer: model
          ? `the model's SQL as dbt compiled it is under ${join(project, 'target', 'compiled')}: try it with psql as the lab role (datapark psql lab)`
          : stoppedPointer(run.output),
      });
      return items;
    }
    items.push({ name, passed: true, detail: `${relation} (${model.message ?? 'built'})` });

    // 2. Its tests: at least one, all passing.
    const tests = run.results.filter((r) => r.unique_id.startsWith('test.'));
    const failing = tests.filter((t) => t.status !== 'pass');
    items.push(
      tests.length === 0
        ? {
            name: `${MODEL} has tests, and they pass`,
            passed: false,
            detail: 'dbt ran no test on it',
            pointer: `${PAGE}, step 3: data_tests on a column, in ${MODEL}.yml beside the model`,
          }
        : failing.length === 0
          ? {
              name: `${MODEL} has tests, and they pass`,
              passed: true,
              detail: tests.map((t) => `${testName(t)}: pass`).join(', '),
            }
          : {
              name: `${MODEL} has tests, and they pass`,
              passed: false,
              detail: failing
                .map(
                  (t) =>
                    `${testName(t)}: ${t.status}${t.failures ? ` (${t.failures} rows)` : ''}${t.status === 'error' && t.message ? `: ${t.message}` : ''}`,
                )
                .join('; '),
              pointer:
                'your own test caught your model: a failing test’s rows are what its compiled SQL selects (target/compiled/). One row per customer: what else is in your GROUP BY?',
            },
    );

    // 3. The data, against the reference over the same cut-off.
    const diff = await withLabPool(context, async (pool) => {
      try {
        return await compare(pool, relation, asOf);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === '42703' || code === '42P01' || code === '42804')
          return `${relation} cannot be read as the page's columns (customer_id, orders, first_order_at, last_order_at): ${(error as Error).message}`;
        throw error;
      }
    });
    const dataName = `${relation} against source.orders (before as_of)`;
    if (typeof diff === 'string') {
      items.push({ name: dataName, passed: false, detail: diff, pointer: `${PAGE}, "The model"` });
      return items;
    }
    const same = diff.only_yours === '0' && diff.only_expected === '0';
    items.push(
      same
        ? {
            name: dataName,
            passed: true,
            detail: `${diff.yours} customers, each row as the reference query has it`,
          }
        : {
            name: dataName,
            passed: false,
            detail: `yours: ${diff.yours} rows, the reference: ${diff.expected}; ${diff.only_yours} of yours differ from it${diff.example ? ` (e.g. ${diff.example})` : ''}`,
            pointer:
              Number(diff.yours) > Number(diff.expected)
                ? 'more rows than customers who ordered: one row per customer'
                : 'which orders count? every order placed before as_of, whatever its status',
          },
    );
    return items;
  },

  async reset(context) {
    // The SQL is moved aside by reset itself; its properties file goes with it.
    const yml = ymlOf(modelDir(context));
    if (existsSync(yml)) renameSync(yml, `${yml}.bak`);
    rmSync(join(context.config.stateDir, 'lessons', `dbt${context.suffix}`), {
      recursive: true,
      force: true,
    });
    const { relation } = dbtModelNames(context.suffix);
    await withLabPool(context, (pool) => dropRelation(pool, relation));
  },
};
