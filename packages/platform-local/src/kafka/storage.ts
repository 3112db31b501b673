import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { NAME, type KafkaNode } from './nodes.js';

/** A KRaft cluster id: 16 random bytes, base64url (Kafka's Uuid.toString form). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The cluster's id, generated once into `cluster-id` and shared by the three nodes. */
function clusterId(ctx: ComponentContext): string {
  const file = join(ctx.dir, 'cluster-id');
  if (!existsSync(file)) {
    mkdirSync(ctx.dir, { recursive: true });
    writeFileSync(file, newClusterId() + '\n');
  }
  return readFileSync(file, 'utf8').trim();
}

/** Formats a node's storage with the cluster id (StorageTool), unless it already is. */
export async function formatStorage(
  ctx: ComponentContext,
  node: KafkaNode,
  run: { java: () => string; classpath: string; props: string; log4j: string },
): Promise<void> {
  if (existsSync(join(node.dir, 'data', 'meta.properties'))) return;
  ctx.reporter.step(NAME, `formatting storage of ${node.unit}`);
  const format = await execa(
    run.java(),
    [
      '-Xmx256m',
      `-Dlog4j2.configurationFile=${run.log4j}`,
      '-cp',
      run.classpath,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId(ctx),
      '--config',
      run.props,
      '--ignore-formatted',
    ],
    { reject: false, all: true },
  );
  if (format.exitCode !== 0) {
    throw new PlatformError(
      `formatting ${node.unit} failed:\n${format.all}`,
      node.unit,
      `remove ${node.dir} and run up again`,
    );
  }
}
