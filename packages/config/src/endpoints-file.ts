import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config-error.js';

/** The endpoints file: nested JSON in the shape of the config, written by the platform. */
export type EndpointsDocument = { readonly [key: string]: unknown };

/** Reads the endpoints file; a missing file is an empty document, a corrupt one a ConfigError. */
export function readEndpointsFile(path: string): EndpointsDocument {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  try {
    const doc: unknown = JSON.parse(text);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
      throw new TypeError('not an object');
    return doc as EndpointsDocument;
  } catch (error) {
    throw new ConfigError([
      {
        key: 'endpoints file',
        source: path,
        shownValue: '<unreadable>',
        expected: `valid JSON object (${(error as Error).message})`,
        fix: `restart the platform to rewrite it (npx nx run platform:up), or delete ${path}`,
      },
    ]);
  }
}

/**
 * Merges `patch` into the endpoints file and writes it atomically with mode 0600: it holds
 * credentials. Objects merge key by key; other values replace.
 */
export function writeEndpointsFile(path: string, patch: EndpointsDocument): EndpointsDocument {
  const merged = deepMerge(readEndpointsFile(path), patch);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(merged, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepMerge(base: EndpointsDocument, patch: EndpointsDocument): EndpointsDocument {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
