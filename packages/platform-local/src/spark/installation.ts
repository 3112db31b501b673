import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { PrerequisiteError } from '@datapark/platform';

export const NAME = 'spark';

/** Where the pyspark wheel is: its jars and bin/spark-class are the Spark distribution we run. */
export function sparkHome(workspaceRoot: string): string | undefined {
  const lib = join(workspaceRoot, '.venv', 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib).filter((d) => d.startsWith('python'))) {
    const home = join(lib, python, 'site-packages', 'pyspark');
    if (existsSync(join(home, 'bin', 'spark-class'))) return home;
  }
  return undefined;
}

/** {@link sparkHome} of this checkout, or a PrerequisiteError naming the install script. */
export function requireSparkHome(ctx: ComponentContext): string {
  const found = sparkHome(ctx.workspaceRoot);
  if (!found)
    throw new PrerequisiteError(
      'pyspark is not installed in the project venv',
      NAME,
      'bash tools/ci/python.sh',
    );
  return found;
}

/** Where tools/ci/maven.sh puts the Kafka and JDBC connector jars every Spark process loads. */
export function connectorJarsDir(ctx: ComponentContext): string {
  return join(ctx.workspaceRoot, '.tools', 'jars', 'spark');
}
