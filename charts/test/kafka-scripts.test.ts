import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { platformConfig } from './fixtures/platform.js';
import { ROOT, renderProfile } from './fixtures/render.js';

// The chart's Kafka scripts, run for real: the topics Job's script against the local platform's
// three-node Kafka (through Kafka's own tools from the same 4.3.1 jars the image carries), and a
// node's start script up to the point where it hands over to Kafka.
const config = platformConfig();
const JARS = join(ROOT, '.tools', 'jars', 'kafka');
const bootstrap = config.kafka.bootstrapServers.join(',');

async function kafkaConfigMaps() {
  const { manifests } = await renderProfile('default');
  const data = (name: string) =>
    manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name)!.data!;
  return {
    topics: data('dp-kafka-topics'),
    contracts: data('dp-kafka-contracts'),
    node: data('dp-kafka'),
  };
}

/** A bin/ folder standing in for /opt/kafka/bin: the same tool classes, from Maven's jars. */
function kafkaBin(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const tool = (name: string, main: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\nexec java -Xmx256m -cp "${JARS}/*" ${main} "$@"\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('kafka-topics.sh', 'org.apache.kafka.tools.TopicCommand');
  tool('kafka-configs.sh', 'kafka.admin.ConfigCommand');
  return bin;
}

describe('the Kafka topics Job script, against the real Kafka cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'datapark-charts-kafka-'));
  const bin = kafkaBin(dir);
  const topic = `charts-test-${randomUUID().slice(0, 8)}`;
  const dlq = `${topic}.dlq`;

  async function runTopicsScript(topicsTxt: string): Promise<string> {
    const { topics, contracts } = await kafkaConfigMaps();
    writeFileSync(join(dir, 'topics.txt'), topicsTxt);
    writeFileSync(join(dir, 'contracts.txt'), contracts['contracts.txt']!);
    const script = topics['topics.sh']!.replace('kafka=/opt/kafka/bin', `kafka=${bin}`)
      .replace(/^bootstrap=.*$/m, `bootstrap="${bootstrap}"`)
      .replace('/opt/datapark/topics.txt', join(dir, 'topics.txt'))
      .replaceAll('/opt/datapark-contracts/contracts.txt', join(dir, 'contracts.txt'));
    expect(script).toContain(`kafka=${bin}`);
    const result = await execa('sh', ['-c', script], {
      reject: false,
      all: true,
      timeout: 100_000,
    });
    if (result.exitCode !== 0)
      throw new Error(
        `topics.sh failed (is Kafka up? node apps/datapark-cli/dist/cli.js up --only kafka):\n${result.all}`,
      );
    return result.all;
  }

  async function describe(name: string) {
    const out = await execa(join(bin, 'kafka-topics.sh'), [
      '--bootstrap-server',
      bootstrap,
      '--describe',
      '--topic',
      name,
    ]);
    const summary = out.stdout.split('\n').find((l) => l.startsWith(`Topic: ${name}\t`))!;
    return {
      partitions: Number(/PartitionCount: (\d+)/.exec(summary)![1]),
      replication: Number(/ReplicationFactor: (\d+)/.exec(summary)![1]),
      configs: /Configs: (.*)$/.exec(summary)![1]!,
    };
  }

  beforeAll(async () => {
    // The script waits for the brokers without end (as a Job should): check them once here, so
    // a missing jar or a stopped Kafka fails fast and says which.
    if (!existsSync(JARS)) throw new Error(`${JARS} is missing: bash tools/ci/maven.sh`);
    const probe = await execa(
      join(bin, 'kafka-topics.sh'),
      ['--bootstrap-server', bootstrap, '--list'],
      {
        reject: false,
        all: true,
        timeout: 60_000,
      },
    );
    if (probe.exitCode !== 0)
      throw new Error(
        `Kafka at ${bootstrap} does not answer (node apps/datapark-cli/dist/cli.js up --only kafka):\n${probe.all}`,
      );
  });

  afterAll(async () => {
    await execa(
      join(bin, 'kafka-topics.sh'),
      ['--bootstrap-server', bootstrap, '--delete', '--topic', `${topic}.*`],
      { reject: false },
    );
  });

  it('creates missing topics with the partitions, replication and configs of its list', async () => {
    const out = await runTopicsScript(
      `${topic} 2 3 cleanup.policy=delete,min.insync.replicas=2,retention.ms=3600000\n${dlq} 1 3 retention.ms=7200000\n`,
    );
    expect(out).toContain(`topic ${topic}: creating (2 partitions, replication 3)`);
    // It logs the contract catalog the chart ships beside the topics.
    expect(out).toContain(
      'contract clickstream-page_view on clickstream: v1,v2 (BACKWARD_TRANSITIVE)',
    );
    const subjects = readdirSync(join(ROOT, 'packages', 'events', 'contracts')).length;
    expect(out).toContain(`contract catalog: ${subjects} subjects`);
    expect(await describe(topic)).toEqual({
      partitions: 2,
      replication: 3,
      configs: expect.stringMatching(/(?=.*min\.insync\.replicas=2)(?=.*retention\.ms=3600000)/),
    });
    expect((await describe(dlq)).partitions).toBe(1);
  });

  it('on a second run raises partitions and updates configs, and creates nothing twice', async () => {
    const out = await runTopicsScript(
      `${topic} 3 3 cleanup.policy=delete,min.insync.replicas=2,retention.ms=1800000\n${dlq} 1 3 retention.ms=7200000\n`,
    );
    expect(out).toContain(`topic ${topic}: 2 partitions, raising to 3`);
    expect(out).not.toContain('creating');
    const described = await describe(topic);
    expect(described.partitions).toBe(3);
    expect(described.configs).toContain('retention.ms=1800000');
  });
});

