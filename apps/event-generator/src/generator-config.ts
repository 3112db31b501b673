import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SimulationConfig } from './simulation-config.js';
import { GeneratorError } from './generator-error.js';

/** Where events go. `none` only counts them: for benchmarks and for trying settings. */
export const SINK_NAMES = ['dry-run', 'kafka', 'postgres', 'none'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/** The port of the control API unless configured otherwise. */
export const DEFAULT_HTTP_PORT = 18380;

/**
 * How the generator runs: mode, pace, sinks, control API, and the simulated shop's knobs
 * (`simulation`). Read from a JSON file, then `DATAPARK_GENERATOR_PORT`, then flags.
 */
export const GeneratorConfig = z
  .object({
    /**
     * `realtime`: events stamped with the wall clock, paced at `eventsPerSecond`, until stopped
     * (or `events` / `durationSeconds`). `backfill`: the last `days` of history as fast as the
     * sinks take it, event times spread over the period, then exit.
     */
    mode: z.enum(['realtime', 'backfill']).default('realtime'),
    eventsPerSecond: z.number().positive().max(1_000_000).default(100),
    days: z.number().positive().max(3_650).default(1),
    /**
     * Backfill: the end of the period (ISO 8601). Default: now, with the start rounded down to
     * the hour, so a restart with the same seed within the hour replays the same events.
     */
    until: z.iso.datetime({ offset: true }).optional(),
    /** Stop after this many events (either mode). */
    events: z.number().int().positive().optional(),
    /** Realtime: stop after this many seconds. */
    durationSeconds: z.number().positive().optional(),
    sinks: z
      .array(z.enum(SINK_NAMES))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'expected each sink once')
      .default(['dry-run']),
    /** dry-run: write JSON lines to this file instead of stdout. */
    out: z.string().min(1).optional(),
    /** Serve the control API (status, pause/resume, rate, /metrics, /healthz, /readyz). */
    http: z.boolean().default(false),
    httpPort: z.number().int().min(0).max(65_535).default(DEFAULT_HTTP_PORT),
    /** Events per batch a sink sends or commits at once. */
    batchSize: z.number().int().min(1).max(100_000).default(2_000),
    /** A partial batch waits at most this long before it is sent (realtime latency). */
    lingerMs: z.number().int().min(0).max(60_000).default(100),
    /** Kafka record compression (gzip: about a third of the bytes, for CPU). */
    compression: z.enum(['gzip', 'none']).default('gzip'),
    simulation: SimulationConfig.default(SimulationConfig.parse({})),
  })
  .strict();

export type GeneratorConfig = z.infer<typeof GeneratorConfig>;
export type GeneratorConfigInput = z.input<typeof GeneratorConfig>;

/** The flag (or variable) that sets each field, so an error names what the user typed. */
const SET_BY: Readonly<Record<string, string>> = {
  mode: '--mode',
  eventsPerSecond: '--rate',
  days: '--days',
  until: '--until',
  events: '--events',
  durationSeconds: '--duration',
  sinks: '--sink',
  out: '--out',
  http: '--http',
  httpPort: '--http-port or DATAPARK_GENERATOR_PORT',
  batchSize: '--batch-size',
  compression: '--compression',
  'simulation.seed': '--seed',
  'simulation.schemaVersions': '--schema-version',
};

/** A config that failed validation: every problem, each naming its field. */
export class GeneratorConfigError extends GeneratorError {
  override readonly name = 'GeneratorConfigError';

  constructor(
    /** Where the config came from: a file path, `flags`, or `config`. */
    readonly source: string,
    readonly problems: readonly { readonly field: string; readonly message: string }[],
  ) {
    super(
      `Invalid event-generator ${source}:\n` +
        problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n'),
      { code: 'GENERATOR_CONFIG_INVALID', hint: 'event-generator --help lists every option' },
    );
  }
}

/**
 * Validates a generator config, naming each bad field.
 *
 * @example
 * ```ts
 * parseGeneratorConfig({ mode: 'backfill', days: 3, sinks: ['kafka', 'postgres'] });
 * parseGeneratorConfig({ eventsPerSecond: -1 });
 * // GeneratorConfigError: Invalid event-generator config:
 * //   - eventsPerSecond: Too small: expected number to be >0
 * ```
 */
