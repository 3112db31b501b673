import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RAW_EVENT_TABLES } from '@datapark/db';

const root = join(import.meta.dirname, '..', '..', '..');
const packageDir = join(root, 'packages', 'db');

export interface DriftResult {
  readonly ok: boolean;
  /** tsc's diagnostics: each names the table and what differs. */
  readonly report: string;
}

const TABLES = [
  'source.customers',
  'source.products',
  'source.orders',
  'source.order_items',
  ...RAW_EVENT_TABLES.map(({ table }) => `raw.${table}`),
  'processed.dim_customers',
  'processed.dim_products',
  'processed.fact_orders',
  'processed.fact_order_items',
  'processed.daily_sales',
  'processed.product_performance',
  'processed.clickstream_sessions',
  'processed.realtime_order_metrics',
  'quality.checks',
  'quality.check_runs',
  'quality.check_results',
  'etl.job_runs',
  'etl.watermarks',
  'etl.consumer_offsets',
  'etl.dead_letters',
  'etl.landed_per_hour',
];

// The contract, per table: the same columns; each hand-written select type fits the database's
// (it may be narrower, e.g. a union of the values a CHECK allows); the same nullability; and the
// same columns required on insert. A violation makes the assertion's type an object whose fields
// name the offending columns, which tsc prints.
const CHECK_TYPES = `
import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../src/schema/database.js';
import type { DB } from './db.generated.js';

type Both<H, G> = keyof Selectable<H> & keyof Selectable<G>;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Problems<H, G> = {
  columnsOnlyInDatabase: Exclude<keyof G, keyof H>;
  columnsOnlyInTypes: Exclude<keyof H, keyof G>;
  wrongType: { [K in Both<H, G>]: [Selectable<H>[K]] extends [Selectable<G>[K]] ? never : K }[Both<H, G>];
  wrongNullability: {
    [K in Both<H, G>]: (null extends Selectable<H>[K] ? 1 : 0) extends (null extends Selectable<G>[K] ? 1 : 0) ? never : K;
  }[Both<H, G>];
  requiredOnInsertDiffers:
    | Exclude<RequiredKeys<Insertable<H>>, RequiredKeys<Insertable<G>>>
    | Exclude<RequiredKeys<Insertable<G>>, RequiredKeys<Insertable<H>>>;
};
type NoProblems<P> = [P[keyof P]] extends [never] ? true : { [K in keyof P as [P[K]] extends [never] ? never : K]: P[K] };
type Table<T extends keyof Database & keyof DB> = NoProblems<Problems<Database[T], DB[T]>>;

export const tablesOnlyInDatabase: [Exclude<keyof DB, keyof Database>] extends [never] ? true : Exclude<keyof DB, keyof Database> = true as const;
export const tablesOnlyInTypes: [Exclude<keyof Database, keyof DB>] extends [never] ? true : Exclude<keyof Database, keyof DB> = true as const;
`;

/**
 * Generates types from the database at `url` with kysely-codegen and type-checks them against
 * the hand-written {@link Database}.
 */
export function checkDrift(url: string, workDir = join(packageDir, '.drift')): DriftResult {
  mkdirSync(workDir, { recursive: true });
  const generated = join(workDir, 'db.generated.ts');
  const codegen = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'kysely-codegen', 'dist', 'cli', 'bin.js'),
      '--dialect',
      'postgres',
      '--url',
      url,
      '--include-pattern',
      '(source|raw|processed|quality|etl).*',
      '--date-parser',
      'string',
      '--log-level',
      'error',
      '--out-file',
      generated,
    ],
    { encoding: 'utf8' },
  );
  if (codegen.status !== 0)
    throw new Error(`kysely-codegen failed:\n${codegen.stderr}${codegen.stdout}`);

  const assertions = TABLES.map(
    (t) => `export const ${t.replace('.', '__')}: Table<'${t}'> = true as const;`,
  );
  const header = `${CHECK_TYPES}\n`;
  writeFileSync(join(workDir, 'check.ts'), header + assertions.join('\n') + '\n');
  // tsc names a line; name the table on it instead.
  const firstLine = header.split('\n').length;
  const tableAt = (line: number) => TABLES[line - firstLine] ?? `check.ts line ${line}`;
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify({
      extends: relative(workDir, join(root, 'tsconfig.base.json')),
      compilerOptions: { noEmit: true, noUnusedLocals: false },
      files: ['check.ts'],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(workDir, 'tsconfig.json')],
    { encoding: 'utf8' },
  );
  const report = `${tsc.stdout}${tsc.stderr}`
    .trim()
    .split('\n')
    .map((line) => {
      const m =
        /check\.ts\((\d+),\d+\): error TS\d+: Type '[^']+' is not assignable to type '(.*)'\.$/.exec(
          line,
        );
      return m ? `${tableAt(Number(m[1]))}: ${m[2]}` : line;
    })
    .join('\n');
  return { ok: tsc.status === 0, report };
}
