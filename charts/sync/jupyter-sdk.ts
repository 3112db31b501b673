// jupyter/files/sdk/: what the TypeScript kernel's init container npm-installs. Deno resolves
// the notebooks' bare imports from node_modules, so the init container installs the SDKs
// (`npm pack`ed here: they are not on the registry) with their npm dependencies, and whatever
// npm package a notebook imports itself, from a package.json naming them all (versions from
// package-lock.json).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { generatorName, listFiles, ROOT } from './files.ts';
import type { Delivery, DeliveredFile } from './files.ts';
import { importedPackages } from './imported-packages.ts';
import { SyncError } from './sync-error.ts';

const GENERATED_BY = generatorName(import.meta.filename);

/** What the sync reads of a package.json. */
interface PackageJson {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/** What the sync reads of package-lock.json (lockfileVersion 3). */
interface PackageLock {
  readonly packages: Readonly<Record<string, { readonly version?: string }>>;
}

/** What the sync reads of a notebook (nbformat 4). */
interface Notebook {
  readonly metadata?: { readonly kernelspec?: { readonly name?: string } };
  readonly cells: readonly { readonly cell_type: string; readonly source: string | string[] }[];
}

interface WorkspacePackage {
  readonly dir: string;
  readonly pkg: PackageJson;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The packages of packages/, by name. */
function workspacePackages(): ReadonlyMap<string, WorkspacePackage> {
  return new Map(
    readdirSync(join(ROOT, 'packages'))
      .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
      .map((dir) => {
        const pkg = readJson<PackageJson>(join(ROOT, 'packages', dir, 'package.json'));
        return [pkg.name, { dir: join(ROOT, 'packages', dir), pkg }];
      }),
  );
}

/** The version package-lock.json installs of an npm package (what the workspace runs with). */
function lockedVersion(lock: PackageLock, name: string, why: string): string {
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new SyncError(`${name} (${why}) is not in package-lock.json's node_modules`);
  return version;
}

/** The code cells of apps/notebooks/notebooks/*.ipynb that run in the TypeScript kernel, by notebook. */
function typescriptNotebooks(): ReadonlyMap<string, string> {
  const dir = join(ROOT, 'apps', 'notebooks', 'notebooks');
  const code = new Map<string, string>();
  for (const path of listFiles(dir, (name) => name.endsWith('.ipynb'))) {
    if (dirname(path) !== dir) continue;
    const notebook = readJson<Notebook>(path);
    if (notebook.metadata?.kernelspec?.name !== 'datapark-typescript') continue;
    code.set(
      path,
      notebook.cells
        .filter((c) => c.cell_type === 'code')
        .map((c) => [c.source].flat().join(''))
        .join('\n'),
    );
  }
  return code;
}

function workspacePackage(
  workspace: ReadonlyMap<string, WorkspacePackage>,
  name: string,
): WorkspacePackage {
  const found = workspace.get(name);
  if (!found) throw new SyncError(`${name} is no package of packages/`);
  return found;
}

/**
 * Adds to `wanted` the workspace packages its packages depend on. A package whose code imports
 * an npm package it does not declare works in the workspace (hoisted node_modules) but not in
 * the pod: refused here.
 */
function addWorkspaceDependencies(
  workspace: ReadonlyMap<string, WorkspacePackage>,
  wanted: Set<string>,
): void {
  // A Set's iteration visits what the loop adds to it.
  for (const name of wanted) {
    const { dir, pkg } = workspacePackage(workspace, name);
    const declared = { ...pkg.dependencies, ...pkg.peerDependencies };
    for (const dep of Object.keys(declared)) if (workspace.has(dep)) wanted.add(dep);
    if (!existsSync(join(dir, 'dist')))
      throw new SyncError(
        `${relative(ROOT, dir)}/dist is missing: build ${name} first (npx nx run-many -t build)`,
      );
    const code = listFiles(join(dir, 'dist'), (file) => /\.(c|m)?js$/.test(file))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const dep of importedPackages(code)) {
      if (dep === name || Object.hasOwn(declared, dep)) continue;
      throw new SyncError(
        `${name} imports ${dep} without declaring it in its package.json (add it to "dependencies")`,
      );
    }
  }
}

/** `npm pack` of a package's folder: the tarball's file name and bytes. */
function npmPack(dir: string, destination: string): { filename: string; content: Buffer } {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as readonly { readonly filename: string }[];
  if (!packed) throw new SyncError(`npm pack in ${relative(ROOT, dir)} reported no tarball`);
  return { filename: packed.filename, content: readFileSync(join(destination, packed.filename)) };
}

export const jupyterSdk: Delivery = {
  folder: 'jupyter/files/sdk',
  generatedBy: GENERATED_BY,
  build() {
    const lock = readJson<PackageLock>(join(ROOT, 'package-lock.json'));
    const workspace = workspacePackages();
    // @datapark/db too, which no sample imports: its Kysely Database types are the warehouse's
    // contract, for the learner's own notebooks.
    const wanted = new Set(['@datapark/db']);
    const external = new Map([['deno', lockedVersion(lock, 'deno', 'the TypeScript kernel')]]);
    for (const [path, code] of typescriptNotebooks())
      for (const name of importedPackages(code)) {
        if (workspace.has(name)) wanted.add(name);
        else if (name.startsWith('@datapark/'))
          throw new SyncError(
            `${relative(ROOT, path)} imports ${name}, which is no package of packages/`,
          );
        else external.set(name, lockedVersion(lock, name, `imported by ${relative(ROOT, path)}`));
      }
    addWorkspaceDependencies(workspace, wanted);

    const files: Record<string, DeliveredFile> = {};
    const dependencies: Record<string, string> = {};
    const packDir = mkdtempSync(join(tmpdir(), 'datapark-sdk-pack-'));
    try {
      for (const name of [...wanted].sort()) {
        const { dir } = workspacePackage(workspace, name);
        const { filename, content } = npmPack(dir, packDir);
        // Flat (ConfigMap keys hold no "/"); the init container copies them into sdk/.
        files[filename] = { content, source: relative(ROOT, dir) };
        dependencies[name] = `file:sdk/${filename}`;
      }
    } finally {
      rmSync(packDir, { recursive: true, force: true });
    }
    for (const [name, version] of [...external].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      dependencies[name] = version;
    files['package.json'] = {
      content:
        JSON.stringify(
          {
            name: 'datapark-notebooks-kernel',
            private: true,
            description: `What the TypeScript notebooks import, for Deno to resolve from node_modules. Generated by ${GENERATED_BY}; installed by the jupyter chart's init container.`,
            type: 'module',
            dependencies,
          },
          null,
          2,
        ) + '\n',
      source: 'package-lock.json',
    };
    return files;
  },
};
