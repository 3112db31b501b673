import type { DataparkConfig } from '@datapark/config';
import { CONFIG_KEYS } from '@datapark/config';
import type { ComponentStatus, PortClaim } from '@datapark/platform';
import type { ComponentPorts, ProcessInfo } from '@datapark/platform-local';
// eslint-disable-next-line @nx/enforce-module-boundaries -- only reached through doctor-command's await import('./run-doctor.js'), so still loaded lazily
import { canBind, processTree } from '@datapark/platform-local';
import { type Check, checksOf, findingOf } from './check.js';

const ports = checksOf('ports');

/** What the port checks look at: the claims, who runs, who listens where. */
export interface PortFacts {
  readonly components: readonly ComponentPorts[];
  readonly statuses: readonly ComponentStatus[];
  readonly table: ReadonlyMap<number, ProcessInfo>;
  /** Port → pids holding its listening socket (see tcpListeners). */
  readonly listeners: ReadonlyMap<number, readonly number[]>;
  readonly config: DataparkConfig;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * One check per port of every unit. A unit that is not running needs its port free; a running
 * one must be the process that listens on it (else the configuration points somewhere else than
 * where it runs, e.g. a DATAPARK_* variable set after `up`).
 */
export async function portChecks(facts: PortFacts): Promise<Check[]> {
  const checks: Check[] = [];
  for (const { component, ports: claims, error } of facts.components) {
    if (error) {
      const { finding, more } = findingOf(error);
      checks.push(ports.fail(component, finding, more));
    }
    for (const claim of claims) checks.push(await portCheck(facts, component, claim));
  }
  return checks;
}

async function portCheck(facts: PortFacts, component: string, claim: PortClaim): Promise<Check> {
  const name = `${claim.host}:${claim.port}`;
  const label = `${claim.unit} (${claim.purpose})`;
  const unit = facts.statuses
    .find((s) => s.component === component)
    ?.units.find((u) => u.name === claim.unit);
  const pids = facts.listeners.get(claim.port);
  const holder = holderOf(facts.table, pids ?? []);
  if (!unit?.pid) {
    if (await canBind(claim.host, claim.port)) return ports.ok(name, `free for ${label}`);
    const moved = await movedValue(facts, claim);
    const fix =
      `stop ${holder.toStop}, or move ${component}: ` +
      `${claim.variable}=${moved} npx nx run platform:up`;
    return claim.movesWhenTaken
      ? ports.warn(name, `taken by ${holder.described}: ${label} will take the next free port`, {
          fix,
        })
      : ports.fail(name, `taken by ${holder.described}: ${label} cannot start`, { fix });
  }
  const tree = new Set(processTree(facts.table, [unit.pid]).map((p) => p.pid));
  const own = pids?.some((pid) => tree.has(pid));
  if (own) return ports.ok(name, `${label} listens (pid ${unit.pid})`);
  if (pids && pids.length === 0)
    return ports.ok(name, `${label} runs; the listener is a process this user cannot see`);
  const setHere = facts.env[claim.variable];
  const envFix =
    setHere !== undefined
      ? `${claim.variable}=${setHere} in your environment points ${claim.unit} away from where it runs: ` +
        `unset it, or restart ${claim.unit} there (datapark stop ${claim.unit}, then npx nx run platform:up)`
      : undefined;
  if (!pids) {
    const fix = envFix ?? `see its log: npx nx run platform:logs -- ${claim.unit}`;
    return ports.warn(name, `${label} runs (pid ${unit.pid}) but nothing listens here`, { fix });
  }
  const fix = envFix
    ? `${envFix}; or stop ${holder.toStop}`
    : `stop ${holder.toStop}, then restart ${claim.unit}: datapark stop ${claim.unit}, then npx nx run platform:up`;
  const finding = `held by ${holder.described}, not by ${label} (pid ${unit.pid})`;
  return claim.movesWhenTaken
    ? ports.warn(name, finding, { fix })
    : ports.fail(name, finding, { fix });
}

/** Who holds a port: `pid 4242 (node …/jest.js)` in findings, `pid 4242` in fixes. */
function holderOf(table: ReadonlyMap<number, ProcessInfo>, pids: readonly number[]) {
  // The topmost of the processes sharing the socket (a server's forked workers hold it too).
  const top = pids.find((pid) => !pids.includes(table.get(pid)?.ppid ?? -1)) ?? pids[0];
  if (top === undefined)
    return {
      described: 'a process this user cannot see',
      toStop: 'the process holding it (sudo ss -ltnp shows which)',
    };
  const command = (table.get(top)?.command ?? '?').replace(/\s+/g, ' ');
  const short = command.length > 60 ? `${command.slice(0, 59)}…` : command;
  return { described: `pid ${top} (${short})`, toStop: `pid ${top}` };
}

/**
 * The value of `claim.variable` with the port moved to a free one (15432 → 25432, as the README
 * does), for the fix line; the current value with a placeholder when the port is derived.
 */
async function movedValue(facts: PortFacts, claim: PortClaim): Promise<string> {
  const key = Object.keys(CONFIG_KEYS).find((k) => CONFIG_KEYS[k]?.env === claim.variable);
  const raw = key
    ?.split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], facts.config);
  const current = Array.isArray(raw) ? raw.join(',') : String(raw ?? '');
  let free: number | undefined;
  for (const candidate of [claim.port + 10_000, claim.port - 10_000, claim.port + 1000]) {
    if (candidate < 1024 || candidate > 65_535 || facts.listeners.has(candidate)) continue;
    if (await canBind(claim.host, candidate)) {
      free = candidate;
      break;
    }
  }
  const portInValue = new RegExp(`:${claim.port}(?!\\d)`);
  if (free !== undefined && current === String(claim.port)) return String(free);
  if (free !== undefined && portInValue.test(current))
    return current.replace(portInValue, `:${free}`);
  return `<${current || 'a value'} with other ports>`;
}
