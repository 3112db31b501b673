import { setTimeout as sleep } from 'node:timers/promises';
import type { ProgressReporter } from '@datapark/platform';
import { ReleaseNotReadyError } from './errors.js';
import type { KubeClients } from './kube-clients.js';
import { describeUnreadyPods, formatUnreadyPods, podProblems } from './pod-diagnostics.js';
import { byComponent, releaseWorkloads, type ComponentReadiness } from './release-workloads.js';

export interface WaitForReleaseOptions {
  readonly namespace: string;
  readonly release: string;
  readonly timeoutMs: number;
  readonly reporter: ProgressReporter;
  readonly intervalMs?: number;
  /** How often stuck pods (crash loops, image pulls, unschedulable) are looked for; 2 s. */
  readonly problemIntervalMs?: number;
  /** How many log lines of each unready pod the timeout error shows; default 10. */
  readonly logLines?: number;
}

/**
 * Waits until every Deployment, StatefulSet, DaemonSet and Job of the release is ready, reporting each
 * component as its ready count changes, stuck pods as soon as they are seen, and a summary
 * every 5 s. On timeout, throws a
 * ReleaseNotReadyError that lists the pods that are not ready with their events and last log
 * lines.
 */
export async function waitForRelease(
  options: WaitForReleaseOptions,
  clients: KubeClients,
): Promise<ComponentReadiness[]> {
  const { namespace, release, reporter } = options;
  const started = Date.now();
  const seen = new Map<string, string>();
  let lastSummary = started;
  let lastProblemCheck = started;
  const reported = new Set<string>();
  for (;;) {
    const components = byComponent(await releaseWorkloads(clients, namespace, release));
    for (const c of components) {
      const state = `${c.ready}/${c.desired}${c.done ? ' done' : ''}`;
      if (seen.get(c.component) === state) continue;
      seen.set(c.component, state);
      if (c.done) reporter.done(c.component, `${c.ready}/${c.desired} ready`, Date.now() - started);
      else reporter.step(c.component, `${c.ready}/${c.desired} ready`);
    }
    const pending = components.filter((c) => !c.done);
    if (pending.length === 0) return components;
    const now = Date.now();
    if (now - started > options.timeoutMs) {
      const pods = await describeUnreadyPods(clients, namespace, release, options.logLines ?? 10);
      const waitingFor = pending.map((c) => `${c.component} (${c.ready}/${c.desired})`).join(', ');
      throw new ReleaseNotReadyError(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for release ${release} ` +
          `in namespace ${namespace}; not ready: ${waitingFor}` +
          (pods.length ? `\n${formatUnreadyPods(pods)}` : ''),
        pods,
        `see \`kubectl -n ${namespace} describe pod <pod>\` and \`kubectl -n ${namespace} logs <pod>\`; ` +
          'a slow cluster (pulling images) may need a longer --timeout',
      );
    }
    if (now - lastProblemCheck >= (options.problemIntervalMs ?? 2000)) {
      // Said as soon as it is seen, not only at the timeout: a crash loop or a missing image
      // needs the user, not more waiting.
      lastProblemCheck = now;
      for (const p of await podProblems(clients, namespace, release).catch(() => [])) {
        const key = `${p.pod}|${p.reason}`;
        if (reported.has(key)) continue;
        reported.add(key);
        reporter.warn(p.component, `pod ${p.pod}: ${p.reason} (${p.message})`);
      }
    }
    if (now - lastSummary >= 5000) {
      reporter.waiting(
        'kubernetes',
        `${components.length - pending.length}/${components.length} components ready; waiting for ${pending
          .map((c) => `${c.component} ${c.ready}/${c.desired}`)
          .join(', ')}`,
        now - started,
      );
      lastSummary = now;
    }
    await sleep(options.intervalMs ?? 1000);
  }
}
