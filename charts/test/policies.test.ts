import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { podsOf, selects } from './fixtures/pods.js';
import type { Container, Pod } from './fixtures/pods.js';
import {
  CHART,
  PROFILES,
  helm,
  parseManifests,
  renderProfile,
  renderYaml,
} from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

const containersOf = (pod: Pod): { container: Container; init: boolean }[] => [
  ...(pod.spec.initContainers ?? []).map((container) => ({ container, init: true })),
  ...pod.spec.containers.map((container) => ({ container, init: false })),
];

// Pod Security "restricted" allows only these volume types.
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'secret',
  'emptyDir',
  'persistentVolumeClaim',
  'projected',
  'downwardAPI',
  'csi',
  'ephemeral',
]);

describe.each(PROFILES)('policies over the %s profile', (profile) => {
  let manifests: Manifest[] = [];
  let pods: Pod[] = [];
  beforeAll(async () => {
    manifests = (await renderProfile(profile)).manifests;
    pods = podsOf(manifests);
    expect(pods.length).toBeGreaterThan(3);
  });

  it('every container has CPU and memory requests and limits', () => {
    const missing = pods.flatMap((pod) =>
      containersOf(pod)
        .filter(({ container: c }) =>
          ['cpu', 'memory'].some(
            (r) =>
              c.resources?.requests?.[r] === undefined || c.resources?.limits?.[r] === undefined,
          ),
        )
        .map(({ container }) => `${pod.owner}/${container.name}`),
    );
    expect(missing).toEqual([]);
  });

  it('every long-running container has startup, readiness and liveness probes (init containers and Jobs excepted)', () => {
    const missing = pods
      .filter((pod) => pod.kind !== 'Job')
      .flatMap((pod) =>
        pod.spec.containers
          .filter((c) => !c.startupProbe || !c.readinessProbe || !c.livenessProbe)
          .map((c) => `${pod.owner}/${c.name}`),
      );
    expect(missing).toEqual([]);
  });

  it('every pod meets Pod Security "restricted": non-root, no escalation, no capabilities, RuntimeDefault seccomp (the node exporter\'s read-only host mounts the one exception, which monitoring.nodeExporter.enabled=false removes)', () => {
    const problems: string[] = [];
    // The node exporter reads the host's /proc, /sys and / (hostPath, which "baseline" and
    // "restricted" refuse): read-only, in that pod only. Everything else holds for it too.
    const hostMounts: string[] = [];
    for (const pod of pods) {
      const podSc = pod.spec.securityContext ?? {};
      if (podSc.runAsNonRoot !== true) problems.push(`${pod.owner}: runAsNonRoot`);
      if (typeof podSc.runAsUser !== 'number' || podSc.runAsUser === 0)
        problems.push(`${pod.owner}: runAsUser`);
      if ((podSc.seccompProfile as { type?: string } | undefined)?.type !== 'RuntimeDefault')
        problems.push(`${pod.owner}: seccompProfile`);
      const podKeys = pod.spec as unknown as Record<string, unknown>;
      for (const hostKey of ['hostNetwork', 'hostPID', 'hostIPC'])
        if (podKeys[hostKey]) problems.push(`${pod.owner}: ${hostKey}`);
      for (const volume of pod.spec.volumes ?? []) {
        const type = Object.keys(volume).find((k) => k !== 'name')!;
        if (type === 'hostPath' && pod.owner === 'DaemonSet/dp-monitoring-node-exporter') {
          const mounts = pod.spec.containers.flatMap((c) =>
            (
              (c as unknown as { volumeMounts?: { name: string; readOnly?: boolean }[] })
                .volumeMounts ?? []
            ).filter((m) => m.name === volume['name']),
          );
          const path = (volume['hostPath'] as { path: string }).path;
          hostMounts.push(`${path} ${mounts.every((m) => m.readOnly === true) ? 'ro' : 'rw'}`);
        } else if (!RESTRICTED_VOLUMES.has(type))
          problems.push(`${pod.owner}: volume type ${type}`);
      }
      for (const { container } of containersOf(pod)) {
        const sc = container.securityContext ?? {};
        const where = `${pod.owner}/${container.name}`;
        if (sc.allowPrivilegeEscalation !== false)
          problems.push(`${where}: allowPrivilegeEscalation`);
        if (sc.privileged) problems.push(`${where}: privileged`);
        if (sc.runAsUser === 0) problems.push(`${where}: runAsUser 0`);
        if (sc.runAsNonRoot === false) problems.push(`${where}: runAsNonRoot false`);
        const drop =
          (sc.capabilities as { drop?: string[]; add?: string[] } | undefined)?.drop ?? [];
        if (!drop.includes('ALL')) problems.push(`${where}: capabilities.drop ALL`);
        if ((sc.capabilities as { add?: string[] } | undefined)?.add?.length)
          problems.push(`${where}: capabilities.add`);
        if (typeof sc.readOnlyRootFilesystem !== 'boolean')
          problems.push(`${where}: readOnlyRootFilesystem unset`);
      }
    }
    expect(problems).toEqual([]);
    // Every profile runs the node exporter.
    expect(hostMounts.sort()).toEqual(['/ ro', '/proc ro', '/sys ro']);
  });

  it('every image is pinned to a version (no "latest", no missing tag)', () => {
    const images = pods.flatMap((pod) => containersOf(pod).map(({ container }) => container.image));
    for (const image of images) {
      const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
      expect(`${image} -> ${tag}`).toMatch(/-> [0-9a-z][\w.-]*\d[\w.-]*$/);
      expect(tag).not.toBe('latest');
    }
    // The official image by default; the one tools/images/kafka builds in the local-images profile.
    expect(new Set(images.map((i) => i.split(':')[0]))).toContain(
      profile === 'local-images' ? 'datapark.local/kafka' : 'apache/kafka',
    );
  });

  it('every pod is selected by the default-deny policy and by a policy of its own component', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const defaultDeny = policies.find((p) => p.metadata.name === 'dp-default-deny');
    expect(defaultDeny).toBeDefined();
    const denySpec = defaultDeny!.spec as {
      policyTypes: string[];
      ingress?: unknown;
      egress?: unknown;
    };
    expect(denySpec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(denySpec.ingress).toBeUndefined();
    const own = policies.filter(
      (p) => p.metadata.labels?.['app.kubernetes.io/component'] !== 'network',
    );
    const unselected: string[] = [];
    for (const pod of pods) {
      const by = (p: Manifest) =>
        selects((p.spec as { podSelector: object }).podSelector, pod.labels);
      if (!by(defaultDeny!)) unselected.push(`${pod.owner} (default deny)`);
      if (!own.some(by)) unselected.push(`${pod.owner} (own policy)`);
    }
    expect(unselected).toEqual([]);
  });

  it('every Deployment and StatefulSet is covered by a PodDisruptionBudget (where PDBs are on)', () => {
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    // A drain leaves a DaemonSet's pods (the node exporter's) alone: no budget for them.
    const uncovered = pods
      .filter((pod) => pod.kind !== 'Job' && pod.kind !== 'DaemonSet')
      .filter(
        (pod) => !pdbs.some((p) => selects((p.spec as { selector: object }).selector, pod.labels)),
      )
      .map((pod) => pod.owner);
    // The minimal profile turns Spark's PDBs off on purpose.
    if (profile === 'minimal') expect(uncovered.every((o) => o.includes('spark'))).toBe(true);
    else expect(uncovered).toEqual([]);
  });

  it('every object carries the common label set', () => {
    for (const m of manifests) {
      const labels = m.metadata.labels ?? {};
      expect({
        object: `${m.kind}/${m.metadata.name}`,
        partOf: labels['app.kubernetes.io/part-of'],
      }).toEqual({
        object: `${m.kind}/${m.metadata.name}`,
        partOf: 'datapark',
      });
      for (const key of [
        'app.kubernetes.io/name',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/component',
      ])
        expect(labels[key]).toBeTruthy();
    }
  });

  it('no credential is written in plain text: secrets reach containers only through secretKeyRef', () => {
    const secretValues = manifests
      .filter((m) => m.kind === 'Secret')
      .flatMap((m) => Object.values(m.data ?? {}).map((v) => Buffer.from(v, 'base64').toString()))
      .filter((v) => v.length >= 16);
    expect(secretValues.length).toBeGreaterThan(5);
    const nonSecrets = JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'));
    expect(secretValues.filter((v) => nonSecrets.includes(v))).toEqual([]);
    const literal = pods.flatMap((pod) =>
      containersOf(pod).flatMap(({ container }) =>
        (container.env ?? [])
          .filter(
            (e) =>
              /PASSWORD|TOKEN|SECRET|FERNET/.test(e.name) &&
              !e.name.endsWith('_FILE') &&
              e.value !== undefined,
          )
          .map((e) => `${pod.owner}/${container.name}: ${e.name}`),
      ),
    );
    expect(literal).toEqual([]);
  });
});

