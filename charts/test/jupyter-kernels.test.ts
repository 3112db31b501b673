import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { resolveStateDir } from '@datapark/config';
import { execa } from 'execa';
import { platformConfig } from './fixtures/platform.js';
import { podsOf } from './fixtures/pods.js';
import type { Container, Pod } from './fixtures/pods.js';
import { CHART, ROOT, helm, parseManifests, renderProfile, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// The jupyter chart serves the kernels the sample notebooks name: its init containers write the
// kernelspecs (files/kernels/install-kernels.sh) into a volume on the server's JUPYTER_PATH, and
// npm-install what the TypeScript kernel runs. First the rendered chart, on and off; then the
// script itself, run as the init containers run it (their env, their mounts under a temporary
// directory) and a TypeScript notebook executed headless with the kernelspec it wrote, against
// the local platform's PostgreSQL.

const JUPYTER_CHART = join(CHART, 'charts', 'jupyter');
const SCRIPT = join(JUPYTER_CHART, 'files', 'kernels', 'install-kernels.sh');
const NOTEBOOKS = join(ROOT, 'apps', 'notebooks', 'notebooks');
const VENV_BIN = join(ROOT, '.venv', 'bin');

interface Mount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}
type FullContainer = Container & { volumeMounts?: Mount[] };
interface Volume {
  name: string;
  emptyDir?: { sizeLimit?: string };
  configMap?: { name: string };
}

const jupyterPod = (manifests: readonly Manifest[]): Pod => {
  const pod = podsOf(manifests).find((p) => p.owner === 'Deployment/dp-jupyter');
  if (!pod) throw new Error('the jupyter Deployment was not rendered');
  return pod;
};
const initContainer = (pod: Pod, name: string) =>
  (pod.spec.initContainers ?? []).find((c) => c.name === name) as FullContainer | undefined;
const server = (pod: Pod) => pod.spec.containers.find((c) => c.name === 'jupyter') as FullContainer;
const volumes = (pod: Pod) => (pod.spec.volumes ?? []) as unknown as Volume[];
const envOf = (c: Container) =>
  Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
const configMap = (manifests: readonly Manifest[], name: string) => {
  const found = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name);
  if (!found) throw new Error(`ConfigMap ${name} was not rendered`);
  return found as Manifest & { data?: Record<string, string>; binaryData?: Record<string, string> };
};
const jupyterPolicy = (manifests: readonly Manifest[]) =>
  manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'dp-jupyter')!.spec as {
    policyTypes: string[];
    egress?: { to?: object[]; ports?: { port: number; protocol: string }[] }[];
  };

/** The kernelspec names the sample notebooks use. */
const notebookKernels = () =>
  readdirSync(NOTEBOOKS)
    .filter((n) => n.endsWith('.ipynb'))
    .map(
      (n) =>
        (
          JSON.parse(readFileSync(join(NOTEBOOKS, n), 'utf8')) as {
            metadata: { kernelspec: { name: string } };
          }
        ).metadata.kernelspec.name,
    );

/** npm's cache on this machine: `npm_config_cache` when set, else npm's default ~/.npm. */
function hostNpmCache(): string {
  return process.env['npm_config_cache'] || join(homedir(), '.npm');
}

/** This machine's CA bundle and proxy settings (an intercepting proxy's CA, say). */
const hostNetworkEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined &&
        /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY)$/i.test(e[0]),
    ),
  );

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The TypeScript kernel is opt-in, with its egress to the registry (both off by default). */
const TYPESCRIPT_KERNEL = [
  '--set',
  'jupyter.typescriptKernel.enabled=true',
  '--set',
  'jupyter.typescriptKernel.npmEgress.enabled=true',
];
let typescriptRender: Promise<Manifest[]> | undefined;
/** The umbrella rendered with the TypeScript kernel on (once per test file). */
const renderWithTypescriptKernel = () =>
  (typescriptRender ??= renderYaml(TYPESCRIPT_KERNEL).then(parseManifests));

