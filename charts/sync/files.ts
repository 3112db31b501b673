import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { SyncError } from './sync-error.ts';

/** The repository's root. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** Where the umbrella chart's subcharts live; a delivery's folder is relative to it. */
export const SUBCHARTS = join(ROOT, 'charts', 'datapark', 'charts');

/** A file a chart delivers: its content and the repository path it comes from. */
export interface DeliveredFile {
  readonly content: string | Buffer;
  readonly source: string;
}

/** Delivered files keyed by their path in the delivery's folder. */
export type Tree = Readonly<Record<string, DeliveredFile>>;

/** One folder of files a subchart reads with `.Files.Get` / `.Files.Glob`. */
export interface Delivery {
  /** The folder it replaces, below charts/datapark/charts/: `postgresql/files/sql`. */
  readonly folder: string;
  /** What generates it, as SOURCES.json names it. */
  readonly generatedBy: string;
  /** Reads the sources; writes nothing. */
  build(): Tree | Promise<Tree>;
}

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * Replaces the delivery's folder with `tree` and a SOURCES.json naming the source and sha256 of
 * every file: the charts refuse to render without it, and the tests compare the copies with it.
 */
export function writeFolder(delivery: Delivery, tree: Tree): void {
  const dir = join(SUBCHARTS, delivery.folder);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [path, { content }] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const manifest = Object.fromEntries(
    Object.entries(tree).map(([path, { content, source }]) => [
      path,
      { source, sha256: sha256(content) },
    ]),
  );
  writeFileSync(
    join(dir, 'SOURCES.json'),
    JSON.stringify({ generatedBy: delivery.generatedBy, files: manifest }, null, 2) + '\n',
  );
  console.log(`sync-files: ${relative(ROOT, dir)}: ${Object.keys(tree).length} files`);
}

/**
 * The `accept`ed files below `dir`, in name order, depth first; no dot files or folders, no
 * `__pycache__`. None when `dir` does not exist.
 */
export function listFiles(dir: string, accept: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === '__pycache__' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path, accept));
    else if (accept(name)) out.push(path);
  }
  return out;
}

/** The `accept`ed files below `sourceDir` (relative to the root), keyed by their path below it. */
export function collectTree(sourceDir: string, accept: (name: string) => boolean): Tree {
  const tree: Record<string, DeliveredFile> = {};
  for (const path of listFiles(join(ROOT, sourceDir), accept))
    tree[relative(join(ROOT, sourceDir), path)] = {
      content: readFileSync(path, 'utf8'),
      source: relative(ROOT, path),
    };
  return tree;
}

/** Files (absolute paths) keyed by their path relative to the root. */
export function repositoryPathsTree(paths: readonly string[]): Tree {
  const tree: Record<string, DeliveredFile> = {};
  for (const path of paths) {
    const rel = relative(ROOT, path);
    tree[rel] = { content: readFileSync(path, 'utf8'), source: rel };
  }
  return tree;
}

/** Several trees in one folder; a path two of them hold is refused. */
export function mergeTrees(trees: readonly Tree[]): Tree {
  const merged: Record<string, DeliveredFile> = {};
  for (const tree of trees)
    for (const [path, file] of Object.entries(tree)) {
      const taken = merged[path];
      if (taken) throw new SyncError(`${file.source} and ${taken.source} both go to ${path}`);
      merged[path] = file;
    }
  return merged;
}

/** `tree` without the files below `folder`/. */
export function withoutFolder(tree: Tree, folder: string): Tree {
  return Object.fromEntries(
    Object.entries(tree).filter(([path]) => !path.startsWith(`${folder}/`)),
  );
}

/** How SOURCES.json and generated headers name a module: `generatorName(import.meta.filename)`. */
export const generatorName = (moduleFile: string) => relative(ROOT, moduleFile);
