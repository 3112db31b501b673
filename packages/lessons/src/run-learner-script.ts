import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** A learner's script running as a child process, its output kept for the report. */
export interface LearnerProcess {
  readonly child: ChildProcess;
  /** The last lines it wrote (stdout and stderr together). */
  output(): string;
  /** Resolves with its exit code (or the signal's name) once it has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
}

/**
 * Runs `node <script>` as the learner does (Node 24 strips the types), from the checkout's
 * root, with the lesson's suffix in DATAPARK_LESSON_SUFFIX for a test's own names.
 */
export function runLearnerScript(script: string, root: string, suffix: string): LearnerProcess {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, DATAPARK_LESSON_SUFFIX: suffix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = once(child, 'exit').then(([code, signal]) => {
    done = true;
    return (code as number | null) ?? (signal as string);
  });
  return { child, output: () => tail.trim(), exited, hasExited: () => done };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopLearnerScript(
  p: LearnerProcess,
  graceMs = 30_000,
): Promise<number | string> {
  if (p.hasExited()) return p.exited;
  p.child.kill('SIGTERM');
  const grace = new AbortController();
  const result = await Promise.race([
    p.exited,
    sleep(graceMs, undefined, { signal: grace.signal }).then(
      () => undefined,
      () => undefined,
    ),
  ]);
  grace.abort(); // the timer must not keep the process alive
  if (result !== undefined) return result;
  p.child.kill('SIGKILL');
  return p.exited;
}