describe('Pod Security "baseline" and "restricted" namespaces', () => {
  it('with monitoring.nodeExporter.enabled=false no pod has a host volume, host namespace or host port (the value such a namespace sets)', async () => {
    const pods = podsOf(
      parseManifests(await renderYaml(['--set', 'monitoring.nodeExporter.enabled=false'])),
    );
    expect(pods.length).toBeGreaterThan(10);
    const host = pods.flatMap((pod) => [
      ...(pod.spec.volumes ?? [])
        .filter((v) => !RESTRICTED_VOLUMES.has(Object.keys(v).find((k) => k !== 'name')!))
        .map((v) => `${pod.owner}: volume ${String(v['name'])}`),
      ...['hostNetwork', 'hostPID', 'hostIPC']
        .filter((k) => (pod.spec as unknown as Record<string, unknown>)[k])
        .map((k) => `${pod.owner}: ${k}`),
      ...containersOf(pod).flatMap(({ container }) =>
        ((container as unknown as { ports?: { hostPort?: number }[] }).ports ?? [])
          .filter((p) => p.hostPort)
          .map((p) => `${pod.owner}/${container.name}: hostPort ${p.hostPort}`),
      ),
    ]);
    expect(host).toEqual([]);
    expect(pods.map((p) => p.owner)).not.toContain('DaemonSet/dp-monitoring-node-exporter');
  });
});

