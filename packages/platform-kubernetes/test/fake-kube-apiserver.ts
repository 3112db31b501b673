/**
 * A fake Kubernetes API server for the tests of the Kubernetes backend: a real cluster cannot run
 * on this machine, so helm (client-go) and @kubernetes/client-node talk to this instead, over
 * HTTP on the loopback interface.
 *
 * It follows the API server's REST contract
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/) for what helm 3 and the backend
 * use: legacy discovery from recorded documents (fixtures/discovery), create/get/list/update/
 * patch/delete/deletecollection of any namespaced or cluster-scoped resource in a generic store,
 * `metav1.Status` errors (404 NotFound, 409 AlreadyExists/Conflict, 400 BadRequest, 415),
 * label and field selectors, resourceVersion on every write and list, watches (including the
 * `sendInitialEvents` watch-list that client-go ≥ 1.35 uses), garbage collection through
 * ownerReferences, pod logs, and a small controller (fake-api/controller.ts) that plays the
 * kubelet and the workload controllers. Not served: OpenAPI v2, server-side apply, JSON patch,
 * authentication, admission, exec/attach. pods/portforward is served over WebSocket
 * (fake-api/port-forward-stream.ts) to wherever the test maps the pod's port. OpenAPI v3 is served only as far as client-go needs to
 * learn that the server does field validation (see openApiV3); the schemas themselves are not,
 * and `fieldValidation=Strict` is accepted without checking fields.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { FakeController, type FakeControllerOptions } from './fake-api/controller.js';
import {
  groupVersion,
  ObjectStore,
  type KubeObject,
  type ResourceType,
  type WatchEvent,
} from './fake-api/object-store.js';
import { mergePatch, strategicMergePatch, type Json } from './fake-api/patch.js';
import { servePortForward } from './fake-api/port-forward-stream.js';
import { decodeProtobuf, PROTOBUF_CONTENT_TYPE } from './fake-api/protobuf.js';
import { fieldOf, matches, parseSelector, SelectorParseError } from './fake-api/selectors.js';

export type { KubeObject } from './fake-api/object-store.js';

const DISCOVERY_DIR = join(import.meta.dirname, 'fixtures', 'discovery');

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean }[];
}

/**
 * The discovery documents, transcribed from the Kubernetes API reference v1.34 (sources in
 * fixtures/discovery/README.md), and the resource types they declare: the fake serves exactly
 * those.
 */
function readDiscovery(): { documents: Map<string, unknown>; types: ResourceType[] } {
  const documents = new Map<string, unknown>();
  const types: ResourceType[] = [];
  for (const file of readdirSync(DISCOVERY_DIR).filter((f) => f.endsWith('.json'))) {
    const doc: unknown = JSON.parse(readFileSync(join(DISCOVERY_DIR, file), 'utf8'));
    if (file === 'version.json') documents.set('/version', doc);
    else if (file === 'api.json') documents.set('/api', doc);
    else if (file === 'apis.json') documents.set('/apis', doc);
    else {
      const list = doc as ApiResourceList;
      const path = list.groupVersion === 'v1' ? '/api/v1' : `/apis/${list.groupVersion}`;
      documents.set(path, doc);
      const [group, version] = list.groupVersion.includes('/')
        ? list.groupVersion.split('/')
        : ['', list.groupVersion];
      for (const r of list.resources.filter((r) => !r.name.includes('/'))) {
        types.push({
          group: group!,
          version: version!,
          name: r.name,
          kind: r.kind,
          namespaced: r.namespaced,
        });
      }
    }
  }
  return { documents, types };
}

