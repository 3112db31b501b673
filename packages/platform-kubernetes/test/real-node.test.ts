import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
import { connect } from '../src/kube-clients.js';
import { describeUnreadyPods } from '../src/pod-diagnostics.js';
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
/** The image tools/ci/images.sh builds with mmdebstrap and the Maven jars (tools/images/kafka). */
const KAFKA = 'datapark.local/kafka:4.3.1-bookworm';
/** The image tools/ci/images.sh builds from the venv's pyspark and the connector jars (tools/images/spark). */
const SPARK = 'datapark.local/spark:4.1.1-bookworm';
/** The image tools/ci/images.sh builds from monitoring.sh's statsd_exporter (tools/images/statsd-exporter). */
const STATSD_EXPORTER = 'datapark.local/statsd-exporter:0.31.0-bookworm';
/** The image tools/images/objectstore builds from objectstore.sh's versitygw (tools/images/objectstore). */
const OBJECTSTORE = 'datapark.local/objectstore:1.8.0-bookworm';
/** The image tools/ci/images.sh builds from the Python lock's JupyterLab and PySpark (tools/images/jupyter). */
const JUPYTER = 'datapark.local/jupyter:4.6.6-bookworm';
/** The image tools/ci/images.sh builds from the Superset lock (tools/images/superset). */
const SUPERSET = 'datapark.local/superset:6.1.0-bookworm';
/** The local platform's dashboards as code, which the chart's init Job imports (provision.py). */
const SUPERSET_ASSETS = join(ROOT, 'packages', 'platform-local', 'superset', 'assets');
/** The umbrella chart's subcharts a test may turn off (monitoring is off in the profile). */
const OPTIONAL_SUBCHARTS = [
  'postgresql',
  'kafka',
  'spark',
  'airflow',
  'jupyter',
  'superset',
  'objectstore',
] as const;
/** The image tools/ci/images.sh builds from the Python lock (tools/images/airflow). */
const AIRFLOW = 'datapark.local/airflow:3.3.2-bookworm';

/**
 * A client of the chart's Airflow api-server in Python's standard library: a token for the
 * generated admin (env USERNAME, PASSWORD from the Secret), then the components' health, the DAGs
 * the dag-processor parsed from the chart's ConfigMap, and its import errors.
 */
const AIRFLOW_CLIENT = String.raw`
import json, os, time, urllib.error, urllib.request
api = "http://dp-airflow-api-server:8080"
def call(path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(api + path, data=data, headers=headers), timeout=30) as r:
        return json.load(r)
for _ in range(60):
    try:
        token = call("/auth/token", {"username": os.environ["USERNAME"], "password": os.environ["PASSWORD"]})["access_token"]
        break
    except Exception as e:
        error = e
        time.sleep(2)
else:
    raise SystemExit("no token: %s" % error)
try:
    call("/auth/token", {"username": os.environ["USERNAME"], "password": "wrong"})
    print("wrong password accepted")
except urllib.error.HTTPError as e:
    print("wrong password", e.code)
platform = {"datapark_batch_etl", "datapark_streaming_keeper"}
for _ in range(90):
    dags = {d["dag_id"] for d in call("/api/v2/dags?limit=100", token=token)["dags"]}
    if platform <= dags:
        break
    time.sleep(2)
print("platform dags", sorted(platform & dags))
print("import errors", call("/api/v2/importErrors", token=token)["total_entries"])
health = call("/api/v2/monitor/health", token=token)
print("health", sorted((k, v.get("status")) for k, v in health.items()))
`;

/**
 * A client of Spark's REST server in Python's standard library, as the Airflow tasks sign their
 * requests (packages/python-sdk/src/datapark_sdk/spark/rest_auth.py): an unsigned submission,
 * then Spark's own pi.py signed with the key of the chart's Secret (env KEY) and no
 * spark.master in its properties (the worker's spark-defaults.conf must name the master), its
 * state until it ends, and the applications the master lists.
 */
const SPARK_CLIENT = String.raw`
import base64, hashlib, hmac, json, os, time, urllib.error, urllib.request
master = "http://dp-spark-master"
def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
def token():
    iat = int(time.time())
    signed = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode()) + "." + b64(json.dumps({"iss": "datapark", "iat": iat, "exp": iat + 300}, separators=(",", ":")).encode())
    key = base64.urlsafe_b64decode(os.environ["KEY"] + "=" * (-len(os.environ["KEY"]) % 4))
    return "Bearer " + signed + "." + b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())
def call(url, body=None, signed=True):
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["Authorization"] = token()
    data = None if body is None else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None
for _ in range(60):
    try:
        urllib.request.urlopen(master + ":8080/json/", timeout=5)
        break
    except Exception:
        time.sleep(1)
pi = "/opt/spark/examples/src/main/python/pi.py"
request = {"action": "CreateSubmissionRequest", "appResource": pi, "mainClass": "org.apache.spark.deploy.SparkSubmit", "appArgs": [pi, "4"], "clientSparkVersion": "4.1.1", "sparkProperties": {"spark.app.name": "pi-on-the-node", "spark.submit.deployMode": "client"}, "environmentVariables": {"SPARK_ENV_LOADED": "1"}}
print("unsigned", call(master + ":6066/v1/submissions/create", request, signed=False)[0])
status, created = call(master + ":6066/v1/submissions/create", request)
print("signed", status, created["success"])
state = None
for _ in range(300):
    state = call(master + ":6066/v1/submissions/status/" + created["submissionId"])[1]["driverState"]
    if state not in ("SUBMITTED", "RUNNING", "RELAUNCHING"):
        break
    time.sleep(1)
print("driver", state)
apps = call(master + ":8080/json/", signed=False)[1]
print("completed", sorted(a["name"] for a in apps["completedapps"]), "workers", sum(1 for w in apps["workers"] if w["state"] == "ALIVE"))
`;

/**
 * The Spark drill's client (SPARK_CLIENT's signing): pi.py over 400 partitions, long enough to
 * lose a worker under it. Once the executor runs on the worker that does not hold the driver, it
 * prints the application as the master's JSON names it and where its driver runs (`app <id>
 * <name> driver <that worker's pod IP>`), then `kill <the other worker's pod IP>` (the test deletes
 * that pod), then the driver's end, the workers alive, and the executors the master saw end with
 * their states (the app's page: its JSON lists no executors).
 */
