import { ingressAllowed, policiesOf } from './fixtures/network.js';
import { podsOf } from './fixtures/pods.js';
import type { Container, Pod } from './fixtures/pods.js';
import { parseManifests, renderProfile, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// Spark's REST submission server runs any code for whoever reaches it: Spark 4's JWSFilter lets
// only requests signed (HS256) with the master's key through. The key is generated into a Secret
// (or comes from spark.auth.existingSecret), reaches the master as an environment variable, and
// the pods that submit (Airflow's tasks, Jupyter) sign with it, as the local platform does.
// https://github.com/apache/spark/blob/master/core/src/main/scala/org/apache/spark/ui/JWSFilter.scala

const KEY_OPTION = 'spark.org.apache.spark.ui.JWSFilter.param.secretKey';

interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}
const envOf = (c: Container) => c.env ?? [];
const secretRef = (c: Container, name: string) =>
  (envOf(c).find((e) => e.name === name)?.valueFrom as { secretKeyRef?: SecretKeyRef } | undefined)
    ?.secretKeyRef;
const podNamed = (manifests: readonly Manifest[], owner: string): Pod => {
  const pod = podsOf(manifests).find((p) => p.owner === owner);
  if (!pod) throw new Error(`${owner} was not rendered`);
  return pod;
};
const id = (pod: Pod) =>
  `${pod.labels['app.kubernetes.io/name']}/${pod.labels['app.kubernetes.io/component']}`;

describe("the Spark REST submission server's key", () => {
  let manifests: Manifest[] = [];
  beforeAll(async () => {
    manifests = (await renderProfile('default')).manifests;
  });

  it('turns the JWSFilter on in spark-defaults.conf, with no key in any ConfigMap', () => {
    const conf = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'dp-spark')!
      .data!['spark-defaults.conf']!;
    expect(conf).toMatch(/^spark\.master\.rest\.enabled true$/m);
    expect(conf).toMatch(/^spark\.master\.rest\.filters org\.apache\.spark\.ui\.JWSFilter$/m);
    const configMaps = JSON.stringify(manifests.filter((m) => m.kind === 'ConfigMap'));
    expect(configMaps).not.toContain(`${KEY_OPTION}`);
  });

  it('hands the master its key from the Secret, through SPARK_MASTER_OPTS', () => {
    const master = podNamed(manifests, 'Deployment/dp-spark-master').spec.containers[0]!;
    expect(secretRef(master, 'DATAPARK_SPARK_REST_SECRET')).toEqual({
      name: 'dp-spark',
      key: 'rest-secret',
    });
    const names = envOf(master).map((e) => e.name);
    const opts = envOf(master).find((e) => e.name === 'SPARK_MASTER_OPTS');
    // Kubernetes expands $(VAR) only for variables defined earlier in the list.
    expect(opts?.value).toBe(`-D${KEY_OPTION}=$(DATAPARK_SPARK_REST_SECRET)`);
    expect(names.indexOf('DATAPARK_SPARK_REST_SECRET')).toBeLessThan(
      names.indexOf('SPARK_MASTER_OPTS'),
    );
  });

  it('generates 32 random bytes, base64url-encoded without padding (HS256 needs at least 256 bits), new on every fresh render', async () => {
    const keyOf = (rendered: readonly Manifest[]) => {
      const secret = rendered.find((m) => m.kind === 'Secret' && m.metadata.name === 'dp-spark');
      return Buffer.from(secret!.data!['rest-secret']!, 'base64').toString();
    };
    const key = keyOf(manifests);
    expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(key, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(key, 'base64url').toString('base64url')).toBe(key);
    expect(keyOf(parseManifests(await renderYaml()))).not.toBe(key);
  });

  it('gives the key to exactly the pods that may reach the REST port (Airflow workers and triggerer, Jupyter), from the Secret', () => {
    const policies = policiesOf(manifests);
    const pods = podsOf(manifests);
    const master = podNamed(manifests, 'Deployment/dp-spark-master');
    const submitters = pods
      .filter((p) => p.owner !== master.owner && ingressAllowed(policies, p.labels, master, 6066))
      .map(id)
      .sort();
    expect(submitters).toEqual(['airflow/triggerer', 'airflow/worker', 'jupyter/jupyter']);
    const holders = pods
      .filter((p) => p.owner !== master.owner)
      .flatMap((p) =>
        [...(p.spec.initContainers ?? []), ...p.spec.containers]
          .filter((c) => envOf(c).some((e) => e.name === 'DATAPARK_SPARK_REST_SECRET'))
          .map((c) => ({ pod: id(p), ref: secretRef(c, 'DATAPARK_SPARK_REST_SECRET') })),
      );
    expect([...new Set(holders.map((h) => h.pod))].sort()).toEqual(submitters);
    for (const { ref } of holders)
      // Optional: with spark.enabled=false there is no Secret, and the pod still starts.
      expect(ref).toEqual({ name: 'dp-spark', key: 'rest-secret', optional: true });
  });

  it('reads the key from spark.auth.existingSecret instead, everywhere, and generates none', async () => {
    const rendered = parseManifests(
      await renderYaml([
        '--set',
        'spark.auth.existingSecret=my-spark-rest',
        '--set',
        'airflow.spark.secretName=my-spark-rest',
        '--set',
        'jupyter.spark.secretName=my-spark-rest',
      ]),
    );
    expect(rendered.some((m) => m.kind === 'Secret' && m.metadata.name === 'dp-spark')).toBe(false);
    const refs = podsOf(rendered).flatMap((p) =>
      [...(p.spec.initContainers ?? []), ...p.spec.containers].flatMap((c) => {
        const ref = secretRef(c, 'DATAPARK_SPARK_REST_SECRET');
        return ref ? [`${id(p)}: ${ref.name}/${ref.key}`] : [];
      }),
    );
    expect([...new Set(refs)].sort()).toEqual([
      'airflow/triggerer: my-spark-rest/rest-secret',
      'airflow/worker: my-spark-rest/rest-secret',
      'jupyter/jupyter: my-spark-rest/rest-secret',
      'spark/master: my-spark-rest/rest-secret',
    ]);
  });
});
