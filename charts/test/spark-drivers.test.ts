import { DRIVER_MEMORY, SparkRestClient } from '@datapark/spark-client';
import { podsOf } from './fixtures/pods.js';
import type { Container } from './fixtures/pods.js';
import { PROFILES, renderProfile } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// A PySpark job submitted over REST (the DAGs, Jupyter's helpers) runs SparkSubmit on a worker
// pod in client mode: its driver lives there and its executors on the workers. Three things the
// chart must give such a driver, each of which we first saw missing when the chart ran on a
// one-node cluster (issue 23): the master's URL (else local[*] inside the worker), an address its
// executors can reach (a pod's hostname has no DNS record), and room for it and one executor.

const conf = (manifests: readonly Manifest[]): Map<string, string> => {
  const text = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'dp-spark')!
    .data!['spark-defaults.conf']!;
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([^#\s]\S*)\s+(.*?)\s*$/.exec(line);
    if (match) entries.set(match[1]!, match[2]!); // Java's Properties.load: the last one wins
  }
  return entries;
};

/** Spark's memory strings (512m, 1g) in MiB. */
const mib = (value: string): number => {
  const match = /^(\d+)([kmgt]?)b?$/i.exec(value.trim());
  if (!match) throw new Error(`not a Spark memory size: ${value}`);
  const factor = { '': 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };
  return Number(match[1]) * factor[match[2]!.toLowerCase() as keyof typeof factor];
};

/** The value of `--flag` in the worker's command. */
const flag = (worker: Container, name: string): string => {
  const command = worker.command ?? [];
  const at = command.indexOf(name);
  if (at < 0) throw new Error(`the worker's command has no ${name}`);
  return command[at + 1]!;
};

describe.each(PROFILES)('drivers a Spark worker starts (%s profile)', (profile) => {
  let manifests: Manifest[] = [];
  let worker: Container;
  beforeAll(async () => {
    manifests = (await renderProfile(profile)).manifests;
    const pod = podsOf(manifests).find((p) => p.owner === 'Deployment/dp-spark-worker');
    if (!pod) throw new Error('no Spark worker was rendered');
    worker = pod.spec.containers.find((c) => c.name === 'worker')!;
  });

  it("name the master's Service in spark-defaults.conf, the file SparkSubmit reads on the worker", () => {
    expect(conf(manifests).get('spark.master')).toBe('spark://dp-spark-master:7077');
    const service = manifests.find(
      (m) => m.kind === 'Service' && m.metadata.name === 'dp-spark-master',
    );
    const ports = (service?.spec?.ports ?? []) as { name: string; port: number }[];
    expect(ports.find((p) => p.name === 'rpc')?.port).toBe(7077);
  });

  it("advertise the worker pod's IP, set after POD_IP so Kubernetes expands it", () => {
    const env = worker.env ?? [];
    const names = env.map((e) => e.name);
    expect(env.find((e) => e.name === 'SPARK_LOCAL_HOSTNAME')?.value).toBe('$(POD_IP)');
    expect(names.indexOf('POD_IP')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('POD_IP')).toBeLessThan(names.indexOf('SPARK_LOCAL_HOSTNAME'));
  });

  it('fit, with one executor, in what one worker offers', () => {
    const settings = conf(manifests);
    // A REST driver's heap is the request's spark.driver.memory (else 1024 MiB), never
    // spark-defaults.conf's: the clients send DRIVER_MEMORY, the chart's default for the others.
    const request = new SparkRestClient({
      restUrl: 'http://dp-spark-master:6066',
      masterUrl: 'spark://dp-spark-master:7077',
      uiUrl: 'http://dp-spark-master:8080',
    }).pythonRequest({ file: '/opt/datapark/apps/spark-jobs/jobs/daily_batch.py', name: 'daily' });
    expect(request.sparkProperties['spark.driver.memory']).toBe(DRIVER_MEMORY);
    expect(settings.get('spark.driver.memory')).toBe(DRIVER_MEMORY);
    const driver = mib(request.sparkProperties['spark.driver.memory']!);
    const executor = mib(settings.get('spark.executor.memory')!);
    expect(driver + executor).toBeLessThanOrEqual(mib(flag(worker, '--memory')));
    // A client-mode driver over REST takes one core (spark.driver.cores' default), the executor its own.
    const executorCores = Number(settings.get('spark.executor.cores'));
    expect(1 + executorCores).toBeLessThanOrEqual(Number(flag(worker, '--cores')));
    expect(Number(settings.get('spark.cores.max'))).toBeGreaterThanOrEqual(executorCores);
  });
});
