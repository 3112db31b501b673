// spark/files/jars/ and jupyter/files/jars/: jars.lock, the Spark connector jars the local
// platform puts on every Spark classpath (tools/jars/spark/pom.xml, resolved and pinned with their
// sha256 by tools/jars/lock.sh), which the pods that run Spark download at start when
// global.sparkJars.enabled (charts/datapark/charts/common, datapark.common.v1.sparkJars*).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, generatorName } from './files.ts';
import type { Delivery } from './files.ts';
import { SyncError } from './sync-error.ts';

const LOCK = 'tools/jars/spark/jars.lock';
/** "<sha256>  <path in a Maven repository>". */
const LINE = /^[0-9a-f]{64} {2}[A-Za-z0-9._/-]+\.jar$/;

function lockTree() {
  const content = readFileSync(join(ROOT, LOCK), 'utf8');
  const jars = content.split('\n').filter((line) => line && !line.startsWith('#'));
  const bad = jars.filter((line) => !LINE.test(line));
  if (jars.length === 0 || bad.length > 0)
    throw new SyncError(
      `${LOCK}: expected "<sha256>  <path>.jar" lines, got ${bad.length > 0 ? JSON.stringify(bad[0]) : 'none'}; regenerate it: bash tools/jars/lock.sh spark`,
    );
  return { 'jars.lock': { content, source: LOCK } };
}

const delivery = (chart: string): Delivery => ({
  folder: `${chart}/files/jars`,
  generatedBy: generatorName(import.meta.filename),
  build: lockTree,
});

export const sparkJars = delivery('spark');
export const jupyterJars = delivery('jupyter');
