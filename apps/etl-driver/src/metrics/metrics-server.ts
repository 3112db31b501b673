import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  /** `http://127.0.0.1:PORT/metrics`. */
  readonly url: string;
  /** The file_sd file that makes Prometheus scrape this process, until close. */
  readonly targetFile: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** Prometheus' job, and the prefix of the target file: `ingest` → `ingest-<pid>-<port>.json`. */
  readonly job: string;
  /** Labels every scraped series gets (besides `job` and `instance`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Where Prometheus discovers targets (scrapeTargetsDir of @datapark/config). */
  readonly targetsDir: string;
  /** 0: any free port. */
  readonly port?: number;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes the target files of processes of `job` that are gone (killed before they could). */
function removeStaleTargets(dir: string, job: string): void {
  for (const name of readdirSync(dir)) {
    const match = new RegExp(`^${job}-(\\d+)-\\d+\\.json$`).exec(name);
    if (match && !alive(Number(match[1]))) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Serves `registry` at `/metrics` on 127.0.0.1 and announces it to Prometheus by a file_sd
 * target file (`<targetsDir>/<job>-<pid>-<port>.json`, written atomically, removed on close), so a
 * process that comes and goes is scraped while it runs without touching prometheus.yml.
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics\n');
      return;
    }
    options.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
      (error: Error) => response.writeHead(500).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  mkdirSync(options.targetsDir, { recursive: true });
  removeStaleTargets(options.targetsDir, options.job);
  const targetFile = join(options.targetsDir, `${options.job}-${process.pid}-${port}.json`);
  const temporary = `${targetFile}.tmp`;
  writeFileSync(
    temporary,
    JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: options.labels }], null, 2) + '\n',
  );
  renameSync(temporary, targetFile);
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    targetFile,
    async close() {
      rmSync(targetFile, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
