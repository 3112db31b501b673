import { HttpConnectionError, httpRequest, HttpStatusError } from '@datapark/http';
import { SparkError, SparkUnreachableError } from './errors.js';
import { failureExcerpt } from './failure-excerpt.js';
import type { DriverState } from './protocol.js';

export interface MasterOptions {
  /** The master's web UI (its /json/ status and the workers' log pages). */
  readonly uiUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/** The standalone master's web UI: cluster status, and through its workers, driver logs. */
export class Master {
  constructor(readonly options: MasterOptions) {}

  /**
   * The master's JSON status page (workers, cores, memory, apps, drivers).
   *
   * @example
   * ```ts
   * const { status, workers } = await spark.master.status();
   * status; // 'ALIVE'
   * workers.filter((w) => w.state === 'ALIVE').length; // 2
   * ```
   */
  async status(signal?: AbortSignal): Promise<MasterStatus> {
    const url = new URL('/json/', this.options.uiUrl);
    try {
      const { json } = await httpRequest({
        method: 'GET',
        url,
        timeoutMs: this.options.timeoutMs,
        maxRetries: this.options.maxRetries,
        ...(signal ? { signal } : {}),
      });
      return json as MasterStatus;
    } catch (error) {
      if (error instanceof HttpStatusError) {
        throw new SparkError(`the Spark master UI answered HTTP ${error.status}`, error.body, {
          status: error.status,
          request: error.request,
          body: error.body,
        });
      }
      if (error instanceof HttpConnectionError) {
        throw new SparkUnreachableError(
          `the Spark master UI at ${this.options.uiUrl} does not answer: ${error.message}`,
          undefined,
          { request: error.request, code: error.code, cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Why a driver failed, from the end of its stdout and stderr as the web UI of the worker
   * that ran it serves them: the Python traceback when there is one, else the last lines.
   * Undefined when the master no longer knows the driver's worker. For the whole output of a
   * run that succeeded, {@link driverOutput}.
   */
  async driverLog(submissionId: string, bytes = 64_000): Promise<string | undefined> {
    const output = await this.driverOutput(submissionId, bytes);
    return output && failureExcerpt(`${output.stderr}\n${output.stdout}`);
  }

  /**
   * A driver's whole output, whatever its end: `stdout` (what a PySpark script prints, the
   * Python process's stderr merged in) and `stderr` (Spark's own log), the last `bytes` of each,
   * as the web UI of the worker that ran it serves them. Undefined when the master no longer
   * knows the driver's worker (a restart forgets it; the worker's work dir still has the files).
   *
   * @example
   * ```ts
   * const done = await spark.submitAndWait(spark.pythonRequest({ file, name: 'my-job' }));
   * console.log((await spark.master.driverOutput(done.submissionId))?.stdout);
   * ```
   */
  async driverOutput(
    submissionId: string,
    bytes = 64_000,
  ): Promise<{ readonly stdout: string; readonly stderr: string } | undefined> {
    const master = await this.status();
    const drivers = [...master.activedrivers, ...master.completeddrivers];
    const driver = drivers.find((d) => d.id === submissionId);
    const worker = master.workers.find((w) => w.id === driver?.worker);
    if (!worker) return undefined;
    // PySpark merges the Python process's stderr into the driver's stdout; Spark logs to stderr.
    const read = async (logType: 'stdout' | 'stderr') => {
      const url = `${worker.webuiaddress}/log?driverId=${encodeURIComponent(submissionId)}&logType=${logType}&byteLength=${bytes}`;
      const response = await httpRequest({
        method: 'GET',
        url,
        timeoutMs: this.options.timeoutMs,
        maxRetries: this.options.maxRetries,
      }).catch((error: unknown) => {
        if (error instanceof HttpStatusError) return undefined;
        throw error;
      });
      return response?.status === 200 ? response.text : '';
    };
    const [stdout, stderr] = await Promise.all([read('stdout'), read('stderr')]);
    return { stdout, stderr };
  }
}

/** The master's /json/ page. */
export interface MasterStatus {
  readonly url: string;
  readonly status: 'ALIVE' | 'STANDBY' | 'RECOVERING' | 'COMPLETING_RECOVERY' | string;
  readonly cores: number;
  readonly coresused: number;
  readonly memory: number;
  readonly memoryused: number;
  readonly workers: readonly {
    readonly id: string;
    readonly host: string;
    readonly port: number;
    readonly webuiaddress: string;
    readonly cores: number;
    readonly coresused: number;
    /** Spark 3.4+; `cores - coresused` before. */
    readonly coresfree?: number;
    readonly memory: number;
    readonly memoryused: number;
    readonly memoryfree?: number;
    readonly state: string;
  }[];
  readonly activeapps: readonly SparkAppSummary[];
  readonly completedapps: readonly SparkAppSummary[];
  readonly activedrivers: readonly SparkDriverSummary[];
  readonly completeddrivers: readonly SparkDriverSummary[];
}

export interface SparkAppSummary {
  readonly id: string;
  readonly name: string;
  readonly cores: number;
  readonly state: string;
  readonly starttime: number;
  readonly duration: number;
}

export interface SparkDriverSummary {
  readonly id: string;
  readonly state: DriverState;
  /** What the driver asked for (spark.driver.cores, spark.driver.memory in MiB). */
  readonly cores?: number;
  readonly memory?: number;
  readonly worker?: string;
  readonly mainclass?: string;
  readonly starttime?: string;
}
