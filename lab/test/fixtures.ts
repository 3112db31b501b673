import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';

export const lab = join(import.meta.dirname, '..');
export const root = join(lab, '..');
/** The shared platform's config, found from this checkout as a lab script finds it. */
export const config = loadConfig({ cwd: lab });

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a lab script as a learner does, `node lab/scripts/x.ts …` (Node 24 strips the types),
 * from `cwd` (default lab/) with `env` (default this process's, without DATAPARK_* variables
 * that would decide for it).
 */
export function runScript(
  script: string,
  args: readonly string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ScriptRun> {
  const env =
    options.env ??
    Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DATAPARK_')));
  const child = spawn(process.execPath, [join(lab, 'scripts', script), ...args], {
    cwd: options.cwd ?? lab,
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A connection as the lab role, for a test to look at what a script or job wrote. */
export const asLab = () => createPool(config, 'lab', { max: 1 });
