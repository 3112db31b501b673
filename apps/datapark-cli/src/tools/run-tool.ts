import { spawn } from 'node:child_process';
import type { ToolInvocation } from '@datapark/platform-local';

/**
 * Runs a tool in the foreground (the terminal is its own: psql's prompt, a consumer's records)
 * and resolves with its exit code. Ctrl-C reaches the tool through the terminal's process
 * group; here SIGINT is only waited out, so the tool's files are removed after it has gone. A
 * SIGTERM sent to datapark alone is passed on.
 */
export function runTool(tool: ToolInvocation): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.command, [...tool.args], { env: tool.env, stdio: 'inherit' });
    const ignore = () => undefined;
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    const done = () => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      tool.dispose();
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}
