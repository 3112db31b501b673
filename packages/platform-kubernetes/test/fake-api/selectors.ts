/**
 * Label and field selectors as the API server parses them
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors):
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, comma means AND.
 */
export type Requirement =
  | { readonly key: string; readonly op: 'in'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | 'doesnotexist' };

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

/** Splits on the commas that are not inside `( … )`. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((t) => t.trim()).filter(Boolean);
}

export function parseSelector(selector: string | null | undefined): Requirement[] {
  if (!selector) return [];
  return terms(selector).map((term): Requirement => {
    let m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim());
      return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
    }
    m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m) {
      return m[2] === '!='
        ? { key: m[1]!, op: 'notin', values: [m[3]!] }
        : { key: m[1]!, op: 'in', values: [m[3]!] };
    }
    m = /^(!?)([^\s!=(),]+)$/.exec(term);
    if (m) return { key: m[2]!, op: m[1] ? 'doesnotexist' : 'exists' };
    throw new SelectorParseError(`unable to parse requirement: ${term}`);
  });
}

/** True when `lookup` (a label or field getter) satisfies every requirement. */
export function matches(
  requirements: readonly Requirement[],
  lookup: (key: string) => string | undefined,
): boolean {
  return requirements.every((r) => {
    const value = lookup(r.key);
    switch (r.op) {
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        return value === undefined || !r.values.includes(value);
      case 'exists':
        return value !== undefined;
      case 'doesnotexist':
        return value === undefined;
    }
  });
}

/** A field of an object by its dotted path (`metadata.name`, `involvedObject.name`). */
export function fieldOf(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return undefined;
  return typeof current === 'string' ? current : JSON.stringify(current);
}
