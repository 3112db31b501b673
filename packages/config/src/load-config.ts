import type { ConfigProblem } from './config-error.js';
import { ConfigError } from './config-error.js';
import { readEndpointsFile } from './endpoints-file.js';
import type { KeySpec, PostgresRole } from './keys.js';
import { CONFIG_KEYS, POSTGRES_ROLE_USERS } from './keys.js';
import { resolveEndpointsFile, resolveStateDir } from './state-dir.js';
import type { ValueOrigin } from './value-origin.js';
import { recordOrigins } from './value-origin.js';

export interface PostgresRoleCredentials {
  readonly user: string;
  /** Undefined until the platform has generated it (or an override supplies it). */
  readonly password?: string;
}

/** Endpoints and credentials of every component: one typed, validated, frozen object. */
export interface DataparkConfig {
  readonly stateDir: string;
  readonly endpointsFile: string;
  readonly postgres: {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly airflowDatabase: string;
    readonly roles: Readonly<Record<PostgresRole, PostgresRoleCredentials>>;
  };
  readonly redis: { readonly host: string; readonly port: number; readonly password?: string };
  readonly kafka: { readonly bootstrapServers: readonly string[] };
  readonly spark: {
    readonly masterUrl: string;
    readonly restUrl: string;
    /** Signs REST submission requests (Spark's JWSFilter); undefined until the platform made it. */
    readonly restSecret?: string;
    readonly uiUrl: string;
    readonly historyUrl: string;
    /** Connector jars (Kafka source, JDBC driver) the cluster puts on every classpath. */
    readonly connectorJars?: string;
  };
  readonly airflow: { readonly url: string; readonly username: string; readonly password?: string };
  readonly jupyter: { readonly url: string; readonly token?: string };
  readonly superset: {
    readonly url: string;
    readonly username: string;
    /** The admin's password, the SECRET_KEY and the two roles' passwords; generated at `up`. */
    readonly password?: string;
    readonly secretKey?: string;
    readonly metadataPassword?: string;
    readonly readerPassword?: string;
  };
  readonly monitoring: {
    readonly prometheusUrl: string;
    readonly alertmanagerUrl: string;
    readonly username: string;
    /** Basic auth of Prometheus and Alertmanager; undefined until the platform made it. */
    readonly password?: string;
    /** The PostgreSQL exporter's role (datapark_monitor, pg_monitor only). */
    readonly postgresPassword?: string;
  };
  /** The S3-compatible object store (path-style); the keys are undefined until it generated them. */
  readonly s3: {
    readonly url: string;
    readonly region: string;
    readonly accessKeyId?: string;
    readonly secretAccessKey?: string;
  };
  /** The lake: Iceberg tables in the object store, their catalog in PostgreSQL. */
  readonly lake: {
    /** `s3://bucket/path` where the tables' files live. */
    readonly warehouse: string;
    /** The catalog role's password (role `iceberg`); undefined until the platform made it. */
    readonly catalogPassword?: string;
  };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ConfigOverrides = DeepPartial<Omit<DataparkConfig, 'stateDir' | 'endpointsFile'>>;

export interface LoadConfigOptions {
  /** Explicit values: they win over everything else. */
  readonly overrides?: ConfigOverrides;
  /** Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to `DATAPARK_ENDPOINTS_FILE` or `<state dir>/endpoints.json`. */
  readonly endpointsFile?: string;
  readonly cwd?: string;
}

/**
 * Loads the configuration. Precedence, highest first: `overrides` > `DATAPARK_*` environment
 * variables > the endpoints file written by the platform > defaults. Every invalid value is
 * reported at once in a {@link ConfigError}; secrets never appear in it.
 *
 * @example
 * ```ts
 * const config = loadConfig();
 * config.kafka.bootstrapServers; // ['127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094']
 * postgresUrl(config, 'analyst'); // postgres://analyst:…@127.0.0.1:15432/datapark
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): DataparkConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const stateDir = resolveStateDir(env, cwd);
  const endpointsFile = options.endpointsFile ?? resolveEndpointsFile(env, cwd);
  const fileValues = flatten(readEndpointsFile(endpointsFile));
  const overrideValues = flatten((options.overrides ?? {}) as Record<string, unknown>);

  const problems: ConfigProblem[] = [];
  const out: Record<string, unknown> = { stateDir, endpointsFile };
  const origins = new Map<string, ValueOrigin>();
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    const picked = pick(key, spec, overrideValues, env, fileValues, endpointsFile);
    if (picked === undefined) continue;
    const parsed = spec.schema.safeParse(picked.value);
    if (parsed.success) {
      setPath(out, key, parsed.data);
      origins.set(key, originOf(key, spec, picked.source, fileValues));
    } else {
      problems.push({
        key,
        source: picked.source,
        shownValue: spec.secret ? '<redacted>' : JSON.stringify(picked.value),
        expected: parsed.error.issues.map((issue) => issue.message).join('; '),
        fix: fixFor(spec, picked.source),
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const roles = (getPath(out, 'postgres.roles') ?? {}) as Record<string, { password?: string }>;
  for (const [role, user] of Object.entries(POSTGRES_ROLE_USERS)) {
    setPath(out, `postgres.roles.${role}.user`, user);
    if (!roles[role]) setPath(out, `postgres.roles.${role}`, { user });
  }
  recordOrigins(out, origins);
  return deepFreeze(out) as unknown as DataparkConfig;
}

/** Where a picked value came from, with the endpoints file's value when something overrode it. */
function originOf(
  key: string,
  spec: KeySpec,
  source: string,
  file: Record<string, unknown>,
): ValueOrigin {
  if (source === 'default') return { key, from: 'default' };
  if (source.startsWith('endpoints file')) return { key, from: 'endpoints file' };
  const inFile = file[key] === undefined ? undefined : spec.schema.safeParse(normalise(file[key]));
  return {
    key,
    from: source === 'option' ? 'option' : 'environment',
    ...(source === 'option' ? {} : { variable: spec.env }),
    // A secret's platform value is never kept: only the key and where it came from.
    ...(inFile?.success && !spec.secret ? { platformValue: inFile.data } : {}),
  };
}

function pick(
  key: string,
  spec: KeySpec,
  overrides: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  file: Record<string, unknown>,
  endpointsFile: string,
): { value: unknown; source: string } | undefined {
  if (overrides[key] !== undefined) return { value: normalise(overrides[key]), source: 'option' };
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { value: fromEnv, source: `environment variable ${spec.env}` };
  }
  if (file[key] !== undefined) {
    return { value: normalise(file[key]), source: `endpoints file ${endpointsFile}` };
  }
  if (spec.default !== undefined) return { value: spec.default, source: 'default' };
  return undefined;
}

// Lists (bootstrap servers) are stored as arrays but parsed from the comma-separated form.
function normalise(value: unknown): unknown {
  return Array.isArray(value) ? value.join(',') : value;
}

function fixFor(spec: KeySpec, source: string): string {
  if (source.startsWith('environment')) {
    return `set ${spec.env} to ${spec.doc} (e.g. ${spec.example}), or unset it to use the platform's value`;
  }
  if (source.startsWith('endpoints file')) {
    return `restart the platform (npx nx run platform:up) to rewrite it, or override with ${spec.env}`;
  }
  return `pass ${spec.doc} (e.g. ${spec.example})`;
}

function flatten(doc: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(out, flatten(value as Record<string, unknown>, path));
    } else {
      out[path] = value;
    }
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

function getPath(target: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], target);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
