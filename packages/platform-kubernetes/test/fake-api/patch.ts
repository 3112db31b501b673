type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** JSON merge patch, RFC 7386: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key] ?? null, value);
  }
  return out;
}

/**
 * The merge keys of the lists the charts' objects carry (containers, env, volumes, ports…), from
 * the `patchMergeKey` tags of k8s.io/api. A list whose elements have none of them is replaced.
 */
const MERGE_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'type', 'ip'];

function mergeKeyOf(items: readonly Json[]): string | undefined {
  const objects = items.filter(isObject);
  if (objects.length === 0 || objects.length !== items.length) return undefined;
  return MERGE_KEYS.find((k) => objects.every((o) => k in o));
}

/**
 * Strategic merge patch as helm 3 sends it for built-in kinds (`CreateThreeWayMergePatch`):
 * like a merge patch, but lists of objects merge by their merge key, `$patch: delete` removes an
 * element, `$setElementOrder/<list>` orders it and `$retainKeys` is honoured as a hint only. An
 * approximation of apimachinery's `strategicpatch` good for the lists the charts use; the fake
 * API server documents it as such.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch['$patch'] === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const out: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  const orders: Record<string, Json[]> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/')) {
      orders[key.slice('$setElementOrder/'.length)] = Array.isArray(value) ? value : [];
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[list];
      if (Array.isArray(current) && Array.isArray(value))
        out[list] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (Array.isArray(value) && Array.isArray(current)) {
      const mergeKey = mergeKeyOf([...current, ...value.filter((v) => !isDirective(v))]);
      out[key] = mergeKey ? mergeList(current, value, mergeKey) : value;
    } else {
      out[key] = strategicMergePatch(current ?? null, value);
    }
  }
  for (const [list, order] of Object.entries(orders)) {
    const current = out[list];
    if (!Array.isArray(current)) continue;
    const mergeKey = mergeKeyOf(current);
    if (!mergeKey) continue;
    const keyOf = (v: Json) => (isObject(v) ? JSON.stringify(v[mergeKey]) : JSON.stringify(v));
    const rank = new Map(order.map((o, i) => [keyOf(o), i]));
    out[list] = [...current].sort(
      (a, b) => (rank.get(keyOf(a)) ?? Infinity) - (rank.get(keyOf(b)) ?? Infinity),
    );
  }
  return out;
}

function isDirective(value: Json): boolean {
  return isObject(value) && '$patch' in value;
}

function mergeList(current: readonly Json[], patch: readonly Json[], mergeKey: string): Json[] {
  const out = [...current];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = out.findIndex((c) => isObject(c) && c[mergeKey] === item[mergeKey]);
    if (item['$patch'] === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = strategicMergePatch(out[index]!, item);
    } else {
      out.push(strategicMergePatch(null, item));
    }
  }
  return out;
}

export type { Json };
