import { PROFILES, renderProfile } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// A workload with several replicas spreads them over the nodes (preferably one per node), so one
// node going down takes one replica; a PodDisruptionBudget never lets a broken pod block a drain.

interface WorkloadSpec {
  readonly replicas?: number;
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly template: { readonly spec: { readonly affinity?: unknown } };
}

const workloads = (manifests: readonly Manifest[]) =>
  manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet');
const specOf = (m: Manifest) => m.spec as unknown as WorkloadSpec;

describe('the ha profile: replicas spread over the nodes', () => {
  it('gives every multi-replica workload a preferred pod anti-affinity by hostname, on its own selector labels', async () => {
    const { manifests } = await renderProfile('ha');
    const several = workloads(manifests).filter((m) => (specOf(m).replicas ?? 1) > 1);
    expect(several.map((m) => m.metadata.name).sort()).toEqual([
      'dp-airflow-api-server',
      'dp-airflow-scheduler',
      'dp-airflow-triggerer',
      'dp-airflow-worker',
      'dp-kafka',
      'dp-spark-worker',
    ]);
    for (const m of several)
      expect({ workload: m.metadata.name, affinity: specOf(m).template.spec.affinity }).toEqual({
        workload: m.metadata.name,
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  topologyKey: 'kubernetes.io/hostname',
                  labelSelector: { matchLabels: specOf(m).selector.matchLabels },
                },
              },
            ],
          },
        },
      });
  });

  it('leaves single-replica workloads without one (nothing to spread)', async () => {
    const { manifests } = await renderProfile('ha');
    const single = workloads(manifests).filter((m) => (specOf(m).replicas ?? 1) === 1);
    expect(single.length).toBeGreaterThan(3);
    for (const m of single) expect(specOf(m).template.spec.affinity).toBeUndefined();
  });
});

describe.each(PROFILES)('PodDisruptionBudgets, %s profile', (profile) => {
  it('every PodDisruptionBudget lets an unhealthy pod be evicted (unhealthyPodEvictionPolicy: AlwaysAllow)', async () => {
    const { manifests } = await renderProfile(profile);
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    expect(pdbs.length).toBeGreaterThan(profile === 'minimal' ? 1 : 8);
    expect(
      pdbs
        .filter(
          (m) =>
            (m.spec as { unhealthyPodEvictionPolicy?: string }).unhealthyPodEvictionPolicy !==
            'AlwaysAllow',
        )
        .map((m) => m.metadata.name),
    ).toEqual([]);
  });
});
