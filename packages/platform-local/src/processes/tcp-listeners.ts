import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Every TCP port something listens on (any address, IPv4 or IPv6), with the pids holding the
 * listening socket: from /proc/net/tcp{,6} and the sockets in /proc/PID/fd, else from
 * `ss -ltnp`. An empty list means a socket listens whose process this user cannot see (another
 * user's, unless we are root).
 */
export function tcpListeners(): Map<number, readonly number[]> {
  const inodesByPort = listeningInodes();
  const owners = socketOwners(new Set([...inodesByPort.values()].flat()));
  const listeners = new Map<number, readonly number[]>();
  for (const [port, inodes] of inodesByPort)
    listeners.set(port, [...new Set(inodes.flatMap((inode) => owners.get(inode) ?? []))]);
  const unseen = [...listeners].filter(([, pids]) => pids.length === 0).map(([port]) => port);
  if (unseen.length > 0) {
    const fromSs = ssListeners();
    for (const port of unseen) listeners.set(port, fromSs.get(port) ?? []);
  }
  return listeners;
}

/** Port → inodes of its LISTEN sockets (state 0A), from /proc/net/tcp and /proc/net/tcp6. */
function listeningInodes(): Map<number, string[]> {
  const byPort = new Map<number, string[]>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A' || !fields[1] || !fields[9]) continue;
      const port = Number.parseInt(fields[1].split(':')[1] ?? '', 16);
      byPort.set(port, [...(byPort.get(port) ?? []), fields[9]]);
    }
  }
  return byPort;
}

/** Inode → pids whose file descriptors hold that socket. */
function socketOwners(inodes: ReadonlySet<string>): Map<string, number[]> {
  const owners = new Map<string, number[]>();
  if (inodes.size === 0) return owners;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) owners.set(inode, [...(owners.get(inode) ?? []), +entry]);
    }
  }
  return owners;
}

/** Port → pids from `ss -ltnpH` (`users:(("java",pid=123,fd=4))`); empty when ss is missing. */
function ssListeners(): Map<number, number[]> {
  const result = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8', timeout: 5000 });
  const byPort = new Map<number, number[]>();
  if (result.status !== 0) return byPort;
  for (const line of result.stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const port = Number(fields[3]?.slice(fields[3].lastIndexOf(':') + 1));
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    if (Number.isInteger(port) && pids.length > 0)
      byPort.set(port, [...(byPort.get(port) ?? []), ...pids]);
  }
  return byPort;
}