const SPARK_DRILL =
  SPARK_CLIENT.slice(0, SPARK_CLIENT.indexOf('pi = ')) +
  String.raw`
import re
pi = "/opt/spark/examples/src/main/python/pi.py"
request = {"action": "CreateSubmissionRequest", "appResource": pi, "mainClass": "org.apache.spark.deploy.SparkSubmit", "appArgs": [pi, "400"], "clientSparkVersion": "4.1.1", "sparkProperties": {"spark.app.name": "pi-drill", "spark.submit.deployMode": "client"}, "environmentVariables": {"SPARK_ENV_LOADED": "1"}}
submission = call(master + ":6066/v1/submissions/create", request)[1]["submissionId"]
victim = None
for _ in range(240):
    state = call(master + ":8080/json/", signed=False)[1]
    driver = next((d for d in state["activedrivers"] if d["id"] == submission), None)
    apps = state["activeapps"]
    if driver and apps:
        others = [w for w in state["workers"] if w["state"] == "ALIVE" and w["id"] != driver["worker"]]
        busy = [w for w in others if w["coresused"] > 0]
        if busy:
            victim, app = busy[0], apps[0]
            host = next(w["host"] for w in state["workers"] if w["id"] == driver["worker"])
            break
    time.sleep(0.5)
if victim is None:
    print("no executor on the worker without the driver")
    raise SystemExit(1)
print("app", app["id"], app["name"], "driver", host, flush=True)
print("kill", victim["host"], flush=True)
final = None
for _ in range(600):
    final = call(master + ":6066/v1/submissions/status/" + submission)[1]["driverState"]
    if final not in ("SUBMITTED", "RUNNING", "RELAUNCHING"):
        break
    time.sleep(1)
print("driver", final)
state = call(master + ":8080/json/", signed=False)[1]
print("the killed worker alive", any(w["host"] == victim["host"] and w["state"] == "ALIVE" for w in state["workers"]))
page = urllib.request.urlopen(master + ":8080/app/?appId=" + app["id"], timeout=30).read().decode()
removed = page[page.find("Removed Executors"):]
print("executors lost", len(re.findall(r">\s*LOST\s*<", removed)) > 0)
`;

/**
 * An S3 client of the chart's object store: pyarrow's S3FileSystem (the AWS SDK for C++ inside
 * the wheel of the Python lock, in the Airflow image, what a task of the Airflow workers would
 * use), path-style at the Service's name, signed with the generated root keys (env
 * ACCESS_KEY_ID, SECRET_ACCESS_KEY). It lists the buckets (waiting for kube-router to know the
 * pod's address), is refused with a wrong secret, writes 300000 random bytes to the lake bucket,
 * lists them and reads them back.
 */
const S3_CLIENT = String.raw`
import os, time, pyarrow.fs as pafs
def store(secret):
    return pafs.S3FileSystem(access_key=os.environ["ACCESS_KEY_ID"], secret_key=secret, endpoint_override="dp-objectstore:7070", scheme="http", region="us-east-1", connect_timeout=5, request_timeout=20)
s3 = store(os.environ["SECRET_ACCESS_KEY"])
for _ in range(30):
    try:
        buckets = sorted(i.path for i in s3.get_file_info(pafs.FileSelector("/")))
        break
    except OSError as e:
        error = e
        time.sleep(1)
else:
    raise SystemExit("no answer: %s" % error)
print("buckets", buckets)
try:
    store("wrong" + os.environ["SECRET_ACCESS_KEY"]).get_file_info(pafs.FileSelector("/"))
    print("wrong key accepted")
except OSError as e:
    print("wrong key refused", "SIGNATURE_DOES_NOT_MATCH" in str(e))
data = os.urandom(300000)
key = "lake/node-test/object.bin"
with s3.open_output_stream(key) as f:
    f.write(data)
print("listed", [(i.path, i.size) for i in s3.get_file_info(pafs.FileSelector("lake/node-test"))])
with s3.open_input_stream(key) as f:
    back = f.read()
print("read back", len(back), "bytes, identical", back == data)
`;

/**
 * A client of the chart's JupyterLab, from its own image (Python's standard library and the
 * server's tornado for the websocket), as a scraping Prometheus or a notebook UI would call it:
 * the REST API without, with a wrong and with the generated token (env TOKEN; waiting for
 * kube-router to know the pod's address), the kernelspecs, a datapark-pyspark kernel started and
 * one cell run in it over the kernel's websocket: a SparkSession of the chart's client-mode
 * spark-defaults.conf (the cluster's master; the driver in the Jupyter pod on the image's Java,
 * executors on the workers calling it back), a job whose tasks report the host they ran on and a
 * sum, the chart's Python SDK on PYTHONPATH; then the server's /metrics with that kernel running,
 * and the kernel shut down.
 */
const JUPYTER_CLIENT = String.raw`
import asyncio, json, os, time, urllib.error, urllib.request, uuid
from tornado import httpclient, websocket
base = "dp-jupyter:8888"
token = os.environ["TOKEN"]
def call(path, key=None, method="GET", body=None):
    request = urllib.request.Request("http://" + base + path, method=method, data=None if body is None else json.dumps(body).encode())
    if key:
        request.add_header("Authorization", "token " + key)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
for _ in range(30):
    try:
        version = json.loads(call("/api")[1])["version"]
        break
    except OSError as e:
        error = e
        time.sleep(1)
else:
    raise SystemExit("no answer: %s" % error)
print("server", version)
print("no token", call("/api/kernelspecs")[0], "wrong token", call("/api/kernelspecs", "x" * 40)[0])
status, body = call("/api/kernelspecs", token)
specs = json.loads(body)["kernelspecs"]
print("kernelspecs", status, sorted(specs), specs["datapark-pyspark"]["spec"]["argv"][0])
status, body = call("/api/kernels", token, "POST", {"name": "datapark-pyspark"})
kernel = json.loads(body)["id"]
print("kernel started", status)
code = """
import socket, sys, datapark_sdk, pyspark
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("node-test").getOrCreate()
java = spark.sparkContext._jvm.java.lang.System.getProperty("java.specification.version")
hosts = spark.sparkContext.parallelize(range(4), 4).map(lambda _: socket.gethostname()).distinct().collect()
total = spark.range(1, 1001).selectExpr("sum(id) AS s").first().s
print(sys.executable, pyspark.__version__, "java", java, spark.sparkContext.master, total, len(hosts) > 0 and all(h.startswith("dp-spark-worker-") for h in hosts), datapark_sdk.__file__.startswith("/opt/datapark/python-sdk/"))
spark.stop()
"""
async def execute():
    request = httpclient.HTTPRequest("ws://%s/api/kernels/%s/channels" % (base, kernel), headers={"Authorization": "token " + token})
    ws = await websocket.websocket_connect(request)
    msg_id = uuid.uuid4().hex
    ws.write_message(json.dumps({"channel": "shell", "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "node-test", "session": uuid.uuid4().hex, "version": "5.3", "date": ""}, "parent_header": {}, "metadata": {}, "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}, "buffers": []}))
    out, reply, idle = [], None, False
    while reply is None or not idle:
        raw = await asyncio.wait_for(ws.read_message(), 240)
        if raw is None:
            raise SystemExit("the kernel's websocket closed")
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            out.append("error %s: %s\n" % (content["ename"], content["evalue"]))
        elif kind == "execute_reply":
            reply = content["status"]
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    ws.close()
    return reply, "".join(out)
reply, output = asyncio.run(execute())
print("cell", reply, output, end="")
status, metrics = call("/metrics", token)
running = [line for line in metrics.splitlines() if line.startswith("kernel_currently_running_total{")]
print("metrics", status, running, call("/metrics")[0])
print("kernel shut down", call("/api/kernels/" + kernel, token, "DELETE")[0])
`;

/**
 * A client of the chart's Superset REST API in Python's standard library, from another namespace
 * (by the Service's namespaced name): a token for the generated admin (env USERNAME, PASSWORD)
 * from /api/v1/security/login, retried while kube-router learns the pod's address; the same login
 * with a wrong password; then the dashboards, the number of charts and the database connections the
 * init Job imported, each as one line of JSON.
 */
