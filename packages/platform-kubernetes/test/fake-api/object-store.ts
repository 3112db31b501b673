import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** An object as the API server stores it: JSON with `metadata`. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One resource type, from the recorded discovery documents. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  /** Plural, as in the URL: `deployments`. */
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export const groupVersion = (t: ResourceType): string =>
  t.group ? `${t.group}/${t.version}` : t.version;

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resourceVersion: number;
  readonly resource: ResourceType;
  readonly object: KubeObject;
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * The generic object store behind the fake API server: one map for every resource type, one
 * resourceVersion counter (etcd's revision), an event log for watches.
 */
export class ObjectStore extends EventEmitter<{ event: [WatchEvent] }> {
  private readonly objects = new Map<string, { resource: ResourceType; object: KubeObject }>();
  private revision = 1;
  readonly log: WatchEvent[] = [];

  get resourceVersion(): number {
    return this.revision;
  }

  private key(resource: ResourceType, namespace: string | undefined, name: string): string {
    return `${resource.group}|${resource.name}|${resource.namespaced ? (namespace ?? '') : ''}|${name}`;
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(this.key(resource, namespace, name));
    return found ? clone(found.object) : undefined;
  }

  list(resource: ResourceType, namespace?: string): KubeObject[] {
    return [...this.objects.values()]
      .filter(
        (e) =>
          e.resource.group === resource.group &&
          e.resource.name === resource.name &&
          (!namespace || !resource.namespaced || e.object.metadata.namespace === namespace),
      )
      .map((e) => clone(e.object))
      .sort((a, b) =>
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace}/${b.metadata.name}`,
        ),
      );
  }

  /** Every object of every type (for garbage collection and namespace deletion). */
  all(): { resource: ResourceType; object: KubeObject }[] {
    return [...this.objects.values()].map((e) => ({
      resource: e.resource,
      object: clone(e.object),
    }));
  }

  /** Stores a new object; the caller has checked that the name is free. */
  create(resource: ResourceType, object: KubeObject): KubeObject {
    const stored = clone(object);
    stored.apiVersion = groupVersion(resource);
    stored.kind = resource.kind;
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.metadata.generation = 1;
    if (!resource.namespaced) delete stored.metadata.namespace;
    return this.put(resource, stored, 'ADDED');
  }

  /** Replaces a stored object, keeping what the server owns (uid, creation time). */
  replace(resource: ResourceType, object: KubeObject): KubeObject {
    const name = object.metadata.name!;
    const current = this.get(resource, object.metadata.namespace, name)!;
    const stored = clone(object);
    stored.apiVersion = groupVersion(resource);
    stored.kind = resource.kind;
    stored.metadata.uid = current.metadata.uid!;
    stored.metadata.creationTimestamp = current.metadata.creationTimestamp!;
    const specChanged = JSON.stringify(strip(current)) !== JSON.stringify(strip(stored));
    stored.metadata.generation = (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    return this.put(resource, stored, 'MODIFIED');
  }

  remove(resource: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const key = this.key(resource, namespace, name);
    const found = this.objects.get(key)!;
    this.objects.delete(key);
    const object = clone(found.object);
    object.metadata.resourceVersion = String(++this.revision);
    this.record({ type: 'DELETED', resourceVersion: this.revision, resource, object });
    return clone(object);
  }

  private put(resource: ResourceType, object: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    object.metadata.resourceVersion = String(++this.revision);
    this.objects.set(this.key(resource, object.metadata.namespace, object.metadata.name!), {
      resource,
      object,
    });
    this.record({ type, resourceVersion: this.revision, resource, object: clone(object) });
    return clone(object);
  }

  private record(event: WatchEvent): void {
    this.log.push(event);
    this.emit('event', event);
  }
}

/** What `generation` tracks: everything but metadata and status. */
function strip(object: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = object;
  return rest;
}
