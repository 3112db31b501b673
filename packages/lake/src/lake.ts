import type { DuckDBConnection, DuckDBInstance, Json } from '@duckdb/node-api';
import type { LakeTable } from './catalog-tables.js';
import { GoldTables } from './gold-tables.js';
import { LakeQueryError, LakeTableNotFoundError } from './lake-error.js';
import { sqlLiteral } from './s3-secret.js';

/** A value for a `$1` placeholder. */
export type LakeParameter = string | number | boolean | bigint | null;

/** A row as DuckDB's JSON conversion gives it: DECIMAL, BIGINT and timestamps as strings. */
export type LakeRow = Record<string, Json>;

/** One snapshot of an Iceberg table, oldest first: what time travel can go back to. */
export interface LakeSnapshot {
  readonly sequence_number: string;
  readonly snapshot_id: string;
  /** When it was committed, `YYYY-MM-DD HH:MM:SS.mmm` (UTC). */
  readonly timestamp_ms: string;
  readonly manifest_list: string;
}

/** What a missing table's error tells to do. */
const TABLE_HINT =
  "the lake's tables are written by Spark (apps/spark-jobs/jobs/lake_daily.py --date YYYY-MM-DD; README, Lakehouse); " +
  'one created after openLake() shows after `await lake.refresh()`';

/**
 * The lake opened in an in-process DuckDB: every table of the Iceberg catalog is a view
 * `lake.<namespace>.<table>` over `iceberg_scan` of its metadata file as it was at
 * {@link openLake} (or the last {@link Lake.refresh}). Read it with {@link Lake.query}; the gold
 * tables have typed reads in {@link Lake.gold}. One statement runs at a time; close it with
 * {@link Lake.close} (or `using lake = await openLake(config)`).
 */
export class Lake implements Disposable {
  /** Typed reads of `lake.gold.*`. */
  readonly gold: GoldTables;
  #tables: readonly LakeTable[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly listTables: () => Promise<readonly LakeTable[]>,
  ) {
    this.gold = new GoldTables((sql, params) => this.query(sql, params));
  }

  /** The tables the views were made from, `lake.<namespace>.<table>`, in name order. */
  get tables(): readonly LakeTable[] {
    return this.#tables;
  }

  /**
   * One table by `namespace.table` or `lake.namespace.table`.
   * @throws {LakeTableNotFoundError} naming the tables there are.
   */
  table(name: string): LakeTable {
    const qualified = name.startsWith('lake.') ? name : `lake.${name}`;
    const found = this.#tables.find((t) => t.qualifiedName === qualified);
    if (!found)
      throw new LakeTableNotFoundError(
        qualified,
        this.#tables.map((t) => t.qualifiedName),
        { hint: TABLE_HINT },
      );
    return found;
  }

  /**
   * Runs one SQL statement and returns its rows, typed as `Row` (yours to state: DuckDB's JSON
   * conversion gives DECIMAL, BIGINT, DATE and timestamps as strings, smaller integers and
   * doubles as numbers). `$1`, `$2` … take `params`.
   *
   * @example
   * ```ts
   * const rows = await lake.query<{ status: string; n: string }>(
   *   'SELECT status, count(*) AS n FROM lake.silver.orders WHERE order_date = $1::DATE GROUP BY status',
   *   ['2026-11-01'],
   * );
   * ```
   * @throws {LakeTableNotFoundError} when the statement names a table the lake does not hold.
   * @throws {LakeQueryError} for any other refusal or failure, with DuckDB's message.
   */
  query<Row extends object = LakeRow>(
    sql: string,
    params: readonly LakeParameter[] = [],
  ): Promise<readonly Row[]> {
    return this.#serial(async () => {
      try {
        const reader = await this.connection.runAndReadAll(sql, [...params]);
        return reader.getRowObjectsJson() as unknown as Row[];
      } catch (error) {
        throw this.#explain(error);
      }
    });
  }

  /**
   * The table's snapshots, oldest first: each Spark commit (a day's overwrite, a compaction) is
   * one, until the maintenance DAG expires it.
   */
  snapshots(name: string): Promise<readonly LakeSnapshot[]> {
    const table = this.table(name);
    return this.query<LakeSnapshot>(
      `SELECT sequence_number, snapshot_id, timestamp_ms, manifest_list
         FROM iceberg_snapshots(${sqlLiteral(table.metadataLocation)}) ORDER BY sequence_number`,
    );
  }

  /**
   * A `FROM` item that reads the table as it was at one snapshot (time travel), to put in a
   * query: the id comes from {@link Lake.snapshots}.
   *
   * @example
   * ```ts
   * const [first] = await lake.snapshots('gold.daily_sales');
   * await lake.query(`SELECT count(*) AS days FROM ${lake.tableAt('gold.daily_sales', first.snapshot_id)}`);
   * // … FROM iceberg_scan('s3://lake/warehouse/gold/daily_sales/metadata/….metadata.json', snapshot_from_id => 4051…)
   * ```
   */
  tableAt(name: string, snapshotId: string | bigint): string {
    const id = String(snapshotId);
    if (!/^\d+$/.test(id))
      throw new LakeQueryError(`snapshot id ${JSON.stringify(id)} is not a number`, {
        code: 'LAKE_BAD_SNAPSHOT_ID',
        hint: 'take one from lake.snapshots(table)',
      });
    const table = this.table(name);
    return `iceberg_scan(${sqlLiteral(table.metadataLocation)}, snapshot_from_id => ${id}::UBIGINT)`;
  }

  /**
   * Reads the catalog again and points every view at its table's current metadata file: what
   * Spark committed since, and tables it created, show; dropped ones go.
   */
  refresh(): Promise<readonly LakeTable[]> {
    return this.#serial(async () => {
      const tables = await this.listTables();
      await this.connection.run('DETACH DATABASE IF EXISTS lake');
      await this.connection.run("ATTACH ':memory:' AS lake");
      const schemas = new Set(tables.map((t) => t.namespace));
      for (const schema of schemas)
        await this.connection.run(`CREATE SCHEMA lake.${quoteIdent(schema)}`);
      for (const t of tables)
        await this.connection
          .run(
            `CREATE VIEW lake.${quoteIdent(t.namespace)}.${quoteIdent(t.name)} AS ` +
              `SELECT * FROM iceberg_scan(${sqlLiteral(t.metadataLocation)})`,
          )
          .catch((error: unknown) => {
            throw new LakeQueryError(
              `cannot read ${t.qualifiedName} from ${t.metadataLocation}: ${messageOf(error)}`,
              {
                code: 'LAKE_TABLE_UNREADABLE',
                hint: 'is the object store up (npx nx run platform:status)? The catalog names a metadata file the store does not serve',
                cause: error,
              },
            );
          });
      this.#tables = tables;
      return tables;
    });
  }

  /** Closes DuckDB; the handle is unusable afterwards. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #explain(error: unknown): unknown {
    const message = messageOf(error);
    const missing = /Catalog Error: Table with name "?([^"\s!]+)"? does not exist/.exec(message);
    if (missing) {
      // DuckDB names the table as far as it resolved it: `nope`, `silver.nope`.
      return new LakeTableNotFoundError(
        missing[1]!,
        this.#tables.map((t) => t.qualifiedName),
        { hint: TABLE_HINT, cause: error },
      );
    }
    return new LakeQueryError(message, {
      code: 'LAKE_QUERY_FAILED',
      hint: 'DuckDB SQL: https://duckdb.org/docs/stable/sql/introduction',
      cause: error,
    });
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