export function parseGeneratorConfig(input: unknown, source = 'config'): GeneratorConfig {
  const result = GeneratorConfig.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new GeneratorConfigError(
    source,
    result.error.issues.map((i) => {
      const field = i.path.join('.') || '(root)';
      const top = i.path.slice(0, i.path[0] === 'simulation' ? 2 : 1).join('.');
      return { field: SET_BY[top] ? `${field} (${SET_BY[top]})` : field, message: i.message };
    }),
  );
}

/** Command-line flags, as commander hands them over (strings). */
export interface GeneratorFlags {
  readonly config?: string;
  readonly seed?: string;
  /** `page_view=2`, possibly comma-separated or repeated. */
  readonly schemaVersion?: readonly string[];
  readonly mode?: string;
  readonly rate?: string;
  readonly days?: string;
  readonly until?: string;
  readonly events?: string;
  readonly duration?: string;
  readonly sink?: string;
  readonly out?: string;
  readonly http?: boolean;
  readonly httpPort?: string;
  readonly batchSize?: string;
  readonly compression?: string;
}

/** `--schema-version page_view=2[,other=1]` (repeatable) as `{ page_view: 2 }`. */
function parseSchemaVersions(values: readonly string[]): Record<string, number | string> {
  const versions: Record<string, number | string> = {};
  for (const pair of values.flatMap((v) => v.split(','))) {
    const [eventType, version] = pair.split('=').map((part) => part.trim());
    if (!eventType || version === undefined)
      throw new GeneratorConfigError('flags', [
        { field: '--schema-version', message: `expected EVENT_TYPE=VERSION, got "${pair}"` },
      ]);
    versions[eventType] = numberOrText(version) as number | string;
  }
  return versions;
}

/** A flag's number, or the text itself so that validation names the field and shows the value. */
function numberOrText(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GeneratorConfigError(path, [
      { field: '--config', message: `cannot read the file (${(error as Error).message})` },
    ]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new TypeError('expected a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new GeneratorConfigError(path, [
      { field: '(root)', message: `not a JSON object: ${(error as Error).message}` },
    ]);
  }
}

/**
 * The config of one run: the file named by `--config`, then `DATAPARK_GENERATOR_PORT`, then
 * flags, validated together. An error names the field and where it came from.
 */
export function resolveGeneratorConfig(
  flags: GeneratorFlags,
  env: NodeJS.ProcessEnv = process.env,
): GeneratorConfig {
  const fromFile = flags.config ? readConfigFile(flags.config) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  const simulation = { ...((fromFile['simulation'] as Record<string, unknown>) ?? {}) };
  const envPort = env['DATAPARK_GENERATOR_PORT'];
  if (envPort !== undefined && envPort !== '') merged['httpPort'] = numberOrText(envPort);
  const set = (key: string, value: unknown) => {
    if (value !== undefined) merged[key] = value;
  };
  set('mode', flags.mode);
  set('eventsPerSecond', numberOrText(flags.rate));
  set('days', numberOrText(flags.days));
  set('until', flags.until);
  set('events', numberOrText(flags.events));
  set('durationSeconds', numberOrText(flags.duration));
  set(
    'sinks',
    flags.sink
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  set('out', flags.out);
  set('http', flags.http);
  if (flags.httpPort !== undefined) {
    merged['httpPort'] = numberOrText(flags.httpPort);
    merged['http'] = flags.http ?? true;
  }
  set('batchSize', numberOrText(flags.batchSize));
  set('compression', flags.compression);
  if (flags.seed !== undefined) simulation['seed'] = flags.seed;
  if (flags.schemaVersion !== undefined)
    simulation['schemaVersions'] = {
      ...((simulation['schemaVersions'] as Record<string, unknown>) ?? {}),
      ...parseSchemaVersions(flags.schemaVersion),
    };
  if (Object.keys(simulation).length > 0) merged['simulation'] = simulation;
  const source = flags.config ? `config (${flags.config} and flags)` : 'flags';
  return parseGeneratorConfig(merged, source);
}
