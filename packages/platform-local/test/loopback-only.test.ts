import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import { silentReporter } from '@datapark/platform';
import { defaultComponents, LocalPlatform } from '@datapark/platform-local';
import { runningPid } from '../src/pid-file.js';

/** Every pid file under the state directory, ours and PostgreSQL's postmaster.pid. */
function pidFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.pid'))
    .map((e) => join(e.parentPath, e.name));
}

/** pid → parent pid, for every process. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

/** The recorded daemons and every process below them (drivers, executors, Celery's pool, kernels). */
function platformProcesses(roots: readonly number[]): Set<number> {
  const ppid = parents();
  const all = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of ppid)
      if (all.has(parent) && !all.has(pid)) {
        all.add(pid);
        grew = true;
      }
  }
  return all;
}

/** Listening TCP sockets by inode: their local address, decoded from /proc/net/tcp{,6}. */
function listeningSockets(): Map<string, string> {
  const sockets = new Map<string, string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A') continue; // TCP_LISTEN
      const [hex, port] = f[1]!.split(':');
      sockets.set(f[9]!, `${decodeAddress(hex!)}:${Number.parseInt(port!, 16)}`);
    }
  }
  return sockets;
}

function decodeAddress(hex: string): string {
  // Each 32-bit word is in host (little-endian) order.
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) =>
    word
      .match(/../g)!
      .reverse()
      .map((b) => Number.parseInt(b, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

const isLoopback = (address: string) =>
  /^(127\.\d+\.\d+\.\d+|::ffff:127\.\d+\.\d+\.\d+|::1):\d+$/.test(address);

describe('the local platform on the network', () => {
  it('listens on loopback only: every socket of every platform process and its children', async () => {
    const config = loadConfig();
    const platform = new LocalPlatform({
      components: defaultComponents(),
      reporter: silentReporter,
    });
    const down = (await platform.status()).filter((s) => s.state !== 'running');
    expect(down.map((s) => s.component)).toEqual([]);

    const roots = pidFiles(config.stateDir)
      .map((file) => runningPid(file))
      .filter((pid): pid is number => pid !== undefined);
    const processes = platformProcesses(roots);
    const sockets = listeningSockets();
    const found: { pid: number; command: string; address: string }[] = [];
    for (const pid of processes) {
      let fds: string[] = [];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target = '';
        try {
          target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        const address = inode && sockets.get(inode);
        if (!address) continue;
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .slice(0, 3)
          .join(' ');
        found.push({ pid, command, address });
      }
    }
    // The platform listens somewhere: PostgreSQL, Redis, 3 Kafka nodes, Spark, Airflow, Jupyter.
    expect(new Set(found.map((s) => s.pid)).size).toBeGreaterThanOrEqual(10);
    expect(found.filter((s) => !isLoopback(s.address))).toEqual([]);
  });
});