describe("a Kafka node's start script", () => {
  // Runs the script as node 2 would, with Kafka's own StorageTool (same 4.3.1 jars) formatting
  // the log directory: Kafka parses the whole server.properties and the chart's cluster id.
  async function startNode(edit: (script: string) => string = (s) => s) {
    const { manifests } = await renderProfile('default');
    const data = (name: string) =>
      manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name)!.data!;
    const secret = manifests.find((m) => m.kind === 'Secret' && m.metadata.name === 'dp-kafka')!;
    const clusterId = Buffer.from(secret.data!['cluster-id']!, 'base64').toString();
    const dir = mkdtempSync(join(tmpdir(), 'datapark-charts-node-'));
    const bin = kafkaBin(dir);
    writeFileSync(
      join(bin, 'kafka-storage.sh'),
      `#!/bin/sh\nexec java -Xmx256m -cp "${JARS}/*" kafka.tools.StorageTool "$@"\n`,
    );
    chmodSync(join(bin, 'kafka-storage.sh'), 0o755);
    const script = edit(
      data('dp-kafka')
        ['start.sh']!.replaceAll('/tmp/server.properties', join(dir, 'server.properties'))
        .replace('log.dirs=/var/lib/kafka/data/logs', `log.dirs=${join(dir, 'logs')}`)
        .replace('/opt/kafka/bin/kafka-storage.sh', join(bin, 'kafka-storage.sh'))
        // Stop where the script hands over to the broker.
        .replace(/^exec \/opt\/kafka\/bin\/kafka-server-start\.sh.*$/m, 'exit 0'),
    );
    const result = await execa('sh', ['-c', script], {
      env: { HOSTNAME: 'dp-kafka-2', KAFKA_CLUSTER_ID: clusterId },
      reject: false,
      all: true,
      timeout: 60_000,
    });
    const read = (file: string) =>
      Object.fromEntries(
        readFileSync(join(dir, file), 'utf8')
          .split('\n')
          .filter((l) => l.includes('=') && !l.startsWith('#'))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    return { result, clusterId, read };
  }

  it("writes node i's server.properties (id, quorum, port-forward listener at base + i) and Kafka formats with it", async () => {
    const { result, clusterId, read } = await startNode();
    expect(result.all).toContain('Formatting metadata directory');
    expect(result.exitCode).toBe(0);
    const properties = read('server.properties');
    expect(properties['node.id']).toBe('2');
    expect(properties['process.roles']).toBe('broker,controller');
    expect(properties['advertised.listeners']).toBe(
      'PLAINTEXT://dp-kafka-2.dp-kafka-headless.datapark.svc.cluster.local:9092,LOCAL://127.0.0.1:19094',
    );
    expect(properties['controller.quorum.voters']!.split(',')).toHaveLength(3);
    expect(properties['min.insync.replicas']).toBe('2');
    // The chart's generated cluster id is one Kafka accepts, and the volume now carries it.
    expect(read(join('logs', 'meta.properties'))).toMatchObject({
      'node.id': '2',
      'cluster.id': clusterId,
    });
  });

  it('is refused by Kafka when a listener is advertised that is not listened on (so the pass above means something)', async () => {
    const { result } = await startNode((s) =>
      s.replace('LOCAL://127.0.0.1:', 'BOGUS://127.0.0.1:'),
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('No security protocol defined for listener BOGUS');
  });
});
