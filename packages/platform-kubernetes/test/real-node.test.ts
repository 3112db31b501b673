import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
  type KubernetesObject,
  type V1Pod,
  type V1PodSpec,
} from '@kubernetes/client-node';
import { realHelm, recordingReporter, testCluster } from './cluster-fixture.js';
import { KUBE_VERSION, kubeBinDir } from './real-control-plane.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'tools', 'ci', 'kube-node.sh');
const IMAGES = join(ROOT, 'tools', 'ci', 'images.sh');
const CHART = join(ROOT, 'charts', 'datapark');
/** The image tools/ci/kube-node.sh builds from Debian's busybox-static and imports into containerd. */
const BUSYBOX = 'datapark.local/busybox:1.35.0';
/** The image tools/ci/images.sh builds with mmdebstrap (tools/images/postgresql). */
const POSTGRESQL = 'datapark.local/postgresql:15-bookworm';
/** The image tools/ci/images.sh builds with mmdebstrap (tools/images/redis). */
const REDIS = 'datapark.local/redis:7.0-bookworm';

async function until<T>(what: string, timeoutMs: number, get: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await get();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} not within ${timeoutMs / 1000} s${last ? `: ${String(last)}` : ''}`);
}

/**
 * A real kubelet on this machine (tools/ci/kube-node.sh: containerd, runc, CNI bridge, CoreDNS,
 * local volumes, in namespaces of its own): the node becomes Ready, pods from images no registry
 * served run, Services resolve by name, and the chart's PostgreSQL runs from the image
 * tools/ci/images.sh builds.
 */
describe(`a one-node cluster with a real kubelet (Kubernetes ${KUBE_VERSION}, containerd)`, () => {
  const state = mkdtempSync(join(tmpdir(), 'datapark-kube-node-'));
  const env = { ...process.env, DATAPARK_KUBE_NODE_DIR: state };
  let started = false;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let objects: KubernetesObjectApi;

  /** Runs a pod to completion and returns its log (read through the apiserver, as `kubectl logs`). */
  async function runPod(
    namespace: string,
    name: string,
    spec: V1PodSpec,
    labels: Record<string, string> = {},
    timeoutMs = 90_000,
  ) {
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name, labels }, spec: { restartPolicy: 'Never', ...spec } },
    });
    const pod = await until(`pod ${name} to complete`, timeoutMs, async () => {
      const p: V1Pod = await core.readNamespacedPod({ name, namespace });
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    });
    const log = await core.readNamespacedPodLog({ name, namespace });
    return { pod, log };
  }

  beforeAll(async () => {
    const bin = kubeBinDir();
    for (const binary of ['kubelet', 'kube-scheduler', 'kube-proxy', 'coredns']) {
      if (!existsSync(join(bin, binary))) {
        throw new Error(
          `${binary} is not in ${bin}: run \`bash tools/ci/kube-node.sh build\` (builds kubelet, kube-scheduler, kube-proxy ${KUBE_VERSION} and CoreDNS from the Go module proxy)`,
        );
      }
    }
    started = true;
    await run('bash', [SCRIPT, 'start'], { env, timeout: 300_000 });
    const config = new KubeConfig();
    config.loadFromFile(join(state, 'admin.kubeconfig'));
    core = config.makeApiClient(CoreV1Api);
    apps = config.makeApiClient(AppsV1Api);
    objects = KubernetesObjectApi.makeApiClient(config);
    // Pods are admitted once the serviceaccount controller made `default` its account.
    await until('the default service account', 60_000, async () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }),
    );
  }, 380_000);

  afterAll(async () => {
    // Stop even after a failed start: it removes the namespace, the cgroups and the state.
    if (started) await run('bash', [SCRIPT, 'stop'], { env, timeout: 60_000 });
    rmSync(state, { recursive: true, force: true });
  }, 70_000);

  it('runs a pod with imagePullPolicy Never on the Ready node and reads its log through the apiserver', async () => {
    const node = await core.readNode({ name: 'datapark-node' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status?.nodeInfo).toMatchObject({
      kubeletVersion: KUBE_VERSION,
      containerRuntimeVersion: expect.stringMatching(/^containerd:\/\/1\./),
    });

    const marker = `datapark-${Date.now()}`;
    const { pod, log } = await runPod('default', 'hello', {
      containers: [
        {
          name: 'hello',
          image: BUSYBOX,
          imagePullPolicy: 'Never',
          command: ['/bin/sh', '-c', `echo "${marker} from $(hostname)"`],
        },
      ],
    });
    expect(pod.status?.phase).toBe('Succeeded');
    // The CNI bridge gave it an address from the node's pod range.
    expect(pod.status?.podIP).toMatch(/^10\.214\.0\.\d+$/);
    expect(log).toBe(`${marker} from hello\n`);
  });

  it('resolves Services by name through CoreDNS (kube-dns in kube-system, as charts expect)', async () => {
    const dns = await core.readNamespacedService({ name: 'kube-dns', namespace: 'kube-system' });
    expect(dns.spec?.clusterIP).toBe('10.215.0.10');
    const { pod, log } = await runPod('default', 'lookup', {
      containers: [
        {
          name: 'lookup',
          image: BUSYBOX,
          imagePullPolicy: 'Never',
          // busybox's nslookup ignores the search path: the full name (the PostgreSQL test
          // below resolves a short name through it, with glibc's resolver).
          command: [
            '/bin/sh',
            '-c',
            'cat /etc/resolv.conf; nslookup kubernetes.default.svc.cluster.local',
          ],
        },
      ],
    });
    expect({ phase: pod.status?.phase, log }).toEqual({
      phase: 'Succeeded',
      log: expect.stringMatching(
        /nameserver 10\.215\.0\.10\n[\s\S]*Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address:\s+10\.215\.0\.1\n/,
      ),
    });
  });

  /** Imports an image tools/ci/images.sh built into the node's containerd. */
  async function importImage(name: string) {
    let image: string;
    try {
      image = (await run('bash', [IMAGES, 'path', name])).stdout.trim();
    } catch (error) {
      throw new Error(
        `the ${name} image is not built: ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`,
      );
    }
    await run(
      'ctr',
      [
        '--address',
        join(state, 'run', 'containerd.sock'),
        '-n',
        'k8s.io',
        'images',
        'import',
        image,
      ],
      { timeout: 180_000 },
    );
  }

  function helmEnv() {
    const helmHome = join(state, 'helm');
    for (const sub of ['cache', 'config', 'data'])
      mkdirSync(join(helmHome, sub), { recursive: true });
    return {
      ...process.env,
      KUBECONFIG: join(state, 'admin.kubeconfig'),
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
    };
  }

  it("installs charts/datapark's PostgreSQL with helm from the locally built image: Ready, its init Job done, a client pod queries it with the generated password", async () => {
    await importImage('postgresql');
    const env = helmEnv();
    // helm waits for the post-install hook, the init Job (roles, databases, migrations), which
    // reaches the server by its Service name: through CoreDNS and kube-proxy.
    await run(
      realHelm(),
      [
        'install',
        'dp',
        CHART,
        '--namespace',
        'datapark',
        '--create-namespace',
        '-f',
        join(CHART, 'ci', 'local-images-values.yaml'),
        ...['kafka', 'spark', 'airflow', 'jupyter', 'superset', 'objectstore'].flatMap((c) => [
          '--set',
          `${c}.enabled=false`,
        ]),
        '--timeout',
        '5m',
      ],
      { env, timeout: 330_000 },
    );

    // What `charts:status` reports (KubernetesPlatform, as the CLI runs it).
    const platform = testCluster(join(state, 'platform'), join(state, 'admin.kubeconfig')).platform(
      { chart: CHART, reporter: recordingReporter() },
    );
    const status = await platform.status();
    expect(status).toMatchObject({ helmStatus: 'deployed', revision: 1 });
    expect(status.components.map((c) => [c.component, c.ready, c.desired, c.done])).toEqual([
      ['postgresql', 1, 1, true],
    ]);
    const sts = await apps.readNamespacedStatefulSet({
      name: 'dp-postgresql',
      namespace: 'datapark',
    });
    expect(sts.status?.readyReplicas).toBe(1);
    const [container] = sts.spec!.template.spec!.containers;
    expect(container).toMatchObject({ image: POSTGRESQL, imagePullPolicy: 'Never' });
    // Its claim is bound to one of the node's local volumes.
    const claim = await core.readNamespacedPersistentVolumeClaim({
      name: 'data-dp-postgresql-0',
      namespace: 'datapark',
    });
    expect(claim.status?.phase).toBe('Bound');
    expect(claim.spec?.volumeName).toMatch(/^local-pv-\d+$/);

    // A client pod (the same image, for psql) with the analyst's generated password, by the
    // Service's name: the init Job made the role, the database and the migrated schemas. It
    // carries the label the chart's NetworkPolicy lets in (datapark.io/client). kube-router adds
    // a new pod's address to the policy's ipset a moment after the pod starts (measured: under a
    // second; the first attempt is refused), so the client waits for the server, as any client
    // of a policed service must.
    const { pod, log } = await runPod(
      'datapark',
      'psql',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'psql',
            image: POSTGRESQL,
            imagePullPolicy: 'Never',
            command: [
              'sh',
              '-c',
              'for i in $(seq 30); do pg_isready -q -h dp-postgresql && break; sleep 1; done; exec "$@"',
              'psql',
              'psql',
              '-X',
              '-A',
              '-t',
              '-v',
              'ON_ERROR_STOP=1',
              '-h',
              'dp-postgresql',
              '-U',
              'analyst',
              '-d',
              'datapark',
              '-c',
              // A table of the migrations, readable by the analyst through the init Job's grants.
              'select current_user, count(*) from raw.order_events',
            ],
            env: [
              {
                name: 'PGPASSWORD',
                valueFrom: { secretKeyRef: { name: 'dp-postgresql', key: 'analyst-password' } },
              },
            ],
          },
        ],
      },
      { 'datapark.io/client': 'true' },
    );
    expect({ phase: pod.status?.phase, log }).toEqual({
      phase: 'Succeeded',
      log: 'analyst|0\n',
    });

    // The same from a pod without that label: kube-router enforces the chart's policy, and the
    // connection is refused (pg_isready: exit 2, "no response"), after 5 s as well (so not
    // the race above). That pod reaches CoreDNS's readiness port: no policy selects it.
    const dnsPod = (
      await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })
    ).items[0]!.status!.podIP!;
    const coredns8181 = `timeout 5 bash -c 'echo > /dev/tcp/${dnsPod}/8181' 2>/dev/null && echo "coredns:8181 open" || echo "coredns:8181 closed"`;
    const denied = await runPod('datapark', 'unlabelled', {
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'probe',
          image: POSTGRESQL,
          imagePullPolicy: 'Never',
          command: [
            'bash',
            '-c',
            `sleep 5; pg_isready -h dp-postgresql -p 5432 -t 5; echo "exit $?"; ${coredns8181}`,
          ],
        },
      ],
    });
    expect(denied.log).toBe('dp-postgresql:5432 - no response\nexit 2\ncoredns:8181 open\n');
    // …and the labelled client is let in at once once the policy knows it (the same probe).
    const allowed = await runPod(
      'datapark',
      'labelled',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'probe',
            image: POSTGRESQL,
            imagePullPolicy: 'Never',
            command: [
              'sh',
              '-c',
              'sleep 5; pg_isready -h dp-postgresql -p 5432 -t 5; echo "exit $?"',
            ],
          },
        ],
      },
      { 'datapark.io/client': 'true' },
    );
    expect(allowed.log).toBe('dp-postgresql:5432 - accepting connections\nexit 0\n');
    // A pod of the release (labelled as PostgreSQL's init Job) is under the chart's default deny
    // and egress policies: it resolves names (DNS pods, port 53) and reaches PostgreSQL (a pod of
    // the release), but not CoreDNS's readiness port (a pod outside the release, not port 53).
    const release = await runPod(
      'datapark',
      'release-pod',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'probe',
            image: POSTGRESQL,
            imagePullPolicy: 'Never',
            command: [
              'bash',
              '-c',
              `sleep 5; getent hosts dp-postgresql >/dev/null && echo "dns ok"; pg_isready -h dp-postgresql -p 5432 -t 5; ${coredns8181}`,
            ],
          },
        ],
      },
      {
        'app.kubernetes.io/part-of': 'datapark',
        'app.kubernetes.io/instance': 'dp',
        'app.kubernetes.io/name': 'postgresql',
        'app.kubernetes.io/component': 'init',
      },
    );
    expect(release.log).toBe(
      'dns ok\ndp-postgresql:5432 - accepting connections\ncoredns:8181 closed\n',
    );
    // `charts:uninstall -- --purge`: the release, its claim and its generated Secret go.
    expect(await platform.uninstall({ purge: true })).toEqual({ removed: true, keptClaims: [] });
    await until('the release to be gone', 60_000, async () => {
      const [claims, sets, secrets] = await Promise.all([
        core.listNamespacedPersistentVolumeClaim({ namespace: 'datapark' }),
        apps.listNamespacedStatefulSet({ namespace: 'datapark' }),
        core.listNamespacedSecret({ namespace: 'datapark' }),
      ]);
      return [...claims.items, ...sets.items, ...secrets.items].length === 0 ? true : undefined;
    });
  }, 600_000);

  it("runs the airflow chart's Redis, as helm renders it, from the locally built image: Ready, the scheduler's and workers' pods get in with the password, others are refused", async () => {
    await importImage('redis');
    // The Redis objects alone: the Airflow images are not built yet, so the subchart cannot be
    // installed whole; its Secret, StatefulSet, Service and NetworkPolicy as `helm template`
    // renders them with the local-images profile.
    const namespace = 'datapark-redis';
    const { stdout } = await run(
      realHelm(),
      [
        'template',
        'dp',
        CHART,
        '--namespace',
        namespace,
        '-f',
        join(CHART, 'ci', 'local-images-values.yaml'),
        ...['kafka', 'spark', 'jupyter', 'superset'].flatMap((c) => [
          '--set',
          `${c}.enabled=false`,
        ]),
        ...[
          'redis/redis-statefulset',
          'redis/redis-service',
          'redis/redis-networkpolicy',
          'shared/airflow-secret',
        ].flatMap((t) => ['-s', `charts/airflow/templates/${t}.yaml`]),
      ],
      { env: helmEnv(), maxBuffer: 16 * 1024 * 1024 },
    );
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await until(`the default service account of ${namespace}`, 60_000, async () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace }),
    );
    for (const object of loadAllYaml(stdout) as KubernetesObject[]) {
      if (!object) continue;
      await objects.create({ ...object, metadata: { ...object.metadata, namespace } });
    }
    const sts = await until('the Redis StatefulSet to be Ready', 120_000, async () => {
      const s = await apps.readNamespacedStatefulSet({ name: 'dp-airflow-redis', namespace });
      return s.status?.readyReplicas === 1 ? s : undefined;
    });
    expect(sts.spec!.template.spec!.containers[0]).toMatchObject({
      image: REDIS,
      imagePullPolicy: 'Never',
    });

    const password = {
      name: 'REDISCLI_AUTH',
      valueFrom: { secretKeyRef: { name: 'dp-airflow', key: 'redis-password' } },
    };
    // A pod labelled as an Airflow worker of the release (a peer the policy names) writes and
    // reads a key, once kube-router knows its address.
    const worker = await runPod(
      namespace,
      'worker',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'cli',
            image: REDIS,
            imagePullPolicy: 'Never',
            env: [password],
            command: [
              'sh',
              '-c',
              'for i in $(seq 30); do [ "$(redis-cli -h dp-airflow-redis ping 2>/dev/null)" = PONG ] && break; sleep 1; done; redis-cli -h dp-airflow-redis set datapark ok; redis-cli -h dp-airflow-redis get datapark',
            ],
          },
        ],
      },
      {
        'app.kubernetes.io/instance': 'dp',
        'app.kubernetes.io/name': 'airflow',
        'app.kubernetes.io/component': 'worker',
      },
    );
    expect({ phase: worker.pod.status?.phase, log: worker.log }).toEqual({
      phase: 'Succeeded',
      log: 'OK\nok\n',
    });
    // A pod without those labels is refused.
    const other = await runPod(namespace, 'other', {
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'cli',
          image: REDIS,
          imagePullPolicy: 'Never',
          env: [password],
          command: ['sh', '-c', 'sleep 5; redis-cli -h dp-airflow-redis ping 2>&1; echo "exit $?"'],
        },
      ],
    });
    expect(other.log).toMatch(
      /Could not connect to Redis at dp-airflow-redis:6379: Connection refused[\s\S]*exit 1\n$/,
    );
  }, 300_000);
});
