import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformError, silentReporter } from '@datapark/platform';
import { LocalPlatform } from '@datapark/platform-local';
import { startDaemon, stopDaemon } from '../src/daemon.js';
import { isAlive, readPidFile, runningPid } from '../src/pid-file.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'datapark-safety-'));

describe('pid files', () => {
  it('record who the process is, so a reused pid is reported as stale and never signalled', async () => {
    const dir = scratch();
    const pidFile = join(dir, 'sleeper.pid');
    startDaemon({ command: 'sleep', args: ['300'], pidFile, logFile: join(dir, 'sleeper.log') });
    const pid = runningPid(pidFile)!;
    expect(readFileSync(pidFile, 'utf8')).toMatch(/^\d+\nstart=\d+\nboot=[0-9a-f-]+\n$/);

    // An unrelated process now holds the pid the file names: the same pid, another start time.
    const bystander = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      writeFileSync(
        pidFile,
        `${bystander.pid}\n${readFileSync(pidFile, 'utf8').split('\n').slice(1).join('\n')}`,
      );
      expect(readPidFile(pidFile)).toEqual({ state: 'stale', pid: bystander.pid });
      expect(runningPid(pidFile)).toBeUndefined();
      const said: string[] = [];
      await expect(stopDaemon(pidFile, 1000, (m) => said.push(m))).resolves.toBe(false);
      expect(said[0]).toMatch(/is now another process.*not signalled/);
      expect(isAlive(bystander.pid!)).toBe(true);
      expect(existsSync(pidFile)).toBe(false);

      // A file from before a reboot (another boot id) is stale too.
      writeFileSync(
        pidFile,
        `${pid}\nstart=${readPidStart(pid)}\nboot=00000000-0000-0000-0000-000000000000\n`,
      );
      expect(readPidFile(pidFile).state).toBe('stale');
    } finally {
      bystander.kill('SIGKILL');
      process.kill(pid, 'SIGKILL');
    }
  });

  it('stop the process they name when it is still that process', async () => {
    const dir = scratch();
    const pidFile = join(dir, 'sleeper.pid');
    const pid = startDaemon({
      command: 'sleep',
      args: ['300'],
      pidFile,
      logFile: join(dir, 'log'),
    });
    expect(readPidFile(pidFile)).toEqual({ state: 'running', pid });
    await expect(stopDaemon(pidFile, 5000)).resolves.toBe(true);
    expect(isAlive(pid)).toBe(false);
  });
});

function readPidStart(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

describe('down --purge', () => {
  it('refuses to delete a state directory the platform did not create, and deletes one it did', async () => {
    const home = scratch();
    writeFileSync(join(home, 'thesis.tex'), 'years of work');
    const foreign = new LocalPlatform({
      components: [],
      reporter: silentReporter,
      configOptions: { env: { ...process.env, DATAPARK_STATE_DIR: home }, cwd: home },
    });
    await foreign.up();
    await expect(foreign.down({ purge: true })).rejects.toThrow(PlatformError);
    await expect(foreign.down({ purge: true })).rejects.toThrow(
      /refusing to purge .*no \.datapark-state marker/,
    );
    expect(readFileSync(join(home, 'thesis.tex'), 'utf8')).toBe('years of work');

    const own = join(scratch(), 'state');
    const platform = new LocalPlatform({
      components: [],
      reporter: silentReporter,
      configOptions: { env: { ...process.env, DATAPARK_STATE_DIR: own }, cwd: own },
    });
    await platform.up();
    expect(existsSync(join(own, '.datapark-state'))).toBe(true);
    await platform.down({ purge: true });
    expect(existsSync(own)).toBe(false);
  });
});
