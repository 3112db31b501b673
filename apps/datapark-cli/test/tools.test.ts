import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const config = loadConfig();
const run = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 180_000,
    ...(options.input === undefined ? {} : { input: options.input }),
    env: { ...process.env, ...options.env },
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('datapark psql', () => {
  it('opens psql as the role asked for (analyst by default), with psql options passed on', () => {
    const asAnalyst = run(['psql', '-At', '-c', 'select current_user']);
    expect({ status: asAnalyst.status, stderr: asAnalyst.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    expect(asAnalyst.stdout).toBe('analyst\n');
    const asIngest = run([
      'psql',
      'ingest',
      '-At',
      '-c',
      'select current_user, current_database()',
    ]);
    expect(asIngest.stdout).toBe(`ingest|${config.postgres.database}\n`);
    // Least privilege holds: the analyst cannot write.
    const write = run(['psql', '-c', 'delete from processed.daily_sales']);
    expect(write.status).not.toBe(0);
    expect(write.stderr).toMatch(/permission denied/);
  });

  it('passes the password in a private passfile, never on the command line, and removes it', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'psql-tmp-'));
    const child = spawn(process.execPath, [CLI, 'psql', 'analyst', '-c', 'select pg_sleep(3)'], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // psql, a child of the datapark process, as every user of the machine sees it in ps: once
    // it has exec'd (until then the forked child still shows node's command and environment).
    let psql: string | undefined;
    for (let i = 0; i < 100 && !psql; i++) {
      await sleep(100);
      psql = readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .find((p) => {
          try {
            return (
              readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] ===
                String(child.pid) &&
              /(^|\/)psql$/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0]!)
            );
          } catch {
            return false;
          }
        });
    }
    expect(psql).toBeDefined();
    const cmdline = readFileSync(`/proc/${psql}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('analyst');
    expect(cmdline.join(' ')).not.toContain(config.postgres.roles.analyst.password);
    const environ = readFileSync(`/proc/${psql}/environ`, 'utf8').split('\0');
    expect(environ.some((e) => e.startsWith('PGPASSWORD='))).toBe(false);
    const passfile = environ.find((e) => e.startsWith('PGPASSFILE='))!.slice('PGPASSFILE='.length);
    expect(passfile.startsWith(tmp)).toBe(true);
    expect(await exited).toBe(0);
    expect(readdirSync(tmp)).toEqual([]); // the passfile and its directory are gone
  });

  it('refuses an unknown role, listing the roles', () => {
    const result = run(['psql', 'root']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /✗ postgres: unknown PostgreSQL role "root"\n {2}Fix: use one of admin, owner, ingest, spark_etl, airflow, analyst, generator/,
    );
  });
});

describe('datapark kafka', () => {
  // A topic of this test's own: nothing lands in the shop's topics, and it is deleted after.
  const topic = `datapark-cli-test-${randomUUID().slice(0, 8)}`;
  afterAll(() => run(['kafka', 'topics', '--delete', '--topic', topic]));

  it('topics lists the catalog topics; consume reads back the record produce wrote', () => {
    const listed = run(['kafka', 'topics']);
    expect(listed.status).toBe(0);
    expect(listed.stdout.split('\n')).toEqual(
      expect.arrayContaining(['order-events', 'order-events.dlq', 'clickstream']),
    );

    const created = run([
      'kafka',
      'topics',
      '--create',
      '--topic',
      topic,
      '--partitions',
      '1',
      '--replication-factor',
      '3',
    ]);
    expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: '' });

    const record = `hello from datapark kafka produce ${randomUUID()}`;
    const produced = run(['kafka', 'produce', topic], { input: `${record}\n` });
    expect({ status: produced.status, stderr: produced.stderr }).toEqual({ status: 0, stderr: '' });

    const consumed = run([
      'kafka',
      'consume',
      topic,
      '--from-beginning',
      '--max-messages',
      '1',
      '--timeout-ms',
      '60000',
    ]);
    expect(consumed.status).toBe(0);
    expect(consumed.stdout).toBe(`${record}\n`);
    // Only the tool's closing line: no notice inviting KIP-848's protocol, which it uses.
    expect(consumed.stderr).toBe('Processed a total of 1 messages\n');
  }, 300_000);

  it("consume --help prints the console consumer's own help, not a wait on a topic named --help", () => {
    const help = run(['kafka', 'consume', '--help']);
    // Kafka's tools exit 1 after printing their usage; what matters is that it ended.
    expect(help.signal).toBeNull();
    expect(help.stdout + help.stderr).toMatch(/--from-beginning/);
    expect(help.stdout + help.stderr).not.toMatch(/UNKNOWN_TOPIC_OR_PARTITION/);
  }, 60_000);
});
