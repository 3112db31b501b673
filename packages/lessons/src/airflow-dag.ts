import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AirflowClient, Dag, ImportError } from '@datapark/airflow-client';
import { NotFoundError } from '@datapark/airflow-client';
import type { DagBundle } from './lesson-context.js';

/** What Airflow made of a DAG file since it last changed. */
export type DagParse =
  | { readonly kind: 'dag'; readonly dag: Dag }
  | { readonly kind: 'import-error'; readonly error: ImportError }
  /** Parsed without error, but the DAGs from this file have other ids. */
  | { readonly kind: 'other-dags'; readonly dagIds: readonly string[] }
  /** Nothing from this file since it changed: it defines no DAG, or the dag-processor is down. */
  | { readonly kind: 'not-parsed' };

/**
 * Waits (up to `waitMs`) for Airflow's dag-processor to parse `file` as it is now, and says
 * what came of it: the DAG `dagId`, an import error, or other DAGs. A DAG counts once the source
 * Airflow keeps for it is the file's text (a parse time is no proof: the processor re-parses
 * every 10 s, and keeps a DAG whose file stopped importing). The local platform picks a change
 * up within about 10 s; a file that defines no DAG at all leaves no trace but the wait.
 */
export async function waitForParse(
  airflow: AirflowClient,
  bundle: DagBundle,
  file: string,
  dagId: string,
  waitMs = 45_000,
): Promise<DagParse> {
  const changed = statSync(file).mtimeMs;
  const text = readFileSync(file, 'utf8');
  const relative = join(bundle.subdir, basename(file));
  const deadline = Date.now() + waitMs;
  /** The DAG, if Airflow has it from this file as it is now. */
  const parsedNow = async (id: string): Promise<Dag | undefined> => {
    try {
      const dag = await airflow.dags.get(id);
      if (dag.bundle_name !== bundle.name || dag.relative_fileloc !== relative) return undefined;
      return (await airflow.dags.source(id)).content === text ? dag : undefined;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  };
  for (;;) {
    const dag = await parsedNow(dagId);
    if (dag) return { kind: 'dag', dag };
    const [error] = await airflow.importErrors
      .list({ bundle_name: bundle.name, filename: relative })
      .toArray();
    if (error && Date.parse(error.timestamp) >= changed) return { kind: 'import-error', error };
    const others: string[] = [];
    for (const d of await airflow.dags
      .list({ bundle_name: bundle.name, exclude_stale: true })
      .toArray())
      if (d.relative_fileloc === relative && (await parsedNow(d.dag_id))) {
        // Parsed since the first look: the DAG after all.
        if (d.dag_id === dagId) return { kind: 'dag', dag: d };
        others.push(d.dag_id);
      }
    if (others.length > 0) return { kind: 'other-dags', dagIds: others };
    if (Date.now() > deadline)
      return error ? { kind: 'import-error', error } : { kind: 'not-parsed' };
    await sleep(2000);
  }
}

/**
 * A Python traceback's last line: the exception and its message (`ImportError: cannot import
 * name 'tasks' from 'airflow.sdk'`), and where in `file` it was raised when the trace passes
 * through it (`line 2: from airflow.sdk import dag, tasks`).
 */
export function tracebackSummary(
  stackTrace: string,
  file: string,
): { readonly exception: string; readonly where?: string } {
  const lines = stackTrace.trimEnd().split('\n');
  const exception = lines.at(-1)?.trim() ?? '';
  const name = basename(file);
  let where: string | undefined;
  lines.forEach((line, i) => {
    const at = /^\s*File "([^"]+)", line (\d+)/.exec(line);
    if (at && basename(at[1]!) === name)
      where = `line ${at[2]}: ${lines[i + 1]?.trim() ?? ''}`.trim();
  });
  return where ? { exception, where } : { exception };
}

/**
 * The exception at the end of a failed task's log (Airflow's rendered log has the traceback
 * and then more lines): the last line that looks like `SomeError: …`, else the last line.
 */
export function exceptionOfLog(log: string): string {
  const lines = log
    .trimEnd()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const exception = lines.findLast((l) => /^([\w.]+\.)?\w*(Error|Exception|Exit)\b:?/.test(l));
  return (exception ?? lines.at(-1) ?? '').slice(0, 400);
}