/** One request the server answered, for assertions and for debugging a client's behaviour. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly contentType?: string;
  readonly status: number;
}

export interface FakeKubeApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  readonly controller: FakeController;
  /** Writes a kubeconfig whose current context points here; returns its path. */
  writeKubeconfig(path: string, namespace?: string): string;
  /** The stored objects of a resource (`deployments`, `secrets`…), optionally of one namespace. */
  objects(resource: string, namespace?: string): KubeObject[];
  /** Creates an object directly in the store, as another client would. */
  seed(resource: string, object: KubeObject): KubeObject;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string },
  ) {
    super(message);
  }

  status(): object {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const notFound = (type: ResourceType, name: string) =>
  new ApiError(404, 'NotFound', `${qualified(type)} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.name,
  });

const qualified = (type: ResourceType) => (type.group ? `${type.name}.${type.group}` : type.name);

interface Route {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/**
 * Starts the fake API server on 127.0.0.1 (an ephemeral port) with its controller running.
 *
 * @example
 * ```ts
 * const api = await startFakeKubeApiServer({ readyAfterMs: 500 });
 * const kubeconfig = api.writeKubeconfig(join(tmp, 'kubeconfig'));
 * ```
 */
export interface FakeKubeApiServerOptions extends FakeControllerOptions {
  /**
   * Where a pod's port really is, for pods/portforward: the tests point it at a local TCP
   * server standing in for the container. Undefined: nothing listens (the upgrade is refused).
   */
  readonly portForwardTarget?: (
    pod: KubeObject,
    port: number,
  ) => { host: string; port: number } | undefined;
  /**
   * Requests RBAC would refuse (`resource` as `deployments.apps`): answered 403 Forbidden with
   * the authorizer's message, as a user without that right gets it.
   */
  readonly forbid?: (request: { method: string; resource: string; name?: string }) => boolean;
}

const VERBS: Record<string, string> = {
  GET: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

export async function startFakeKubeApiServer(
  options: FakeKubeApiServerOptions = {},
): Promise<FakeKubeApiServer> {
  const { documents, types } = readDiscovery();
  const store = new ObjectStore();
  const requests: RecordedRequest[] = [];
  const watches = new Set<ServerResponse>();
  const upgraded = new Set<Duplex>();
  const typeOf = (resource: string): ResourceType => {
    const [name, group = ''] = resource.split(/\.(.*)/s);
    const found = types.find((t) => t.name === name && (group === '' || t.group === group));
    if (!found) throw new Error(`no resource type ${resource} in the discovery fixtures`);
    return found;
  };
  const namespaceType = typeOf('namespaces');
  store.create(namespaceType, { metadata: { name: 'default' } });
  store.create(namespaceType, { metadata: { name: 'kube-system' } });

  const controller = new FakeController(store, typeOf, options);

  /**
   * A minimal OpenAPI v3: the index (`/openapi/v3`) and, per group version, the PATCH operations
   * with their `fieldValidation` query parameter, derived from the discovery documents. That is
   * all client-go's QueryParamVerifierV3 (cli-runtime `query_param_verifier_v3.go`) reads to
   * conclude that the server validates fields itself, so helm sends `fieldValidation=Strict`
   * instead of validating against a full schema client-side. Schemas are not served.
   */
  function openApiV3(groupVersionPath: string): object | undefined {
    const pathOf = (t: ResourceType) =>
      t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
    if (groupVersionPath === '') {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const t of types)
        paths[pathOf(t)] = { serverRelativeURL: `/openapi/v3/${pathOf(t)}?hash=fake` };
      return { paths };
    }
    const inGroup = types.filter((t) => pathOf(t) === groupVersionPath);
    if (inGroup.length === 0) return undefined;
    const paths: Record<string, object> = {};
    for (const t of inGroup) {
      const base = `/${pathOf(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.name}/{name}`;
      paths[base] = {
        patch: {
          operationId: `patch${t.kind}`,
          'x-kubernetes-action': 'patch',
          'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
          parameters: [
            { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
            { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
            { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
            { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
          ],
          responses: { '200': { description: 'OK' } },
        },
      };
    }
    return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.34.2' }, paths };
  }

  function route(path: string): Route | undefined {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') {
      [group, version, rest] = ['', parts[1] ?? '', parts.slice(2)];
    } else if (parts[0] === 'apis') {
      [group, version, rest] = [parts[1] ?? '', parts[2] ?? '', parts.slice(3)];
    } else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource, name, subresource] = rest;
    const type = types.find(
      (t) => t.group === group && t.version === version && t.name === resource,
    );
    if (!type) return undefined;
    return {
      type,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
    };
  }

  function filterFor(query: URLSearchParams): (object: KubeObject) => boolean {
    try {
      const labels = parseSelector(query.get('labelSelector'));
      const fields = parseSelector(query.get('fieldSelector'));
      return (object) =>
        matches(labels, (k) => object.metadata.labels?.[k]) &&
        matches(fields, (k) => fieldOf(object, k));
    } catch (error) {
      if (error instanceof SelectorParseError) throw new ApiError(400, 'BadRequest', error.message);
      throw error;
    }
  }

  function requireNamespace(route: Route): void {
    if (!route.type.namespaced) return;
    if (!route.namespace || !store.get(namespaceType, undefined, route.namespace)) {
      throw new ApiError(404, 'NotFound', `namespaces "${route.namespace}" not found`, {
        name: route.namespace ?? '',
        kind: 'namespaces',
      });
    }
  }

  function create(route: Route, body: KubeObject): KubeObject {
    if (!body || typeof body !== 'object' || typeof body.metadata !== 'object') {
      throw new ApiError(400, 'BadRequest', 'the object has no metadata');
    }
    requireNamespace(route);
    const object: KubeObject = { ...body, metadata: { ...body.metadata } };
    if (route.type.namespaced) {
      if (object.metadata.namespace && object.metadata.namespace !== route.namespace) {
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      object.metadata.namespace = route.namespace!;
    }
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = object.metadata.generateName + Math.random().toString(36).slice(2, 7);
    }
    const name = object.metadata.name;
    if (!name) {
      throw new ApiError(
        422,
        'Invalid',
        `${route.type.kind} is invalid: metadata.name: Required value`,
      );
    }
    if (store.get(route.type, route.namespace, name)) {
      throw new ApiError(
        409,
        'AlreadyExists',
        `${qualified(route.type)} "${name}" already exists`,
        {
          name,
          group: route.type.group,
          kind: route.type.name,
        },
      );
    }
    const created = store.create(route.type, object);
    controller.kick();
    return created;
  }

  function update(route: Route, body: KubeObject): KubeObject {
    const current = store.get(route.type, route.namespace, route.name!);
    if (!current) throw notFound(route.type, route.name!);
    if (body?.metadata?.name && body.metadata.name !== route.name) {
      throw new ApiError(400, 'BadRequest', 'the name of the object does not match the URL');
    }
    const sent = body.metadata?.resourceVersion;
    if (sent && sent !== current.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(route.type)} "${route.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: route.name!, group: route.type.group, kind: route.type.name },
      );
    }
    // The main resource ignores status, the status subresource everything but status.
    const next: KubeObject =
      route.subresource === 'status'
        ? { ...current, status: body.status }
        : {
            ...body,
            metadata: {
              ...body.metadata,
              name: route.name!,
              namespace: current.metadata.namespace,
            },
            ...(current['status'] !== undefined ? { status: current['status'] } : {}),
          };
    if (!route.type.namespaced) delete next.metadata.namespace;
    const stored = store.replace(route.type, next);
    controller.kick();
    return stored;
  }

  function patch(route: Route, body: Json, contentType: string): KubeObject {
    const current = store.get(route.type, route.namespace, route.name!);
    if (!current) throw notFound(route.type, route.name!);
    let patched: Json;
    if (contentType === 'application/merge-patch+json') {
      patched = mergePatch(current as unknown as Json, body);
    } else if (contentType === 'application/strategic-merge-patch+json') {
      patched = strategicMergePatch(current as unknown as Json, body);
    } else {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the fake API server does not implement ${contentType} patches (merge and strategic merge only)`,
      );
    }
    const next = patched as unknown as KubeObject;
    next.metadata = { ...next.metadata, name: route.name!, namespace: current.metadata.namespace };
    if (!route.type.namespaced) delete next.metadata.namespace;
    delete next.metadata.resourceVersion;
    if (route.subresource !== 'status' && current['status'] !== undefined) {
      next['status'] = current['status'];
    }
    const stored = store.replace(route.type, next);
    controller.kick();
    return stored;
  }

  /** Deletes an object and, as the garbage collector would, everything it owns. */
  function remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const current = store.get(type, namespace, name);
    if (!current) throw notFound(type, name);
    const removed = store.remove(type, namespace, name);
    for (const { resource, object } of store.all()) {
      const ownedByIt = object.metadata.ownerReferences?.some(
        (o) => o.uid === current.metadata.uid,
      );
      const inIt = type.name === 'namespaces' && object.metadata.namespace === name;
      if (ownedByIt || inIt) remove(resource, object.metadata.namespace, object.metadata.name!);
    }
    return removed;
  }

  function list(route: Route, query: URLSearchParams): object {
    const keep = filterFor(query);
    return {
      kind: `${route.type.kind}List`,
      apiVersion: groupVersion(route.type),
      metadata: { resourceVersion: String(store.resourceVersion) },
      // Items of a list carry no apiVersion/kind, as the real server sends them.
      items: store
        .list(route.type, route.namespace)
        .filter(keep)
        .map(({ apiVersion: _a, kind: _k, ...item }) => item),
    };
  }

  function watch(route: Route, query: URLSearchParams, res: ServerResponse): void {
    const keep = filterFor(query);
    const inScope = (e: WatchEvent) =>
      e.resource.group === route.type.group &&
      e.resource.name === route.type.name &&
      (!route.type.namespaced ||
        !route.namespace ||
        e.object.metadata.namespace === route.namespace) &&
      keep(e.object);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const send = (type: string, object: unknown) =>
      res.write(JSON.stringify({ type, object }) + '\n');
    const rv = query.get('resourceVersion');
    const initial = query.get('sendInitialEvents') === 'true';
    if (initial || !rv || rv === '0') {
      // "Start from any/most recent": synthetic ADDED events for what exists now.
      for (const object of store.list(route.type, route.namespace).filter(keep))
        send('ADDED', object);
      if (initial) {
        send('BOOKMARK', {
          kind: route.type.kind,
          apiVersion: groupVersion(route.type),
          metadata: {
            resourceVersion: String(store.resourceVersion),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        });
      }
    } else {
      for (const e of store.log.filter((e) => e.resourceVersion > Number(rv) && inScope(e)))
        send(e.type, e.object);
    }
    const listener = (e: WatchEvent) => {
      if (inScope(e)) send(e.type, e.object);
    };
    store.on('event', listener);
    watches.add(res);
    const timeout = setTimeout(() => res.end(), Number(query.get('timeoutSeconds') ?? 1800) * 1000);
    res.on('close', () => {
      clearTimeout(timeout);
      store.off('event', listener);
      watches.delete(res);
    });
  }

  async function readBody(req: IncomingMessage, contentType: string): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (raw.length === 0) return undefined;
    if (contentType === PROTOBUF_CONTENT_TYPE) {
      const decoded = decodeProtobuf(raw);
      if (decoded.object) return decoded.object;
      if (req.method === 'DELETE') return undefined; // DeleteOptions: nothing the fake honours
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the fake API server decodes protobuf only for Secret and ConfigMap, not ${decoded.kind}`,
      );
    }
    const text = raw.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(400, 'BadRequest', `the request body is not JSON: ${text.slice(0, 80)}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/$/, '') || '/';
    const method = req.method ?? 'GET';
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return code;
    };
    if (method === 'GET' && documents.has(path)) return json(200, documents.get(path));
    if (method === 'GET' && path.startsWith('/openapi/v3')) {
      const doc = openApiV3(path.slice('/openapi/v3'.length).replace(/^\//, ''));
      if (doc) return json(200, doc);
    }
    const r = route(path);
    if (!r) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (
      options.forbid?.({ method, resource: qualified(r.type), ...(r.name ? { name: r.name } : {}) })
    ) {
      const what = r.name ? `${qualified(r.type)} "${r.name}"` : qualified(r.type);
      const where = r.namespace ? ` in the namespace "${r.namespace}"` : '';
      throw new ApiError(
        403,
        'Forbidden',
        `${what} is forbidden: User "datapark-test" cannot ${VERBS[method] ?? method.toLowerCase()} resource "${r.type.name}" in API group "${r.type.group}"${where}`,
        { ...(r.name ? { name: r.name } : {}), group: r.type.group, kind: r.type.name },
      );
    }
    const contentType = req.headers['content-type']?.split(';')[0]?.trim() ?? '';
    const body = method === 'GET' ? undefined : await readBody(req, contentType);
    const query = url.searchParams;
    if (r.name === undefined) {
      if (method === 'GET') {
        if (query.get('watch') === 'true' || query.get('watch') === '1') {
          watch(r, query, res);
          return 200;
        }
        return json(200, list(r, query));
      }
      if (method === 'POST') return json(201, create(r, body as KubeObject));
      if (method === 'DELETE') {
        const keep = filterFor(query);
        const removed = store
          .list(r.type, r.namespace)
          .filter(keep)
          .map((o) => remove(r.type, o.metadata.namespace, o.metadata.name!));
        return json(200, { ...(list(r, new URLSearchParams()) as object), items: removed });
      }
    } else if (['portforward', 'exec', 'attach'].includes(r.subresource ?? '')) {
      // Only reached without an Upgrade header (upgrades go to the 'upgrade' handler).
      throw new ApiError(400, 'BadRequest', 'Upgrade request required');
    } else if (r.subresource === 'log' && r.type.name === 'pods' && method === 'GET') {
      const pod = store.get(r.type, r.namespace, r.name);
      if (!pod) throw notFound(r.type, r.name);
      const lines = controller.logsOf(pod);
      const tail = query.get('tailLines');
      const shown = tail ? lines.slice(-Number(tail)) : lines;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(shown.map((l) => l + '\n').join(''));
      return 200;
    } else if (r.subresource === undefined || r.subresource === 'status') {
      if (method === 'GET') {
        const object = store.get(r.type, r.namespace, r.name);
        if (!object) throw notFound(r.type, r.name);
        return json(200, object);
      }
      if (method === 'PUT') return json(200, update(r, body as KubeObject));
      if (method === 'PATCH') return json(200, patch(r, body as Json, contentType));
      if (method === 'DELETE' && r.subresource === undefined) {
        return json(200, remove(r.type, r.namespace, r.name));
      }
    }
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the fake API server does not serve ${method} ${path}${r.subresource ? '' : ''}`,
    );
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record = (status: number) =>
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search,
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
        status,
      });
    handle(req, res).then(record, (error: unknown) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(
              500,
              'InternalError',
              error instanceof Error ? error.message : String(error),
            );
      if (!res.headersSent) {
        res.writeHead(apiError.code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(apiError.status()));
      } else res.end();
      record(apiError.code);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const r = route(url.pathname);
    const pod =
      r?.subresource === 'portforward' && r.name
        ? store.get(r.type, r.namespace, r.name)
        : undefined;
    const port = Number(url.searchParams.get('ports'));
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      status: pod ? 101 : 404,
    });
    if (!pod || !port) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    servePortForward(req, socket, port, options.portForwardTarget?.(pod, port));
  });
  // kube-apiserver keeps an idle connection open far longer than Node's default 5 s. helm
  // (Go's http.Transport, 90 s idle timeout) reuses one after waiting on a hook, and a DELETE,
  // which Go does not retry, met the reset of a connection Node had just closed (CI, under
  // load): the client must be the one that closes idle connections, as with the real server.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  controller.start();

  return {
    url,
    requests,
    controller,
    writeKubeconfig(path, namespace = 'default') {
      // JSON is YAML: client-go and client-node both read it. client-node refuses plain HTTP
      // unless the cluster says insecure-skip-tls-verify (client-go ignores it for http).
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'fake', user: { token: 'fake-token' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace } }],
        'current-context': 'fake',
      };
      writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
      return path;
    },
    objects: (resource, namespace) => store.list(typeOf(resource), namespace),
    seed: (resource, object) => {
      const type = typeOf(resource);
      return create(
        {
          type,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
        },
        object,
      );
    },
    async close() {
      controller.stop();
      for (const res of watches) res.end();
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
