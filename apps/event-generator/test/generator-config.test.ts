import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import {
  DEFAULT_HTTP_PORT,
  GeneratorConfigError,
  parseGeneratorConfig,
  resolveGeneratorConfig,
  startGenerator,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'generator-config-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GeneratorConfigError);
    return (error as GeneratorConfigError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error('expected a GeneratorConfigError');
}

describe('generator configuration', () => {
  it('has defaults for every field: realtime at 100 events/s into the dry-run sink, API port 18380', () => {
    const config = parseGeneratorConfig({});
    expect(config).toMatchObject({
      mode: 'realtime',
      eventsPerSecond: 100,
      days: 1,
      sinks: ['dry-run'],
      http: false,
      httpPort: DEFAULT_HTTP_PORT,
    });
    expect(config.simulation.seed).toBe(42);
  });

  it('layers file < DATAPARK_GENERATOR_PORT < flags, and --sink takes a comma-separated list', () => {
    const path = file(
      'ok.json',
      JSON.stringify({
        mode: 'backfill',
        days: 3,
        eventsPerSecond: 50,
        httpPort: 1111,
        simulation: { seed: 'file', conversionRate: 0.2 },
      }),
    );
    const config = resolveGeneratorConfig(
      { config: path, rate: '250', sink: 'kafka, postgres', seed: 'flag' },
      { DATAPARK_GENERATOR_PORT: '2222' },
    );
    expect(config).toMatchObject({
      mode: 'backfill',
      days: 3,
      eventsPerSecond: 250,
      sinks: ['kafka', 'postgres'],
      httpPort: 2222,
      simulation: { seed: 'flag', conversionRate: 0.2 },
    });
    expect(
      resolveGeneratorConfig({ httpPort: '3333' }, { DATAPARK_GENERATOR_PORT: '2222' }),
    ).toMatchObject({
      http: true,
      httpPort: 3333,
    });
  });

  it('names each bad field, the flag or variable that sets it, and what it expects', () => {
    expect(
      problems(() =>
        resolveGeneratorConfig(
          { rate: '-5', days: 'many', sink: 'kafka,s3', mode: 'fast' },
          { DATAPARK_GENERATOR_PORT: '99999' },
        ),
      ),
    ).toEqual([
      'mode (--mode): Invalid option: expected one of "realtime"|"backfill"',
      'eventsPerSecond (--rate): Too small: expected number to be >0',
      'days (--days): Invalid input: expected number, received string',
      'sinks.1 (--sink): Invalid option: expected one of "dry-run"|"kafka"|"postgres"|"none"',
      'httpPort (--http-port or DATAPARK_GENERATOR_PORT): Too big: expected number to be <=65535',
    ]);
  });

  it('reads --schema-version EVENT_TYPE=VERSION, repeated or comma-separated, and names the flag on error', () => {
    const config = resolveGeneratorConfig({ schemaVersion: ['page_view=2'] }, {});
    expect(config.simulation.schemaVersions).toEqual({ page_view: 2 });
    expect(resolveGeneratorConfig({}, {}).simulation.schemaVersions).toEqual({});
    expect(
      problems(() => resolveGeneratorConfig({ schemaVersion: ['page_view=2,search=2'] }, {})),
    ).toEqual([
      'simulation.schemaVersions.search (--schema-version): the generator emits search at version 1, not 2',
    ]);
    expect(problems(() => resolveGeneratorConfig({ schemaVersion: ['page_view'] }, {}))).toEqual([
      '--schema-version: expected EVENT_TYPE=VERSION, got "page_view"',
    ]);
  });

  it('names the field inside the file, unknown keys included, and says which file', () => {
    const path = file(
      'bad.json',
      JSON.stringify({ sinks: [], simulation: { conversionRate: 2, sessionsPerHuor: 5 }, rate: 1 }),
    );
    expect(() => resolveGeneratorConfig({ config: path }, {})).toThrow(path);
    expect(problems(() => resolveGeneratorConfig({ config: path }, {}))).toEqual([
      'sinks (--sink): Too small: expected array to have >=1 items',
      'simulation.conversionRate: Too big: expected number to be <=1',
      'simulation: Unrecognized key: "sessionsPerHuor"',
      '(root): Unrecognized key: "rate"',
    ]);
  });

  it('says when the file is missing or not a JSON object', () => {
    expect(problems(() => resolveGeneratorConfig({ config: join(dir, 'nope.json') }, {}))).toEqual([
      expect.stringMatching(/^--config: cannot read the file \(ENOENT/),
    ]);
    expect(
      problems(() => resolveGeneratorConfig({ config: file('list.json', '[1]') }, {})),
    ).toEqual(['(root): not a JSON object: expected a JSON object']);
  });
});

describe('a sink that cannot open', () => {
  it('fails at start naming the sink, where it looked and the fix, and leaves nothing open', async () => {
    const platform = loadConfig();
    const unreachable = { ...platform, postgres: { ...platform.postgres, port: 1 } };
    await expect(
      startGenerator(
        parseGeneratorConfig({ sinks: ['dry-run', 'postgres'], out: join(dir, 'x') }),
        {
          platform: unreachable,
        },
      ),
    ).rejects.toThrow(
      /PostgreSQL sink: cannot reach source\.customers as role generator at 127\.0\.0\.1:1 .*npx nx run platform:up --only postgres/,
    );
  });
});