describe('chart sources', () => {
  function files(dir: string, accept: (name: string) => boolean): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'files' ? [] : files(path, accept);
      return accept(name) ? [path] : [];
    });
  }

  it('no values file holds a password, token or key: every credential is generated', () => {
    const offending: string[] = [];
    const walk = (file: string, node: unknown, path: string) => {
      if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) {
          const here = path ? `${path}.${k}` : k;
          if (
            /password|passwd|token|secret|fernet|jwt|key$/i.test(k) &&
            !/secretName$|existingSecret$/i.test(k) &&
            typeof v === 'string' &&
            v !== ''
          )
            offending.push(`${file}: ${here}`);
          walk(file, v, here);
        }
    };
    const valueFiles = files(CHART, (n) => /values\.yaml$/.test(n));
    expect(valueFiles.length).toBeGreaterThanOrEqual(9);
    for (const file of valueFiles) walk(file, parse(readFileSync(file, 'utf8')), '');
    expect(offending).toEqual([]);
  });

  it('no template sets a literal password', () => {
    const templates = files(CHART, (n) => n.endsWith('.yaml') || n.endsWith('.tpl'));
    const offending = templates.filter((file) =>
      /(password|secret|token)[ \t]*[:=][ \t]*["']?[A-Za-z0-9]{8,}/i.test(
        readFileSync(file, 'utf8').replace(/\{\{.*?\}\}/g, ''),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('generates new credentials on every fresh render (nothing fixed in the chart)', async () => {
    const secret = (text: string) =>
      parseManifests(text).find((m) => m.kind === 'Secret' && m.metadata.name === 'dp-postgresql')!
        .data!;
    const [a, b] = await Promise.all([renderYaml(), renderYaml()]);
    expect(secret(a)['admin-password']).not.toEqual(secret(b)['admin-password']);
    expect(Buffer.from(secret(a)['analyst-password']!, 'base64').toString()).toMatch(
      /^[A-Za-z0-9]{32}$/,
    );
  });

  it('keeps every generated name within 63 characters and unique, for a long release name', async () => {
    // The longest release name the umbrella accepts.
    const release = `dp-${'x'.repeat(35)}`;
    const r = await helm(['template', release, CHART, '--namespace', 'datapark']);
    if (r.exitCode !== 0) throw new Error(r.stderr);
    const manifests = parseManifests(r.stdout);
    const tooLong = manifests
      .flatMap((m) => [m.metadata.name, ...Object.values(m.metadata.labels ?? {})])
      .filter((s) => s.length > 63);
    expect(tooLong).toEqual([]);
    const names = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(names.length - new Set(names).size).toBe(0);
  });

  it('refuses a release name too long for the StatefulSets, naming it', async () => {
    const release = 'a-long-release-name-for-a-learner-who-likes-them-long';
    const r = await helm(['template', release, CHART, '--namespace', 'datapark']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(`release name "${release}": ${release.length} characters`);
  });
});