const SUPERSET_CLIENT = String.raw`
import json, os, time, urllib.error, urllib.request
api = "http://dp-superset.datapark:8088"
def call(path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(api + path, data=data, headers=headers), timeout=30) as r:
        return json.load(r)
def login(password):
    return call("/api/v1/security/login", {"username": os.environ["USERNAME"], "password": password, "provider": "db", "refresh": False})["access_token"]
for _ in range(30):
    try:
        token = login(os.environ["PASSWORD"])
        break
    except urllib.error.HTTPError:
        raise
    except Exception as e:
        error = e
        time.sleep(1)
else:
    raise SystemExit("no answer: %s" % error)
try:
    login("wrong" + os.environ["PASSWORD"])
    print("wrong password accepted")
except urllib.error.HTTPError as e:
    print("wrong password", e.code)
page = "?q=(page_size:100)"
line = lambda name, value: print(name, json.dumps(value, separators=(",", ":")))
line("dashboards", sorted(d["dashboard_title"] for d in call("/api/v1/dashboard/" + page, token=token)["result"]))
line("charts", call("/api/v1/chart/" + page, token=token)["count"])
line("databases", sorted(d["database_name"] for d in call("/api/v1/database/" + page, token=token)["result"]))
`;

/** One sample of a Prometheus text exposition. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments left out). */
function samples(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const sample = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) return [];
    const labels = Object.fromEntries(
      [...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
    );
    return [{ name: sample[1]!, labels, value: Number(sample[3]) }];
  });
}

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
    // Another node (charts:e2e's, or one not stopped) holds the fixed network namespace: start
    // would fail, and the stop after that failure would tear the other one down.
    if (/\bdatapark-kube-node\b/.test((await run('ip', ['netns', 'list'])).stdout))
      throw new Error(
        'a one-node cluster is already running (network namespace datapark-kube-node): wait for it, or stop it with `bash tools/ci/kube-node.sh stop`',
      );
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

  /**
   * `charts:uninstall -- --purge` done: nothing of release dp left in `namespace`, the pods of
   * its `charts` included (those a controller owns: the cases' own client pods carry the
   * release's labels too, to pass its policies, and are left; and an earlier case's pods, such as
   * Airflow's Celery worker with its 600 s grace period, are not this case's), which take their
   * grace period to go, slower under a CI's load. On a timeout it says what was still there.
   */
  async function releaseGone(namespace: string, charts: readonly string[]) {
    await until('the release to be gone', 300_000, async () => {
      const [claims, sets, deployments, secrets, maps, pods] = await Promise.all([
        core.listNamespacedPersistentVolumeClaim({ namespace }),
        apps.listNamespacedStatefulSet({ namespace }),
        apps.listNamespacedDeployment({ namespace }),
        core.listNamespacedSecret({ namespace }),
        core.listNamespacedConfigMap({ namespace, labelSelector: 'app.kubernetes.io/instance=dp' }),
        core.listNamespacedPod({ namespace }),
      ]);
      const left = [
        ...claims.items.map((i) => `pvc/${i.metadata?.name}`),
        ...sets.items.map((i) => `statefulset/${i.metadata?.name}`),
        ...deployments.items.map((i) => `deployment/${i.metadata?.name}`),
        ...secrets.items.map((i) => `secret/${i.metadata?.name}`),
        ...maps.items.map((i) => `configmap/${i.metadata?.name}`),
        ...pods.items
          .filter((i) => (i.metadata?.ownerReferences ?? []).length > 0)
          .filter((i) => charts.includes(i.metadata?.labels?.['app.kubernetes.io/name'] ?? ''))
          .map((i) => `pod/${i.metadata?.name}`),
      ];
      if (left.length > 0) throw new Error(`still there: ${left.join(', ')}`);
      return true;
    });
  }

  /**
   * Removes release dp (and its claims and kept Secrets) if an earlier case left it behind after
   * failing, so each install case starts from an empty namespace.
   */
  async function clearRelease() {
    await chartsPlatform()
      .uninstall({ purge: true })
      .catch(() => undefined);
  }

  /** The release as `charts:status`, `charts:install` and `charts:uninstall` see it. */
  function chartsPlatform() {
    return testCluster(join(state, 'platform'), join(state, 'admin.kubeconfig')).platform({
      chart: CHART,
      reporter: recordingReporter(),
    });
  }

  /**
   * `<subchart>.enabled=false` for every optional subchart but those `enabled`; and the monitoring
   * and the exporters off, which the local-images profile turns on: their images are charts:e2e's
   * (`images.sh --e2e`), which CI's set-up does not build. The Kafka brokers' JMX agent stays on:
   * its jar is in the Kafka image, and a broker started with a wrong `-javaagent` path would not
   * start at all.
   */
  function enabledOnly(enabled: readonly string[]): string[] {
    return [
      ...OPTIONAL_SUBCHARTS.filter((c) => !enabled.includes(c)).map((c) => `${c}.enabled=false`),
      'monitoring.enabled=false',
      'postgresql.metrics.enabled=false',
      'airflow.metrics.enabled=false',
    ];
  }

  /**
   * `helm install dp` into namespace datapark with the local-images profile and, of the optional
   * subcharts, only `enabled` on; with `--wait` unless `wait` is false.
   */
  async function installOnly(
    enabled: readonly string[],
    helmTimeout: string,
    timeoutMs: number,
    wait = true,
  ) {
    try {
      await installWith(enabled, helmTimeout, timeoutMs, wait);
    } catch (error) {
      // helm says only "context deadline exceeded": say which pods were not Ready and why.
      const pods = await describeUnreadyPods(
        connect({ kubeconfig: join(state, 'admin.kubeconfig') }),
        'datapark',
        'dp',
        20,
      ).catch((e: unknown) => [`(the pods could not be listed: ${String(e)})`]);
      (error as Error).message += `\npods not Ready: ${JSON.stringify(pods, null, 2)}`;
      throw error;
    }
  }

  async function installWith(
    enabled: readonly string[],
    helmTimeout: string,
    timeoutMs: number,
    wait: boolean,
  ) {
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
        ...enabledOnly(enabled).flatMap((value) => ['--set', value]),
        ...(wait ? ['--wait'] : []),
        '--timeout',
        helmTimeout,
      ],
      { env: helmEnv(), timeout: timeoutMs },
    );
  }

  it("installs charts/datapark's PostgreSQL with helm from the locally built image: Ready, its init Job done, a client pod queries it with the generated password", async () => {
    await importImage('postgresql');
    // helm waits for the post-install hook, the init Job (roles, databases, migrations), which
    // reaches the server by its Service name: through CoreDNS and kube-proxy.
    await installOnly(['postgresql'], '5m', 330_000, false);

    // What `charts:status` reports (KubernetesPlatform, as the CLI runs it).
    const platform = chartsPlatform();
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
    await releaseGone('datapark', ['postgresql']);
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
        ...['kafka', 'spark', 'jupyter', 'superset', 'monitoring'].flatMap((c) => [
          '--set',
          `${c}.enabled=false`,
        ]),
        // Its exporter sidecar's image is charts:e2e's (see enabledOnly).
        ...['--set', 'airflow.metrics.enabled=false'],
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

  it("installs charts/datapark's Kafka from the locally built image: three KRaft nodes Ready, the topics Job done, and nothing lost or duplicated while a node is killed under a producer", async () => {
    await clearRelease();
    await importImage('kafka');
    const namespace = 'datapark';
    // The nodes are Ready only once the quorum has a leader; the topics Job (a post-install
    // hook) runs after.
    await installOnly(['kafka'], '8m', 500_000);
    const platform = chartsPlatform();
    const status = await platform.status();
    expect(status).toMatchObject({ helmStatus: 'deployed' });
    expect(status.components.map((c) => [c.component, c.ready, c.desired, c.done])).toContainEqual([
      'kafka-broker',
      3,
      3,
      true,
    ]);
    const sts = await apps.readNamespacedStatefulSet({ name: 'dp-kafka', namespace });
    expect(sts.spec!.template.spec!.containers[0]).toMatchObject({
      image: KAFKA,
      imagePullPolicy: 'Never',
    });

    // A producer (a client pod: the label the brokers' policy lets in) sends 600 numbered records
    // with acks=all and idempotence; once it is under way, node 1 is killed (no grace period)
    // and the StatefulSet brings it back. The same drill as the local platform's (drill.test.ts).
    const client = { 'datapark.io/client': 'true' };
    const tools = (name: string, script: string) => ({
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      containers: [
        {
          name,
          image: KAFKA,
          imagePullPolicy: 'Never' as const,
          env: [{ name: 'KAFKA_HEAP_OPTS', value: '-Xmx128m' }],
          command: ['sh', '-c', script],
        },
      ],
    });
    const bootstrap = 'dp-kafka:9092';
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'producer', labels: client },
        spec: tools(
          'producer',
          [
            'set -e',
            `for i in $(seq 60); do kafka-topics.sh --bootstrap-server ${bootstrap} --list >/dev/null 2>&1 && break; sleep 1; done`,
            `kafka-topics.sh --bootstrap-server ${bootstrap} --create --topic drill --partitions 3 --replication-factor 3 --config min.insync.replicas=2`,
            'echo producing',
            `i=0; while [ $i -lt 600 ]; do i=$((i + 1)); echo "record-$i"; [ $((i % 10)) -ne 0 ] || sleep 0.5; done | kafka-console-producer.sh --bootstrap-server ${bootstrap} --topic drill --producer-property acks=all --producer-property enable.idempotence=true --producer-property delivery.timeout.ms=300000`,
            'echo produced',
          ].join('\n'),
        ),
      },
    });
    await until('the producer to start producing', 180_000, async () => {
      const log = await core.readNamespacedPodLog({ name: 'producer', namespace });
      return log.includes('producing') ? true : undefined;
    });
    // Its JVM starting, then about 30 s of records: kill the node a few seconds in.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const killed = await core.readNamespacedPod({ name: 'dp-kafka-1', namespace });
    await core.deleteNamespacedPod({ name: 'dp-kafka-1', namespace, gracePeriodSeconds: 0 });
    const produced = await until('the producer to finish', 300_000, async () => {
      const p: V1Pod = await core.readNamespacedPod({ name: 'producer', namespace });
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    });
    const producerLog = await core.readNamespacedPodLog({ name: 'producer', namespace });
    expect({ phase: produced.status?.phase, log: producerLog }).toMatchObject({
      phase: 'Succeeded',
      log: expect.stringContaining('produced'),
    });
    // A new pod (another uid) in node 1's place, and the three Ready again.
    await until('node 1 to be back and the three nodes Ready', 300_000, async () => {
      const [set, pod] = await Promise.all([
        apps.readNamespacedStatefulSet({ name: 'dp-kafka', namespace }),
        core.readNamespacedPod({ name: 'dp-kafka-1', namespace }),
      ]);
      return set.status?.readyReplicas === 3 && pod.metadata?.uid !== killed.metadata?.uid
        ? true
        : undefined;
    });

    const consumed = await runPod(
      namespace,
      'consumer',
      tools(
        'consumer',
        `kafka-console-consumer.sh --bootstrap-server ${bootstrap} --topic drill --from-beginning --timeout-ms 20000 2>/dev/null | grep '^record-' | sort | uniq -c | awk '{ n++; d += $1 - 1 } END { print n " distinct " d " duplicated" }'`,
      ),
      client,
      180_000,
    );
    expect({ phase: consumed.pod.status?.phase, log: consumed.log }).toEqual({
      phase: 'Succeeded',
      log: '600 distinct 0 duplicated\n',
    });

    // The nodes refuse a pod without the client label (the policy), as PostgreSQL does.
    const denied = await runPod(
      namespace,
      'unlabelled-kafka',
      tools(
        'probe',
        `sleep 5; timeout 5 bash -c 'echo > /dev/tcp/dp-kafka/9092' 2>/dev/null && echo open || echo refused`,
      ),
    );
    expect(denied.log).toBe('refused\n');

    expect(await platform.uninstall({ purge: true })).toEqual({ removed: true, keptClaims: [] });
    await releaseGone(namespace, ['kafka']);
  }, 1_200_000);

  it("installs charts/datapark's Spark from the locally built image: master, workers and history Ready; the REST server refuses an unsigned submission and runs a signed PySpark job on the cluster, which finishes though the worker under its executor is killed", async () => {
    await clearRelease();
    await importImage('spark');
    await importImage('statsd-exporter');
    const namespace = 'datapark';
    await installOnly(['spark'], '6m', 380_000);
    const platform = chartsPlatform();
    const status = await platform.status();
    expect(status.components.filter((c) => c.ready !== c.desired)).toEqual([]);
    expect(status.components.map((c) => c.component)).toEqual(
      expect.arrayContaining(['spark-master', 'spark-worker']),
    );
    const workers = await apps.readNamespacedDeployment({ name: 'dp-spark-worker', namespace });
    expect(workers.status?.readyReplicas).toBe(2);
    expect(workers.spec!.template.spec!.containers).toMatchObject([
      { image: SPARK, imagePullPolicy: 'Never' },
      // Where the drivers and executors the worker runs send their metrics (below).
      { name: 'statsd-exporter', image: STATSD_EXPORTER, imagePullPolicy: 'Never' },
    ]);

    const { pod, log } = await runPod(
      namespace,
      'spark-client',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'client',
            image: SPARK,
            imagePullPolicy: 'Never',
            command: ['python', '-c', SPARK_CLIENT],
            env: [
              {
                name: 'KEY',
                valueFrom: { secretKeyRef: { name: 'dp-spark', key: 'rest-secret' } },
              },
            ],
          },
        ],
      },
      { 'datapark.io/client': 'true' },
      420_000,
    );
    expect({ phase: pod.status?.phase, log }).toEqual({
      phase: 'Succeeded',
      log: [
        // Spark's JWSFilter: no token, no submission.
        'unsigned 403',
        'signed 200 True',
        'driver FINISHED',
        // On the cluster (the master saw the application), not local[*] inside a worker.
        // pi.py names itself PythonPi (its builder's appName wins over spark.app.name).
        "completed ['PythonPi'] workers 2",
        '',
      ].join('\n'),
    });

    // A worker pod killed under a job's executor (no grace period): the master marks the
    // executor lost, the driver's tasks run again on an executor elsewhere, the job finishes,
    // and the Deployment brings a worker back. The driver's own worker is left alone: standalone
    // relaunches a driver only with spark.driver.supervise (README, the local drill).
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'spark-drill', labels: { 'datapark.io/client': 'true' } },
        spec: {
          automountServiceAccountToken: false,
          restartPolicy: 'Never',
          containers: [
            {
              name: 'client',
              image: SPARK,
              imagePullPolicy: 'Never',
              command: ['python', '-c', SPARK_DRILL],
              env: [
                {
                  name: 'KEY',
                  valueFrom: { secretKeyRef: { name: 'dp-spark', key: 'rest-secret' } },
                },
              ],
            },
          ],
        },
      },
    });
    const { appId, appName, driverHost, victim } = await until(
      'the drill to name the worker under its executor',
      240_000,
      async () => {
        const log = await core.readNamespacedPodLog({ name: 'spark-drill', namespace });
        if (log.includes('no executor')) throw new Error(log);
        const named = /^app (\S+) (\S+) driver (\S+)\nkill (\S+)$/m.exec(log);
        return named
          ? { appId: named[1]!, appName: named[2]!, driverHost: named[3]!, victim: named[4]! }
          : undefined;
      },
    );
    const workerPods = 'app.kubernetes.io/name=spark,app.kubernetes.io/component=worker';
    const pods = await core.listNamespacedPod({ namespace, labelSelector: workerPods });
    const killed = pods.items.find((p) => p.status?.podIP === victim);
    expect(killed).toBeDefined();
    await core.deleteNamespacedPod({
      name: killed!.metadata!.name!,
      namespace,
      gracePeriodSeconds: 0,
    });

    // The application's own metrics while it runs on: its driver and executors send them with
    // Spark's StatsdSink to the statsd-exporter sidecar of the worker pod they run in (127.0.0.1),
    // read here as Prometheus would scrape it, on the sidecar's port through the apiserver's pod
    // proxy (GET /api/v1/namespaces/datapark/pods/<pod>:9102/proxy/metrics: the apiserver connects
    // from the node, which kube-router lets through the worker's NetworkPolicy as the kubelet's
    // probes). The driver's series are in the pod of the worker the drill named; an executor's in
    // the pod of the worker the master gave the application a new executor on, in the killed one's
    // place (the driver's worker has no memory left for one), once that executor finished tasks.
    const ofApp = (sample: Sample) =>
      sample.labels.app_id === appId && sample.labels.app_name === appName;
    const read = async (pod: V1Pod) => ({
      pod,
      samples: samples(
        await core.connectGetNamespacedPodProxyWithPath({
          name: `${pod.metadata!.name!}:9102`,
          namespace,
          path: 'metrics',
        }),
      ).filter(ofApp),
    });
    const sidecars = await until(
      "the application's driver and executor series in the workers' sidecars",
      300_000,
      async () => {
        const running = (
          await core.listNamespacedPod({ namespace, labelSelector: workerPods })
        ).items.filter(
          (p) => p.status?.phase === 'Running' && p.metadata?.uid !== killed!.metadata?.uid,
        );
        const scraped = await Promise.all(running.map(read));
        const driver = scraped.find((s) => s.pod.status?.podIP === driverHost);
        const executor = scraped.find((s) =>
          s.samples.some(
            (x) =>
              x.name === 'metrics_datapark_executor_executor_threadpool_completeTasks_Value' &&
              x.value > 0,
          ),
        );
        return driver?.samples.some((x) => x.name.startsWith('metrics_datapark_driver_')) &&
          executor
          ? { driver, executor }
          : undefined;
      },
    );
    // pi.py's one job, the application's name as pi.py gives it (PythonPi) and its id as the
    // master lists it; the executor's series carry its id.
    expect(sidecars.driver.samples).toContainEqual({
      name: 'metrics_datapark_driver_DAGScheduler_job_allJobs_Value',
      labels: { app_id: appId, app_name: appName },
      value: 1,
    });
    expect(appName).toBe('PythonPi');
    expect(appId).toMatch(/^app-\d{14}-\d{4}$/);
    const executorSeries = sidecars.executor.samples.filter((x) =>
      x.name.startsWith('metrics_datapark_executor_'),
    );
    expect(executorSeries.length).toBeGreaterThan(20);
    // (Every one with the executor's id; which id depends on how many executors the master tried
    // before the new worker registered.)
    expect(executorSeries.filter((x) => !/^\d+$/.test(x.labels.executor_id ?? ''))).toEqual([]);
    // Each sidecar is Ready: its probes (/-/ready, /-/healthy on the metrics port) pass.
    for (const { pod } of [sidecars.driver, sidecars.executor]) {
      const now = await core.readNamespacedPod({ name: pod.metadata!.name!, namespace });
      expect(
        now.status?.containerStatuses?.find((c) => c.name === 'statsd-exporter'),
      ).toMatchObject({
        ready: true,
      });
    }
    const drill = await until('the drill to end', 600_000, async () => {
      const p: V1Pod = await core.readNamespacedPod({ name: 'spark-drill', namespace });
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    });
    const drillLog = await core.readNamespacedPodLog({ name: 'spark-drill', namespace });
    expect({ phase: drill.status?.phase, log: drillLog }).toEqual({
      phase: 'Succeeded',
      log: [
        `app ${appId} ${appName} driver ${driverHost}`,
        `kill ${victim}`,
        'driver FINISHED',
        'the killed worker alive False',
        'executors lost True',
        '',
      ].join('\n'),
    });

    // The Deployment's new worker (another pod) joins the master.
    await until("a new worker in the killed one's place, both Ready", 300_000, async () => {
      const [set, now] = await Promise.all([
        apps.readNamespacedDeployment({ name: 'dp-spark-worker', namespace }),
        core.listNamespacedPod({
          namespace,
          labelSelector: 'app.kubernetes.io/name=spark,app.kubernetes.io/component=worker',
        }),
      ]);
      return set.status?.readyReplicas === 2 &&
        !now.items.some((p) => p.metadata?.uid === killed!.metadata?.uid)
        ? true
        : undefined;
    });

    expect(await platform.uninstall({ purge: true })).toEqual({ removed: true, keptClaims: [] });
  }, 1_500_000);

  it("installs charts/datapark's Airflow from the locally built image, on the chart's PostgreSQL: migrations done, every component Ready, the api-server logs the generated admin in and lists the DAGs parsed from the ConfigMap", async () => {
    await clearRelease();
    for (const image of ['postgresql', 'redis', 'airflow']) await importImage(image);
    // As `charts:install` does it (KubernetesPlatform.install): helm without --wait, so the
    // post-install hooks run at once (PostgreSQL's init Job makes the airflow role the
    // migrations need: with --wait, helm would wait for Airflow's pods, which wait for that
    // role), then readiness of every component.
    const platform = chartsPlatform();
    const installed = await platform.install({
      valuesFiles: [join(CHART, 'ci', 'local-images-values.yaml')],
      set: enabledOnly(['postgresql', 'airflow']),
      timeoutMs: 12 * 60_000,
    });
    expect(installed.components.filter((c) => c.ready !== c.desired)).toEqual([]);
    const namespace = 'datapark';
    const status = await platform.status();
    expect(status.components.filter((c) => c.ready !== c.desired)).toEqual([]);
    expect(status.components.map((c) => c.component)).toEqual(
      expect.arrayContaining([
        'postgresql',
        'airflow-api-server',
        'airflow-scheduler',
        'airflow-worker',
      ]),
    );
    const scheduler = await apps.readNamespacedDeployment({
      name: 'dp-airflow-scheduler',
      namespace,
    });
    expect(scheduler.spec!.template.spec!.containers[0]).toMatchObject({
      image: AIRFLOW,
      imagePullPolicy: 'Never',
    });

    const secret = (key: string) => ({ secretKeyRef: { name: 'dp-airflow', key } });
    const { pod, log } = await runPod(
      namespace,
      'airflow-client',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'client',
            image: AIRFLOW,
            imagePullPolicy: 'Never',
            command: ['python', '-c', AIRFLOW_CLIENT],
            env: [
              { name: 'USERNAME', valueFrom: secret('admin-username') },
              { name: 'PASSWORD', valueFrom: secret('admin-password') },
            ],
          },
        ],
      },
      { 'datapark.io/client': 'true' },
      300_000,
    );
    expect({ phase: pod.status?.phase, log }).toEqual({
      phase: 'Succeeded',
      log: [
        'wrong password 401',
        "platform dags ['datapark_batch_etl', 'datapark_streaming_keeper']",
        'import errors 0',
        "health [('dag_processor', 'healthy'), ('metadatabase', 'healthy'), ('scheduler', 'healthy'), ('triggerer', 'healthy')]",
        '',
      ].join('\n'),
    });

    // The Celery worker is stopped before helm deletes its broker (drainCeleryWorkers): its pod
    // is gone already, not terminating for up to its 600 s grace period.
    expect(await platform.uninstall({ purge: true })).toEqual(
      expect.objectContaining({ removed: true }),
    );
    const workers = await core.listNamespacedPod({
      namespace,
      labelSelector: 'app.kubernetes.io/name=airflow,app.kubernetes.io/component=worker',
    });
    expect(workers.items.map((p) => p.metadata?.name)).toEqual([]);
  }, 1_200_000);

  it("installs charts/datapark's object store from the locally built image: the gateway and its statsd-exporter sidecar Ready, the bucket Job done; an Airflow worker's pod puts, lists and reads back an object with the generated keys, the sidecar counts those requests, and an unlabelled pod is refused", async () => {
    await clearRelease();
    for (const image of ['objectstore', 'statsd-exporter', 'airflow']) await importImage(image);
    const namespace = 'datapark';
    // --wait: the StatefulSet Ready (its data-dir init container, the gateway's health path and
    // the sidecar's /-/ready), then the post-install hook, the bucket Job, which helm waits for
    // and deletes once it succeeded (a failed one fails the install).
    await installOnly(['objectstore'], '6m', 380_000);
    const platform = chartsPlatform();
    const status = await platform.status();
    expect(status).toMatchObject({ helmStatus: 'deployed', revision: 1 });
    expect(status.components.map((c) => [c.component, c.ready, c.desired, c.done])).toEqual([
      ['objectstore', 1, 1, true],
    ]);
    const sts = await apps.readNamespacedStatefulSet({ name: 'dp-objectstore', namespace });
    expect(sts.spec!.template.spec!.initContainers).toMatchObject([
      { name: 'data-dir', image: OBJECTSTORE, imagePullPolicy: 'Never' },
    ]);
    expect(sts.spec!.template.spec!.containers).toMatchObject([
      { name: 'objectstore', image: OBJECTSTORE, imagePullPolicy: 'Never' },
      { name: 'statsd-exporter', image: STATSD_EXPORTER, imagePullPolicy: 'Never' },
    ]);
    const gateway = await core.readNamespacedPod({ name: 'dp-objectstore-0', namespace });
    expect(
      gateway.status?.containerStatuses?.map((c) => [c.name, c.ready, c.restartCount]).sort(),
    ).toEqual([
      ['objectstore', true, 0],
      ['statsd-exporter', true, 0],
    ]);
    // Its claim is bound to one of the node's local volumes (user xattrs: the POSIX backend's
    // metadata).
    const claim = await core.readNamespacedPersistentVolumeClaim({
      name: 'data-dp-objectstore-0',
      namespace,
    });
    expect(claim.status?.phase).toBe('Bound');

    // A pod labelled as an Airflow worker of the release (a peer the policy names), from the
    // Airflow image: the buckets the Job created, a wrong key refused, an object written, listed
    // and read back byte for byte.
    const keys = (name: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: 'dp-objectstore', key } },
    });
    const worker = {
      'app.kubernetes.io/instance': 'dp',
      'app.kubernetes.io/name': 'airflow',
      'app.kubernetes.io/component': 'worker',
    };
    const { pod, log } = await runPod(
      namespace,
      's3-client',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'client',
            image: AIRFLOW,
            imagePullPolicy: 'Never',
            command: ['python', '-c', S3_CLIENT],
            env: [
              keys('ACCESS_KEY_ID', 'access-key-id'),
              keys('SECRET_ACCESS_KEY', 'secret-access-key'),
            ],
          },
        ],
      },
      worker,
      180_000,
    );
    expect({ phase: pod.status?.phase, log }).toEqual({
      phase: 'Succeeded',
      log: [
        "buckets ['archive', 'lake']",
        'wrong key refused True',
        "listed [('lake/node-test/object.bin', 300000)]",
        'read back 300000 bytes, identical True',
        '',
      ].join('\n'),
    });

    // Those requests in the sidecar's metrics (versitygw's StatsD, mapped with the local
    // platform's mapping), read as Prometheus would scrape them, on its port through the
    // apiserver's pod proxy. pyarrow writes with a multipart upload, reads with ranged GETs.
    const lake = await until("the client's requests in the sidecar's metrics", 30_000, async () => {
      const found = samples(
        await core.connectGetNamespacedPodProxyWithPath({
          name: 'dp-objectstore-0:9102',
          namespace,
          path: 'metrics',
        }),
      ).filter((x) => x.name.startsWith('versitygw_') && x.labels.bucket === 'lake');
      return found.some((x) => x.name === 'versitygw_read_bytes_total') ? found : undefined;
    });
    const total = (name: string, labels: Record<string, string> = {}) =>
      lake
        .filter(
          (x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v),
        )
        .reduce((n, x) => n + x.value, 0);
    expect(total('versitygw_written_bytes_total')).toBe(300000);
    expect(total('versitygw_read_bytes_total')).toBe(300000);
    expect(total('versitygw_objects_created_total')).toBe(1);
    for (const action of ['CompleteMultipartUpload', 'ListObjectsV2', 'GetObject'])
      expect(total('versitygw_requests_total', { action, outcome: 'success' })).toBeGreaterThan(0);
    expect(total('versitygw_requests_total', { outcome: 'failed' })).toBe(0);
    expect(lake.every((x) => x.labels.service === 'objectstore')).toBe(true);

    // The S3 port with busybox's wget of the health path: open to a pod with the Airflow worker's
    // labels once kube-router knows its address (it retries, as the client above; on failure it
    // prints wget's last error), then refused to the same probe from a pod without them, after
    // 5 s as well (so not that race).
    // (timeout, not wget's -T: Debian's busybox-static has no -T, and crashes on it.)
    const health = 'timeout 3 wget -q -O /dev/null http://dp-objectstore:7070/health';
    const probe = (name: string, script: string, labels: Record<string, string>) =>
      runPod(
        namespace,
        name,
        {
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'probe',
              image: BUSYBOX,
              imagePullPolicy: 'Never',
              command: ['sh', '-c', script],
            },
          ],
        },
        labels,
      );
    const labelled = await probe(
      's3-labelled',
      `for i in $(seq 20); do ${health} 2>/dev/null && { echo open; exit 0; }; sleep 1; done; ${health.replace(' -q', '')}; echo refused`,
      worker,
    );
    expect(labelled.log).toBe('open\n');
    const unlabelled = await probe(
      's3-unlabelled',
      `sleep 5; ${health} 2>/dev/null && echo open || echo refused`,
      {},
    );
    expect(unlabelled.log).toBe('refused\n');

    expect(await platform.uninstall({ purge: true })).toEqual({ removed: true, keptClaims: [] });
    await releaseGone(namespace, ['objectstore']);
  }, 600_000);

  it("installs charts/datapark's Jupyter from the locally built image, with the chart's Spark: Ready with its probes, the PySpark kernelspec written; a pod the policy lets in logs in with the generated token, runs a PySpark cell in client mode on the cluster through a kernel's websocket and reads /metrics; an unlabelled pod is refused", async () => {
    await clearRelease();
    for (const image of ['jupyter', 'spark', 'statsd-exporter']) await importImage(image);
    const namespace = 'datapark';
    // --wait: the Deployments Ready (Jupyter's init containers, then its startup and readiness
    // probes on /api; Spark's master, workers and history server) and the claims bound.
    await installOnly(['jupyter', 'spark'], '8m', 500_000);
    const platform = chartsPlatform();
    const status = await platform.status();
    expect(status).toMatchObject({ helmStatus: 'deployed', revision: 1 });
    expect(status.components.filter((c) => c.ready !== c.desired)).toEqual([]);
    expect(status.components.map((c) => [c.component, c.ready, c.desired])).toContainEqual([
      'jupyter',
      1,
      1,
    ]);
    const deployment = await apps.readNamespacedDeployment({ name: 'dp-jupyter', namespace });
    const pod = deployment.spec!.template.spec!;
    expect(pod.initContainers).toMatchObject([
      { name: 'copy-notebooks', image: JUPYTER, imagePullPolicy: 'Never' },
      { name: 'pyspark-kernel', image: JUPYTER, imagePullPolicy: 'Never' },
    ]);
    expect(pod.containers).toMatchObject([
      {
        name: 'jupyter',
        image: JUPYTER,
        imagePullPolicy: 'Never',
        args: expect.arrayContaining(['start-notebook.py']),
      },
    ]);
    const [server] = (
      await core.listNamespacedPod({
        namespace,
        labelSelector: 'app.kubernetes.io/instance=dp,app.kubernetes.io/name=jupyter',
      })
    ).items;
    expect(
      server?.status?.containerStatuses?.map((c) => [c.name, c.ready, c.restartCount]),
    ).toEqual([['jupyter', true, 0]]);
    expect(
      server?.status?.initContainerStatuses?.map((c) => [c.name, c.state?.terminated?.exitCode]),
    ).toEqual([
      ['copy-notebooks', 0],
      ['pyspark-kernel', 0],
    ]);
    // The pyspark-kernel init container wrote the kernelspec with the image's own python3.
    expect(
      await core.readNamespacedPodLog({
        name: server!.metadata!.name!,
        namespace,
        container: 'pyspark-kernel',
      }),
    ).toBe('install-kernels: wrote /opt/datapark/jupyter/kernels/datapark-pyspark/kernel.json\n');
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'dp-jupyter', namespace });
    expect(claim.status?.phase).toBe('Bound');
    // The probes' path through the apiserver's pod proxy (from the node, as the kubelet's probes):
    // jupyter_server's version of the Python lock, no login needed.
    // (The client parses a JSON answer itself, whatever its declared string type says.)
    const api: unknown = await core.connectGetNamespacedPodProxyWithPath({
      name: `${server!.metadata!.name}:8888`,
      namespace,
      path: 'api',
    });
    expect(typeof api === 'string' ? JSON.parse(api) : api).toEqual({
      version: '2.21.1',
    });

    // The peer the policy names for the HTTP port without an ingress: the release's own
    // Prometheus (where the cluster serves no PodMonitor), which scrapes /metrics with the
    // token. A pod with its labels stands in for it (this file turns monitoring off).
    const prometheus = {
      'app.kubernetes.io/instance': 'dp',
      'app.kubernetes.io/name': 'monitoring',
      'app.kubernetes.io/component': 'prometheus',
    };
    const client = await runPod(
      namespace,
      'jupyter-client',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'client',
            image: JUPYTER,
            imagePullPolicy: 'Never',
            command: ['python3', '-c', JUPYTER_CLIENT],
            // By reference, as the chart's own pods take it: no token in the pod's spec.
            env: [
              {
                name: 'TOKEN',
                valueFrom: { secretKeyRef: { name: 'dp-jupyter', key: 'token' } },
              },
            ],
          },
        ],
      },
      prometheus,
      300_000,
    );
    expect({ phase: client.pod.status?.phase, log: client.log }).toEqual({
      phase: 'Succeeded',
      log: [
        'server 2.21.1',
        'no token 403 wrong token 403',
        "kernelspecs 200 ['datapark-pyspark', 'python3'] /opt/venv/bin/python3",
        'kernel started 201',
        'cell ok /opt/venv/bin/python3 4.1.1 java 17 spark://dp-spark-master:7077 500500 True True',
        `metrics 200 ['kernel_currently_running_total{type="datapark-pyspark"} 1.0'] 403`,
        'kernel shut down 204',
        '',
      ].join('\n'),
    });

    // The HTTP port with busybox's wget of /api: open to a pod with the Prometheus labels once
    // kube-router knows its address, refused to the same probe without them, after 5 s as well.
    const reach = 'timeout 3 wget -q -O /dev/null http://dp-jupyter:8888/api';
    const probe = (name: string, script: string, labels: Record<string, string>) =>
      runPod(
        namespace,
        name,
        {
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'probe',
              image: BUSYBOX,
              imagePullPolicy: 'Never',
              command: ['sh', '-c', script],
            },
          ],
        },
        labels,
      );
    const labelled = await probe(
      'jupyter-labelled',
      `for i in $(seq 20); do ${reach} 2>/dev/null && { echo open; exit 0; }; sleep 1; done; ${reach.replace(' -q', '')}; echo refused`,
      prometheus,
    );
    expect(labelled.log).toBe('open\n');
    const unlabelled = await probe(
      'jupyter-unlabelled',
      `sleep 5; ${reach} 2>/dev/null && echo open || echo refused`,
      {},
    );
    expect(unlabelled.log).toBe('refused\n');

    expect(await platform.uninstall({ purge: true })).toEqual({ removed: true, keptClaims: [] });
    await releaseGone(namespace, ['jupyter', 'spark']);
  }, 600_000);

  it("installs charts/datapark's Superset from the locally built image, on the chart's PostgreSQL: the init Job done, the server Ready with its probes; a pod of the ingress controller's namespace logs the generated admin in and lists the provisioned dashboards, the statsd-exporter sidecar counts those calls, a wrong password is refused, and so is an unlabelled pod", async () => {
    await clearRelease();
    for (const image of ['postgresql', 'superset', 'statsd-exporter']) await importImage(image);
    const namespace = 'datapark';
    // As `charts:install` does it (KubernetesPlatform.install): helm without --wait, so the
    // post-install hooks run at once (PostgreSQL's init Job makes the roles and the database
    // Superset's init Job migrates; the server's init container waits for those migrations),
    // then readiness of every component. With the Ingress on: Superset's NetworkPolicy lets in
    // the ingress controller's namespace (ingress-nginx) and nobody else, and only then. (No
    // controller runs here; the Ingress object serves nothing, so plain HTTP is said to be fine.)
    const platform = chartsPlatform();
    const installed = await platform.install({
      valuesFiles: [join(CHART, 'ci', 'local-images-values.yaml')],
      set: [
        ...enabledOnly(['postgresql', 'superset']),
        'global.ingress.enabled=true',
        'global.ingress.allowInsecureHttp=true',
      ],
      timeoutMs: 15 * 60_000,
    });
    expect(installed.components.filter((c) => c.ready !== c.desired)).toEqual([]);
    const status = await platform.status();
    expect(status).toMatchObject({ helmStatus: 'deployed', revision: 1 });
    expect(status.components.map((c) => [c.component, c.ready, c.desired, c.done])).toEqual([
      ['postgresql', 1, 1, true],
      ['superset', 1, 1, true],
    ]);
    // The init Job (migrations, roles, the admin, the dashboards' import) ran to success as a
    // hook, after PostgreSQL's, and helm deleted it then (hook-succeeded).
    const release = JSON.parse(
      (
        await run(realHelm(), ['status', 'dp', '--namespace', namespace, '--output', 'json'], {
          env: helmEnv(),
        })
      ).stdout,
    ) as { hooks?: { name: string; kind: string; last_run?: { phase?: string } }[] };
    expect(
      (release.hooks ?? [])
        .filter((h) => h.kind === 'Job')
        .map((h) => [h.name, h.last_run?.phase])
        .sort(),
    ).toEqual([
      ['dp-postgresql-init', 'Succeeded'],
      ['dp-superset-init', 'Succeeded'],
    ]);

    const deployment = await apps.readNamespacedDeployment({ name: 'dp-superset', namespace });
    expect(deployment.spec!.template.spec!.initContainers).toMatchObject([
      { name: 'wait-for-migrations', image: SUPERSET, imagePullPolicy: 'Never' },
    ]);
    expect(deployment.spec!.template.spec!.containers).toMatchObject([
      {
        name: 'superset',
        image: SUPERSET,
        imagePullPolicy: 'Never',
        startupProbe: { httpGet: { path: '/health' } },
        readinessProbe: { httpGet: { path: '/health' } },
        livenessProbe: { httpGet: { path: '/health' } },
      },
      { name: 'statsd-exporter', image: STATSD_EXPORTER, imagePullPolicy: 'Never' },
    ]);
    const [server] = (
      await core.listNamespacedPod({
        namespace,
        labelSelector: 'app.kubernetes.io/instance=dp,app.kubernetes.io/component=superset',
      })
    ).items;
    // Ready through its probes, never restarted, after the init container found the database
    // at the migrations of the image's Superset.
    expect(server?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(
      server!.status!.containerStatuses!.map((c) => [c.name, c.ready, c.restartCount]).sort(),
    ).toEqual([
      ['statsd-exporter', true, 0],
      ['superset', true, 0],
    ]);
    expect(
      server!.status!.initContainerStatuses!.map((c) => [c.name, c.state?.terminated?.exitCode]),
    ).toEqual([['wait-for-migrations', 0]]);
    expect(
      await core.readNamespacedPodLog({
        name: server!.metadata!.name!,
        namespace,
        container: 'wait-for-migrations',
      }),
    ).toMatch(/^wait-for-migrations: the metadata database is at \['\w+'\]$/m);

    // What the init Job imported: the local platform's dashboards, charts and database.
    const assets = (dir: string) =>
      readdirSync(join(SUPERSET_ASSETS, dir)).map((f) =>
        readFileSync(join(SUPERSET_ASSETS, dir, f), 'utf8'),
      );
    const field = (name: string) => (yaml: string) =>
      new RegExp(`^${name}: (.+)$`, 'm').exec(yaml)?.[1] ?? `no ${name}`;
    const dashboards = assets('dashboards').map(field('dashboard_title')).sort();
    expect(dashboards).toHaveLength(3);
    const databases = assets('databases').map(field('database_name')).sort();

    // A pod of the ingress controller's namespace (the one peer the policy names for the UI's
    // port), from the Superset image, with the generated admin from the Secret (read here: a pod
    // takes Secrets of its own namespace only).
    await core.createNamespace({ body: { metadata: { name: 'ingress-nginx' } } });
    const secret = await core.readNamespacedSecret({ name: 'dp-superset', namespace });
    const decoded = (key: string) => Buffer.from(secret.data![key]!, 'base64').toString();
    const { pod, log } = await runPod(
      'ingress-nginx',
      'superset-client',
      {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'client',
            image: SUPERSET,
            imagePullPolicy: 'Never',
            command: ['python', '-c', SUPERSET_CLIENT],
            env: [
              { name: 'USERNAME', value: decoded('admin-username') },
              { name: 'PASSWORD', value: decoded('admin-password') },
            ],
          },
        ],
      },
      {},
      180_000,
    );
    expect({ phase: pod.status?.phase, log }).toEqual({
      phase: 'Succeeded',
      log: [
        'wrong password 401',
        `dashboards ${JSON.stringify(dashboards)}`,
        `charts ${readdirSync(join(SUPERSET_ASSETS, 'charts')).length}`,
        `databases ${JSON.stringify(databases)}`,
        '',
      ].join('\n'),
    });

    // Those calls in the sidecar's metrics (Superset's StatsdStatsLogger, with the image's statsd
    // package, mapped with the local platform's mapping), read as Prometheus would scrape them,
    // on its port through the apiserver's pod proxy: each list once, and the kubelet's probes of
    // /health.
    const metrics = await until("the client's calls in the sidecar's metrics", 30_000, async () => {
      const found = samples(
        await core.connectGetNamespacedPodProxyWithPath({
          name: `${server!.metadata!.name!}:9102`,
          namespace,
          path: 'metrics',
        }),
      );
      return found.some((x) => x.labels.api === 'DatabaseRestApi') ? found : undefined;
    });
    expect(
      metrics
        .filter((x) => x.name === 'superset_api_calls_total' && x.labels.method === 'get_list')
        .map((x) => [x.labels.api, x.labels.outcome, x.value])
        .sort(),
    ).toEqual([
      ['ChartRestApi', 'success', 1],
      ['DashboardRestApi', 'success', 1],
      ['DatabaseRestApi', 'success', 1],
    ]);
    expect(metrics.find((x) => x.name === 'superset_health_checks_total')?.value).toBeGreaterThan(
      0,
    );

    // The UI's port with busybox's wget of /health: open from the ingress controller's namespace
    // (as the client above), refused to an unlabelled pod of the release's namespace, after 5 s
    // (so not kube-router's race).
    const health = (host: string) => `timeout 3 wget -q -O /dev/null http://${host}:8088/health`;
    const probe = (where: string, name: string, script: string) =>
      runPod(where, name, {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'probe',
            image: BUSYBOX,
            imagePullPolicy: 'Never',
            command: ['sh', '-c', script],
          },
        ],
      });
    const admitted = await probe(
      'ingress-nginx',
      'superset-probe',
      `for i in $(seq 20); do ${health('dp-superset.datapark')} 2>/dev/null && { echo open; exit 0; }; sleep 1; done; echo refused`,
    );
    expect(admitted.log).toBe('open\n');
    const unlabelled = await probe(
      namespace,
      'superset-unlabelled',
      `sleep 5; ${health('dp-superset')} 2>/dev/null && echo open || echo refused`,
    );
    expect(unlabelled.log).toBe('refused\n');

    await core.deleteNamespace({ name: 'ingress-nginx' });
    expect(await platform.uninstall({ purge: true })).toEqual({ removed: true, keptClaims: [] });
    await releaseGone(namespace, ['superset', 'postgresql']);
  }, 1_200_000);
});