describe('the jupyter chart with the TypeScript kernel (opted in, with npmEgress)', () => {
  let manifests: Manifest[] = [];
  let pod: Pod;
  beforeAll(async () => {
    manifests = await renderWithTypescriptKernel();
    pod = jupyterPod(manifests);
  });

  it("has an init container per kernel the notebooks name, each running the chart's script for it", () => {
    const kernels = [...new Set(notebookKernels())].sort();
    expect(kernels).toEqual(['datapark-pyspark', 'datapark-typescript']);
    const script = readFileSync(SCRIPT, 'utf8');
    for (const kernel of kernels) {
      const which = kernel.replace(/^datapark-/, '');
      const container = initContainer(pod, `${which}-kernel`);
      expect(container?.command).toEqual([
        'sh',
        '/opt/datapark/kernel-setup/install-kernels.sh',
        which,
      ]);
      expect(container!.volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'kernel-setup', mountPath: '/opt/datapark/kernel-setup' }),
      );
      expect(envOf(container!)['KERNELS_DIR']).toBe('/opt/datapark/jupyter');
      expect(script).toContain(`write_kernel ${kernel} `);
    }
  });

  it('runs the TypeScript install in the pinned node image, non-root, read-only root, npm writing only to volumes', () => {
    const ts = initContainer(pod, 'typescript-kernel')!;
    expect(ts.image).toMatch(/^docker\.io\/library\/node:24\.\d+\.\d+-bookworm-slim$/);
    expect(pod.spec.securityContext).toEqual(
      expect.objectContaining({ runAsUser: 1000, runAsGroup: 100, runAsNonRoot: true }),
    );
    expect(ts.securityContext).toEqual(
      expect.objectContaining({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }),
    );
    expect(ts.resources?.limits).toEqual(
      expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
    );
    const env = envOf(ts);
    expect(env).toEqual(
      expect.objectContaining({
        TYPESCRIPT_DIR: '/opt/datapark/typescript',
        SDK_DIR: '/opt/datapark/kernel-setup',
        npm_config_registry: 'https://registry.npmjs.org/',
        HOME: '/tmp/home',
        npm_config_cache: '/tmp/npm-cache',
      }),
    );
    const mounts = new Map(ts.volumeMounts!.map((m) => [m.mountPath, m.name]));
    expect(mounts.get('/tmp')).toBe('npm-tmp');
    expect(mounts.get('/opt/datapark/typescript')).toBe('typescript');
    const byName = new Map(volumes(pod).map((v) => [v.name, v]));
    for (const name of ['kernels', 'typescript', 'npm-tmp'])
      expect(byName.get(name)?.emptyDir?.sizeLimit).toBeTruthy();
    expect(byName.get('kernel-setup')?.configMap?.name).toBe('dp-jupyter-kernels');
  });

  it("puts the kernelspecs on the server's JUPYTER_PATH, and package.json and node_modules above every notebook", () => {
    const jupyter = server(pod);
    expect(envOf(jupyter)['JUPYTER_PATH']).toBe('/opt/datapark/jupyter');
    const mounts = jupyter.volumeMounts!;
    expect(mounts).toContainEqual({
      name: 'kernels',
      mountPath: '/opt/datapark/jupyter',
      readOnly: true,
    });
    expect(mounts).toContainEqual({ name: 'typescript', mountPath: '/opt/datapark/typescript' });
    expect(mounts).toContainEqual({
      name: 'typescript',
      mountPath: '/home/jovyan/package.json',
      subPath: 'package.json',
      readOnly: true,
    });
    expect(mounts).toContainEqual({
      name: 'typescript',
      mountPath: '/home/jovyan/node_modules',
      subPath: 'node_modules',
      readOnly: true,
    });
    expect(mounts).toContainEqual(
      expect.objectContaining({ name: 'work', mountPath: '/home/jovyan/work' }),
    );
  });

  it('ships the script, the package.json and the SDK tarballs of files/ unchanged, well under 1 MiB', () => {
    const kernels = configMap(manifests, 'dp-jupyter-kernels');
    expect(kernels.data!['install-kernels.sh']).toBe(readFileSync(SCRIPT, 'utf8'));
    const sdk = join(JUPYTER_CHART, 'files', 'sdk');
    expect(kernels.data!['package.json']).toBe(readFileSync(join(sdk, 'package.json'), 'utf8'));
    const tarballs = readdirSync(sdk).filter((n) => n.endsWith('.tgz'));
    expect(Object.keys(kernels.binaryData ?? {}).sort()).toEqual(tarballs.sort());
    for (const name of tarballs)
      expect({ name, sha256: sha256(Buffer.from(kernels.binaryData![name]!, 'base64')) }).toEqual({
        name,
        sha256: sha256(readFileSync(join(sdk, name))),
      });
    const size = JSON.stringify(kernels).length;
    expect(size).toBeLessThan(600_000);
  });

  it('names in package.json every package the TypeScript notebooks import, the SDKs as shipped tarballs and deno as the workspace pins it', () => {
    const pkg = JSON.parse(
      readFileSync(join(JUPYTER_CHART, 'files', 'sdk', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    expect(pkg.dependencies['deno']).toBe(lock.packages['node_modules/deno']!.version);
    for (const name of readdirSync(NOTEBOOKS).filter((n) => n.endsWith('.ipynb'))) {
      const notebook = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as {
        metadata: { kernelspec: { name: string } };
        cells: { cell_type: string; source: string | string[] }[];
      };
      if (notebook.metadata.kernelspec.name !== 'datapark-typescript') continue;
      const code = notebook.cells
        .filter((c) => c.cell_type === 'code')
        .map((c) => [c.source].flat().join(''))
        .join('\n');
      for (const [, specifier] of code.matchAll(/\bfrom\s+'([^'.][^']*)'/g)) {
        const pkgName = specifier!.startsWith('@')
          ? specifier!.split('/').slice(0, 2).join('/')
          : specifier!.split('/')[0]!;
        expect({ notebook: name, pkgName, spec: pkgName in pkg.dependencies }).toEqual({
          notebook: name,
          pkgName,
          spec: true,
        });
        if (pkgName.startsWith('@datapark/'))
          expect(pkg.dependencies[pkgName]).toMatch(/^file:sdk\/datapark-.*\.tgz$/);
      }
    }
  });

  it("lets the pod reach the registry's port (443) on public addresses, and nothing else beyond the release and DNS", () => {
    const policy = jupyterPolicy(manifests);
    expect(policy.policyTypes).toContain('Egress');
    expect(policy.egress).toEqual([
      {
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: [
                '10.0.0.0/8',
                '172.16.0.0/12',
                '192.168.0.0/16',
                '100.64.0.0/10',
                '169.254.0.0/16',
              ],
            },
          },
        ],
        ports: [{ port: 443, protocol: 'TCP' }],
      },
    ]);
  });

  it('refuses the kernel without a way to the registry, naming the value to set', async () => {
    const result = await helm([
      'template',
      'dp',
      CHART,
      '--namespace',
      'datapark',
      '--set',
      'jupyter.typescriptKernel.enabled=true',
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      "jupyter.typescriptKernel.npmEgress.enabled: the TypeScript kernel's init container npm-installs from https://registry.npmjs.org/ at every pod start",
    );
    expect(result.stderr).toContain('jupyter.typescriptKernel.npmEgress.enabled=true');
  });

  it('opens the port of a registry URL that names one, to the peers given', async () => {
    const text = await renderYaml([
      ...TYPESCRIPT_KERNEL,
      '--set',
      'jupyter.typescriptKernel.registry=http://npm-mirror.tools.svc:4873/',
      '--set-json',
      'jupyter.typescriptKernel.npmEgress.peers=[{"namespaceSelector":{"matchLabels":{"name":"tools"}}}]',
    ]);
    const rendered = parseManifests(text);
    expect(jupyterPolicy(rendered).egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { name: 'tools' } } }],
        ports: [{ port: 4873, protocol: 'TCP' }],
      },
    ]);
    expect(
      envOf(initContainer(jupyterPod(rendered), 'typescript-kernel')!)['npm_config_registry'],
    ).toBe('http://npm-mirror.tools.svc:4873/');
  });
});

