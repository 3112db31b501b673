import type { RequestOptions } from '../core/http-client.js';
import type { StructuredLogMessage, TaskLog } from '../types.js';
import { Resource, seg } from './resource.js';

export interface TaskLogAddress {
  readonly dagId: string;
  readonly dagRunId: string;
  readonly taskId: string;
  /** The attempt (1 for the first); a task instance's `try_number` is its latest. */
  readonly tryNumber: number;
  /** For a mapped task, which map index; -1 (the default) for an unmapped one. */
  readonly mapIndex?: number;
}

/** Task logs: `/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try}`. */
export class Logs extends Resource {
  /** The whole log of one attempt, as Airflow returns it (structured messages, in Airflow 3). */
  get(address: TaskLogAddress, options?: RequestOptions): Promise<TaskLog> {
    const { dagId, dagRunId, taskId, tryNumber, mapIndex } = address;
    return this.http.request({
      method: 'GET',
      path: `/api/v2/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}/taskInstances/${seg(taskId)}/logs/${seg(tryNumber)}`,
      query: { full_content: true, map_index: mapIndex },
      ...options,
    });
  }

  /**
   * The log of one attempt as text, one line per message, exceptions rendered as Python prints
   * them (so a `ValueError: …` is in the text, as in the UI).
   *
   * @example
   * ```ts
   * const text = await client.logs.text({ dagId, dagRunId, taskId: 'load', tryNumber: 1 });
   * ```
   */
  async text(address: TaskLogAddress, options?: RequestOptions): Promise<string> {
    return renderLog(await this.get(address, options));
  }
}

/** Renders Airflow's log response as text: `[time] LEVEL - message`, then any traceback. */
export function renderLog(log: TaskLog): string {
  return log.content
    .map((entry) => (typeof entry === 'string' ? entry : renderMessage(entry)))
    .join('\n');
}

interface ErrorDetail {
  readonly exc_type?: string;
  readonly exc_value?: string;
  readonly frames?: readonly { filename?: string; lineno?: number; name?: string }[];
}

function renderMessage(message: StructuredLogMessage): string {
  const fields = message as StructuredLogMessage & {
    readonly level?: string;
    readonly error_detail?: readonly ErrorDetail[];
  };
  const head = [
    fields.timestamp ? `[${fields.timestamp}]` : undefined,
    fields.level ? fields.level.toUpperCase() : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [head ? `${head} - ${fields.event}` : fields.event];
  for (const error of fields.error_detail ?? []) {
    lines.push('Traceback (most recent call last):');
    for (const frame of error.frames ?? []) {
      lines.push(`  File "${frame.filename}", line ${frame.lineno}, in ${frame.name}`);
    }
    lines.push(`${error.exc_type}: ${error.exc_value}`);
  }
  return lines.join('\n');
}
