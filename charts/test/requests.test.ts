import { podsOf } from './fixtures/pods.js';
import {
  CHART,
  parseManifests,
  renderYaml,
  renderProfile,
  type Manifest,
} from './fixtures/render.js';
import { join } from 'node:path';

/** CPU in millicores from a Kubernetes quantity. */
function millicores(q: string | number): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

/** Memory in MiB from a Kubernetes quantity. */
function mebibytes(q: string | number): number {
  const s = String(q);
  const units: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
  const unit = s.slice(-2);
  return unit in units ? Number(s.slice(0, -2)) * units[unit]! : Number(s) / (1024 * 1024);
}

/**
 * What the long-running pods of a profile request, replicas included (init Jobs and init
 * containers run before, and briefly); a DaemonSet's pod once, for the laptop cluster's one node
 * (each further node adds one).
 */
async function totals(
  profile: 'default' | 'minimal' | 'ha',
  kinds: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'],
) {
  return totalsOf((await renderProfile(profile)).manifests, kinds);
}

function totalsOf(
  manifests: readonly Manifest[],
  kinds: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'],
) {
  let cpu = 0;
  let memory = 0;
  for (const m of manifests) {
    if (!kinds.includes(m.kind)) continue;
    const replicas = (m.spec as { replicas?: number }).replicas ?? 1;
    for (const pod of podsOf([m]))
      for (const c of pod.spec.containers) {
        cpu += replicas * millicores(c.resources!.requests!.cpu!);
        memory += replicas * mebibytes(c.resources!.requests!.memory!);
      }
  }
  return { cpu, memory };
}

describe('resource requests', () => {
  it('the default profile fits a laptop cluster: 3.72 CPUs and 11.7 GiB requested (the README says so)', async () => {
    const { cpu, memory } = await totals('default');
    // The README's numbers; change both together.
    expect({ cpu, memory }).toEqual({ cpu: 3720, memory: 11968 });
    expect(cpu).toBeLessThanOrEqual(4000);
    expect(memory).toBeLessThanOrEqual(12 * 1024);
  });

  it("the local-images profile, as charts/e2e installs it (Jupyter and Superset off), fits the one-node cluster's 2 CPUs with every init Job running at once and CoreDNS's 50m", async () => {
    const manifests = parseManifests(
      await renderYaml([
        '-f',
        join(CHART, 'ci', 'local-images-values.yaml'),
        '--set',
        'jupyter.enabled=false',
        '--set',
        'superset.enabled=false',
      ]),
    );
    const { cpu } = totalsOf(manifests, ['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
    // The scheduler places nothing beyond the node's allocatable 2 CPUs: a Job holding the last
    // millicores would leave the pod it waits for Pending.
    expect(cpu + 50).toBeLessThanOrEqual(2000);
  });

  it('the minimal profile needs less than half of the default', async () => {
    const minimal = await totals('minimal');
    const standard = await totals('default');
    expect(minimal.cpu).toBeLessThan(standard.cpu / 2);
    expect(minimal.memory).toBeLessThan(standard.memory / 2);
  });
});