describe('the jupyter chart without the TypeScript kernel (the default)', () => {
  let manifests: Manifest[] = [];
  let pod: Pod;
  beforeAll(async () => {
    manifests = (await renderProfile('default')).manifests;
    pod = jupyterPod(manifests);
  });

  it('has no TypeScript init container, volumes, mounts, tarballs or egress', () => {
    expect((pod.spec.initContainers ?? []).map((c) => c.name)).toEqual([
      'copy-notebooks',
      'pyspark-kernel',
    ]);
    expect(
      volumes(pod)
        .map((v) => v.name)
        .sort(),
    ).toEqual([
      'home',
      'kernel-setup',
      'kernels',
      'python-sdk',
      'samples',
      'spark-conf',
      'tmp',
      'work',
    ]);
    expect(server(pod).volumeMounts!.map((m) => m.name)).not.toContain('typescript');
    expect(pod.spec.containers.flatMap((c) => c.image)).not.toContainEqual(
      expect.stringContaining('node:'),
    );
    const kernels = configMap(manifests, 'dp-jupyter-kernels');
    expect(Object.keys(kernels.data!)).toEqual(['install-kernels.sh']);
    expect(kernels.binaryData).toBeUndefined();
    const policy = jupyterPolicy(manifests);
    expect(policy.policyTypes).toEqual(['Ingress']);
    expect(policy.egress).toBeUndefined();
  });

  it('stays so with npmEgress on: no egress without the kernel that needs it', async () => {
    const rendered = parseManifests(
      await renderYaml(['--set', 'jupyter.typescriptKernel.npmEgress.enabled=true']),
    );
    expect(jupyterPolicy(rendered).policyTypes).toEqual(['Ingress']);
    expect(jupyterPolicy(rendered).egress).toBeUndefined();
  });

  it('still serves the PySpark kernel the PySpark notebook names', () => {
    expect(initContainer(pod, 'pyspark-kernel')?.command).toEqual([
      'sh',
      '/opt/datapark/kernel-setup/install-kernels.sh',
      'pyspark',
    ]);
    expect(envOf(server(pod))['JUPYTER_PATH']).toBe('/opt/datapark/jupyter');
  });
});

