import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot, loadConfig } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { silentReporter } from '@datapark/platform';
import { jupyterComponent } from '../src/jupyter/component.js';
import { jupyterPaths, KERNELS } from '../src/jupyter/paths.js';
import { jupyterServerArgs, jupyterServerEnv } from '../src/jupyter/server-config.js';
import { freePort } from './fixtures.js';

const ROOT = findWorkspaceRoot(import.meta.dirname)!;

/** A component context of its own: a scratch state directory, this checkout's venv. */
function scratchContext(env: Record<string, string>): ComponentContext {
  const stateDir = mkdtempSync(join(tmpdir(), 'datapark-jupyter-'));
  const options = { env: { ...process.env, ...env, DATAPARK_STATE_DIR: stateDir }, cwd: stateDir };
  return {
    stateDir,
    dir: join(stateDir, 'jupyter'),
    logDir: join(stateDir, 'logs'),
    workspaceRoot: ROOT,
    config: loadConfig(options),
    reporter: silentReporter,
    publish: () => undefined,
  };
}

describe("JupyterLab's configuration", () => {
  const ctx = scratchContext({});
  afterAll(() => rmSync(ctx.stateDir, { recursive: true, force: true }));

  it('roots JupyterLab at a folder that holds the notebooks and nothing of the project', () => {
    const args = jupyterServerArgs(ctx, new URL('http://127.0.0.1:18888'), false);
    const root = args.find((a) => a.startsWith('--ServerApp.root_dir='))!.split('=')[1]!;
    expect(root).toBe(join(ROOT, 'apps', 'notebooks', 'notebooks'));
    const entries = readdirSync(root).filter((name) => name !== '.ipynb_checkpoints');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((name) => !name.endsWith('.ipynb'))).toEqual([]);
    expect(args).toContain('--ServerApp.ip=127.0.0.1');
  });

  it('finds the kernelspecs in the venv, not on a JUPYTER_PATH of the state directory', () => {
    process.env['JUPYTER_PATH'] = '/somewhere/else';
    try {
      const env = jupyterServerEnv(ctx);
      expect(env['JUPYTER_PATH']).toBeUndefined();
      expect(env['DATAPARK_STATE_DIR']).toBe(ctx.stateDir);
    } finally {
      delete process.env['JUPYTER_PATH'];
    }
    const { kernels } = jupyterPaths(ctx);
    expect(kernels).toBe(join(ROOT, '.venv', 'share', 'jupyter', 'kernels'));
  });
});

// A JupyterLab of its own, on a free port, started by the component as `up` starts it: what a
// learner sees once the shared platform's Jupyter restarts with this configuration.
describe('a JupyterLab started by the component', () => {
  let ctx: ComponentContext;
  let token: string;

  beforeAll(async () => {
    token = `test-${Date.now()}`;
    ctx = scratchContext({
      DATAPARK_JUPYTER_URL: `http://127.0.0.1:${await freePort()}`,
      DATAPARK_JUPYTER_TOKEN: token,
    });
    const jupyter = jupyterComponent();
    await jupyter.checkPrerequisites(ctx);
    await jupyter.start(ctx);
  }, 120_000);

  afterAll(async () => {
    if (ctx) {
      await jupyterComponent().stop(ctx);
      rmSync(ctx.stateDir, { recursive: true, force: true });
    }
  });

  const api = async (path: string) => {
    const response = await fetch(new URL(path, ctx.config.jupyter.url), {
      headers: { Authorization: `token ${token}` },
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<Record<string, unknown>>;
  };

  it('shows the notebooks at its root, and no package.json, project.json or tests/', async () => {
    const root = (await api('/api/contents')) as { content: { name: string; type: string }[] };
    const names = root.content.map((c) => c.name).sort();
    expect(names.length).toBeGreaterThan(0);
    expect(root.content.filter((c) => c.type !== 'notebook')).toEqual([]);
    for (const hidden of ['package.json', 'project.json', 'tests'])
      expect(names).not.toContain(hidden);
  });

  it("serves the notebooks' two kernels from the venv's kernelspecs", async () => {
    const specs = (await api('/api/kernelspecs')) as {
      kernelspecs: Record<string, { resources: Record<string, string> }>;
    };
    for (const name of KERNELS) {
      expect(Object.keys(specs.kernelspecs)).toContain(name);
      expect(existsSync(join(jupyterPaths(ctx).kernels, name, 'kernel.json'))).toBe(true);
    }
  });
});
