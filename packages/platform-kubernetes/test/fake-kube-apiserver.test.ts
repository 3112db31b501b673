import { startFakeKubeApiServer, type FakeKubeApiServer } from './fake-kube-apiserver.js';

// The fake API server's own contract, as the Kubernetes API concepts page states it
// (https://kubernetes.io/docs/reference/using-api/api-concepts/): what helm and client-node
// rely on when the backend's tests drive them against it.
describe('fake kube-apiserver', () => {
  let api: FakeKubeApiServer;
  const cm = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data: { a: '1' },
  });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ) => {
    const response = await fetch(api.url + path, {
      method,
      headers: { 'Content-Type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const base = '/api/v1/namespaces/default/configmaps';

  beforeEach(async () => {
    api = await startFakeKubeApiServer();
  });
  afterEach(async () => {
    await api.close();
  });

  it('creates with server-set metadata and answers a second create with 409 AlreadyExists as a Status', async () => {
    const created = await call('POST', base, cm('one', { app: 'x' }));
    expect(created.status).toBe(201);
    expect(created.body['metadata']).toMatchObject({
      name: 'one',
      namespace: 'default',
      generation: 1,
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const again = await call('POST', base, cm('one', {}));
    expect(again).toEqual({
      status: 409,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "one" already exists',
        reason: 'AlreadyExists',
        details: { name: 'one', group: '', kind: 'configmaps' },
        code: 409,
      },
    });
  });

  it('answers a missing object and a missing namespace with 404 NotFound', async () => {
    expect((await call('GET', `${base}/nope`)).body).toMatchObject({
      reason: 'NotFound',
      code: 404,
    });
    const inMissingNs = await call('POST', '/api/v1/namespaces/ghost/configmaps', cm('a', {}));
    expect(inMissingNs.body).toMatchObject({
      reason: 'NotFound',
      message: 'namespaces "ghost" not found',
    });
  });

  it('lists by label selector with the list resourceVersion, and deletes a collection by selector', async () => {
    await call('POST', base, cm('a', { tier: 'db', app: 'x' }));
    await call('POST', base, cm('b', { tier: 'web', app: 'x' }));
    await call('POST', base, cm('c', { app: 'y' }));
    const names = async (selector: string) => {
      const list = await call('GET', `${base}?labelSelector=${encodeURIComponent(selector)}`);
      return (list.body['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    };
    expect(await names('app=x')).toEqual(['a', 'b']);
    expect(await names('app=x,tier!=db')).toEqual(['b']);
    expect(await names('tier in (db,web)')).toEqual(['a', 'b']);
    expect(await names('!tier')).toEqual(['c']);
    const list = await call('GET', base);
    expect(list.body).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    expect(
      Number((list.body['metadata'] as { resourceVersion: string }).resourceVersion),
    ).toBeGreaterThan(0);

    await call('DELETE', `${base}?labelSelector=app%3Dx`);
    expect(await names('')).toEqual(['c']);
  });

  it('updates with optimistic concurrency and patches with merge and strategic merge patches', async () => {
    const created = (await call('POST', base, cm('a', {}))).body;
    const stale = { ...created, data: { a: '2' } };
    expect((await call('PUT', `${base}/a`, stale)).status).toBe(200);
    expect((await call('PUT', `${base}/a`, stale)).body).toMatchObject({
      code: 409,
      reason: 'Conflict',
    });

    const merged = await call(
      'PATCH',
      `${base}/a`,
      { data: { b: '3', a: null } },
      'application/merge-patch+json',
    );
    expect(merged.body['data']).toEqual({ b: '3' });

    const deployment = {
      metadata: { name: 'd' },
      spec: {
        replicas: 1,
        template: {
          spec: {
            containers: [
              { name: 'main', image: 'a:1' },
              { name: 'side', image: 'b:1' },
            ],
          },
        },
      },
    };
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
    const patched = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/d',
      {
        spec: { replicas: 2, template: { spec: { containers: [{ name: 'side', image: 'b:2' }] } } },
      },
      'application/strategic-merge-patch+json',
    );
    expect(patched.body).toMatchObject({
      metadata: { generation: 2 },
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              { name: 'main', image: 'a:1' },
              { name: 'side', image: 'b:2' },
            ],
          },
        },
      },
    });
    const apply = await call('PATCH', `${base}/a`, {}, 'application/apply-patch+yaml');
    expect(apply.body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
  });

  it('deletes what an object owns, as the garbage collector does', async () => {
    const parent = (await call('POST', base, cm('parent', {}))).body;
    const child = cm('child', {}) as { metadata: Record<string, unknown> };
    child.metadata['ownerReferences'] = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'parent',
        uid: (parent['metadata'] as { uid: string }).uid,
      },
    ];
    await call('POST', base, child);
    await call('DELETE', `${base}/parent`);
    expect(api.objects('configmaps', 'default')).toEqual([]);
  });
});