describe('install-kernels.sh, run as the init containers run it, and a TypeScript notebook on the kernel it installs', () => {
  // The pod's filesystem under one temporary directory: each volume at its mount path.
  const fs = mkdtempSync(join(tmpdir(), 'datapark-kernels-'));
  const inPod = (path: string) => join(fs, path);
  const output: string[] = [];
  let manifests: Manifest[] = [];
  let pod: Pod;

  /** Runs the rendered script with the init container's env, its absolute paths under `fs`. */
  async function runInitContainer(name: string) {
    const container = initContainer(pod, name);
    if (!container) throw new Error(`no init container ${name}`);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(envOf(container)))
      env[key] = value.startsWith('/') ? inPod(value) : value;
    // npm's cache is this machine's own (~/.npm), not the pod's emptyDir: what is tested is the
    // script, and a warm cache spares CI the ~50 MB download on every run.
    if (env['npm_config_cache']) env['npm_config_cache'] = hostNpmCache();
    for (const key of ['HOME', 'TMPDIR', 'npm_config_cache'])
      if (env[key]) mkdirSync(env[key], { recursive: true });
    const [shell, script, ...args] = container.command!;
    const started = Date.now();
    const result = await execa(shell!, [inPod(script!), ...args], {
      reject: false,
      all: true,
      // The images' PATH: node and npm (node image), the venv's python for the notebook image's;
      // and this machine's way out (its CA bundle, a proxy), which a cluster's node has its own of.
      env: {
        ...hostNetworkEnv(),
        ...env,
        PATH: [VENV_BIN, dirname(process.execPath), process.env['PATH']].join(delimiter),
      },
      extendEnv: false,
      timeout: 600_000,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    output.push(
      `── ${name}: ${shell} ${script} ${args.join(' ')} (exit ${result.exitCode}, ${seconds} s)\n${result.all}`,
    );
    if (result.exitCode !== 0)
      throw new Error(`init container ${name} failed:\n${output.join('\n')}`);
    console.log(`${name}: install-kernels.sh ${args.join(' ')} took ${seconds} s`);
  }

  beforeAll(async () => {
    manifests = await renderWithTypescriptKernel();
    pod = jupyterPod(manifests);
    // The ConfigMaps' files at their mount paths, as the kubelet writes them.
    const kernels = configMap(manifests, 'dp-jupyter-kernels');
    const setup = inPod('/opt/datapark/kernel-setup');
    mkdirSync(setup, { recursive: true });
    for (const [key, value] of Object.entries(kernels.data ?? {}))
      writeFileSync(join(setup, key), value);
    for (const [key, value] of Object.entries(kernels.binaryData ?? {}))
      writeFileSync(join(setup, key), Buffer.from(value, 'base64'));
    const samples = inPod('/home/jovyan/work/datapark-samples');
    mkdirSync(samples, { recursive: true });
    for (const [key, value] of Object.entries(
      configMap(manifests, 'dp-jupyter-notebooks').data ?? {},
    ))
      writeFileSync(join(samples, key), value);
    for (const dir of ['/opt/datapark/jupyter', '/opt/datapark/typescript'])
      mkdirSync(inPod(dir), { recursive: true });
  });

  // ~170 MB (node_modules, npm's cache): kept only when something failed, to look at.
  let notebookRan = false;
  afterAll(() => {
    if (notebookRan) rmSync(fs, { recursive: true, force: true });
    else console.log(`install-kernels.sh's files are kept in ${fs}`);
  });

  it("is the chart's file, byte for byte", () => {
    expect(readFileSync(inPod('/opt/datapark/kernel-setup/install-kernels.sh'), 'utf8')).toBe(
      readFileSync(SCRIPT, 'utf8'),
    );
  });

  it("writes both kernelspecs: pyspark (the notebook image's python) and typescript (Deno from the registry, the SDKs from the chart)", async () => {
    if (!existsSync(join(VENV_BIN, 'python')))
      throw new Error(
        `${VENV_BIN}/python is missing (it stands in for the notebook image's): bash tools/ci/python.sh`,
      );
    await runInitContainer('pyspark-kernel');
    await runInitContainer('typescript-kernel');
    const spec = (name: string) =>
      JSON.parse(
        readFileSync(inPod(`/opt/datapark/jupyter/kernels/${name}/kernel.json`), 'utf8'),
      ) as { argv: string[]; env: Record<string, string> };
    const ts = spec('datapark-typescript');
    expect(ts.argv.slice(1)).toEqual(['jupyter', '--kernel', '--conn', '{connection_file}']);
    expect(ts.argv[0]!.startsWith(inPod('/opt/datapark/typescript/node_modules/@deno/'))).toBe(
      true,
    );
    expect(ts.env).toEqual({
      DENO_DIR: inPod('/opt/datapark/typescript/deno-dir'),
      DENO_NO_UPDATE_CHECK: '1',
      DENO_NO_PROMPT: '1',
    });
    const py = spec('datapark-pyspark');
    expect(py.argv).toEqual([
      join(VENV_BIN, 'python3'),
      '-m',
      'ipykernel_launcher',
      '-f',
      '{connection_file}',
    ]);
    expect(py.env['SPARK_CONF_DIR']).toBe(inPod('/opt/datapark/spark-conf'));
    // Whatever sits in the registry under @datapark/* is not what got installed.
    const lock = JSON.parse(
      readFileSync(inPod('/opt/datapark/typescript/package-lock.json'), 'utf8'),
    ) as {
      packages: Record<string, { resolved?: string }>;
    };
    const sdks = Object.entries(lock.packages).filter(([path]) =>
      path.includes('node_modules/@datapark/'),
    );
    expect(sdks.length).toBeGreaterThanOrEqual(5);
    for (const [path, { resolved }] of sdks)
      expect({ path, resolved }).toEqual({ path, resolved: expect.stringMatching(/^file:sdk\//) });
  }, 900_000);

  it("runs postgres-kysely.ipynb headless with that kernelspec, against the local platform's PostgreSQL", async () => {
    const kernelJson = inPod('/opt/datapark/jupyter/kernels/datapark-typescript/kernel.json');
    if (!existsSync(kernelJson))
      throw new Error(`no kernelspec (the install above failed):\n${output.join('\n')}`);
    // The subPath mounts over the image's home directory.
    for (const name of ['package.json', 'node_modules'])
      if (!existsSync(inPod(`/home/jovyan/${name}`)))
        symlinkSync(inPod(`/opt/datapark/typescript/${name}`), inPod(`/home/jovyan/${name}`));
    const config = platformConfig();
    const reachable = await new Promise<boolean>((resolve) => {
      const socket = connect({
        host: config.postgres.host,
        port: config.postgres.port,
        timeout: 3000,
      });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => (socket.destroy(), resolve(false)));
    });
    if (!reachable)
      throw new Error(
        `the local platform's PostgreSQL (${config.postgres.host}:${config.postgres.port}) does not answer: start it (node apps/datapark-cli/dist/cli.js up) and run this again`,
      );
    const samples = inPod('/home/jovyan/work/datapark-samples');
    const runner = `
import sys, nbformat, nbclient
from jupyter_client.kernelspec import KernelSpecManager
from nbclient.exceptions import CellExecutionError
path, cwd, kernels = sys.argv[1:4]
spec = KernelSpecManager().get_kernel_spec("datapark-typescript")
if not spec.resource_dir.startswith(kernels):
    sys.exit(f"datapark-typescript resolves to {spec.resource_dir}, not the one under {kernels}")
notebook = nbformat.read(path, as_version=4)
client = nbclient.NotebookClient(notebook, timeout=300, kernel_name=notebook.metadata.kernelspec.name, resources={"metadata": {"path": cwd}})
try:
    client.execute()
except CellExecutionError as error:
    sys.exit(f"a cell failed:\\n{error}")
cells = [c for c in notebook.cells if c.cell_type == "code"]
print(f"{len(cells)} code cells, {sum(1 for c in cells if c.get('execution_count'))} ran")
`;
    const result = await execa(
      join(VENV_BIN, 'python'),
      [
        '-c',
        runner,
        join(samples, 'postgres-kysely.ipynb'),
        samples,
        inPod('/opt/datapark/jupyter'),
      ],
      {
        reject: false,
        all: true,
        cwd: samples,
        env: {
          JUPYTER_PATH: inPod('/opt/datapark/jupyter'),
          JUPYTER_RUNTIME_DIR: inPod('/tmp/jupyter-runtime'),
          // The pod's DATAPARK_* come from the Deployment; here the local platform's endpoints file.
          DATAPARK_STATE_DIR: resolveStateDir(process.env, ROOT),
        },
        timeout: 600_000,
      },
    );
    if (result.exitCode !== 0)
      throw new Error(
        `postgres-kysely.ipynb failed on the installed kernel:\n${result.all}\n\nthe install's output:\n${output.join('\n')}`,
      );
    expect(result.stdout).toMatch(/^(\d+) code cells, \1 ran$/m);
    notebookRan = true;
  }, 900_000);
});
