// Two lanes for `npm test`: commands that run in the terminal, and commands that run beside
// them with their output kept in a file and shown whole afterwards, so neither log is cut into
// the other. Used by test.mjs to lint and typecheck while the platform's tests wait on services.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

const outcome = (status) => (status === 0 ? 'ok' : `failed (exit ${status})`);
const secondsSince = (started) => ((Date.now() - started) / 1000).toFixed(0);

function exitStatus(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, options);
    child.on('error', (error) => {
      process.stderr.write(`${command} could not start: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Runs `commands` ([command, args] pairs) one after another, their output into `logFile`.
 * Each runs even when one before it failed, as tasks of one nx run do (a failed lint does not
 * keep tests from running). Resolves, when the last is done, to what `showLog` prints.
 */
export async function runBeside(title, commands, logFile, { cwd, env }) {
  const log = openSync(logFile, 'w');
  const started = Date.now();
  process.stderr.write(`\n━━ ${title}: beside what follows, its output in ${logFile}\n`);
  let status = 0;
  try {
    for (const [command, args] of commands) {
      const code = await exitStatus(command, args, { cwd, env, stdio: ['ignore', log, log] });
      if (status === 0) status = code;
    }
  } finally {
    closeSync(log);
  }
  return { title, logFile, status, seconds: secondsSince(started) };
}

/** Prints what `runBeside` ran, its output and its outcome; returns its exit status. */
export function showLog({ title, logFile, status, seconds }) {
  process.stderr.write(`\n━━ ${title} (ran beside the steps above)\n`);
  process.stderr.write(readFileSync(logFile, 'utf8'));
  process.stderr.write(`━━ ${title}: ${outcome(status)} in ${seconds}s\n`);
  return status;
}

/** Runs a command in the terminal, its output shown as it comes; resolves to its exit status. */
export async function runInTerminal(title, command, args, { cwd, env }) {
  process.stderr.write(`\n━━ ${title}\n`);
  const started = Date.now();
  const status = await exitStatus(command, args, { cwd, env, stdio: 'inherit' });
  process.stderr.write(`━━ ${title}: ${outcome(status)} in ${secondsSince(started)}s\n`);
  return status;
}
