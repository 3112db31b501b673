import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import {
  defaultExtensionDirectory,
  extensionFiles,
  LakeExtensionsMissingError,
  openLake,
  s3SecretStatement,
} from '@datapark/lake';
import { DuckDBInstance } from '@duckdb/node-api';

// No platform needed: keys of its own, and nothing here reaches PostgreSQL or the store.
const KEY_ID = 'LAKETESTKEYID0123456';
const SECRET = "lake-test-secret-with-a-quote-'-in-it";
const config = loadConfig({
  env: {},
  endpointsFile: join(tmpdir(), 'no-such-datapark-endpoints.json'),
  overrides: { s3: { accessKeyId: KEY_ID, secretAccessKey: SECRET } },
});
const installed = defaultExtensionDirectory();
const scratch = mkdtempSync(join(tmpdir(), 'lake-extensions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function duckdb(extensionDirectory: string) {
  const instance = await DuckDBInstance.create(':memory:', {
    extension_directory: extensionDirectory,
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
  return {
    connection,
    read,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

describe("DuckDB's extensions for the lake", () => {
  it('fails with the install command when the extension directory has none of them', async () => {
    const empty = join(scratch, 'empty');
    const error = await openLake(config, { extensionDirectory: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeExtensionsMissingError);
    const missing = error as LakeExtensionsMissingError;
    expect(missing.code).toBe('LAKE_EXTENSIONS_MISSING');
    expect(missing.hint).toMatch(/^bash tools\/ci\/duckdb\.sh .*into .*empty/);
    expect(missing.missing.map((f) => f.replace(empty, '<dir>'))).toEqual([
      '<dir>/v1.5.5/linux_amd64/httpfs.duckdb_extension',
      '<dir>/v1.5.5/linux_amd64/avro.duckdb_extension',
      '<dir>/v1.5.5/linux_amd64/iceberg.duckdb_extension',
    ]);
    expect(missing.message).toContain(
      'DuckDB v1.5.5 (linux_amd64) finds no httpfs.duckdb_extension',
    );
  });

  it('names only the one that is missing (iceberg without avro cannot read manifests)', async () => {
    const partial = join(scratch, 'partial');
    const files = extensionFiles(partial, 'v1.5.5', 'linux_amd64');
    mkdirSync(join(partial, 'v1.5.5', 'linux_amd64'), { recursive: true });
    const from = extensionFiles(installed, 'v1.5.5', 'linux_amd64');
    copyFileSync(from.httpfs, files.httpfs);
    copyFileSync(from.iceberg, files.iceberg);
    const error = await openLake(config, { extensionDirectory: partial }).catch((e: unknown) => e);
    expect((error as LakeExtensionsMissingError).missing).toEqual([files.avro]);
  });

  it('loads the installed ones (tools/ci/duckdb.sh) as DuckDB-signed extensions, unsigned ones refused', async () => {
    const db = await duckdb(installed);
    try {
      expect(
        await db.read("SELECT current_setting('allow_unsigned_extensions') AS unsigned"),
      ).toEqual([{ unsigned: false }]);
      await db.connection.run('LOAD httpfs');
      await db.connection.run('LOAD iceberg'); // loads avro itself, from the same directory
      const loaded = await db.read(
        `SELECT extension_name AS name, install_path AS path FROM duckdb_extensions()
          WHERE loaded AND extension_name IN ('httpfs', 'iceberg', 'avro') ORDER BY 1`,
      );
      expect(loaded).toEqual(
        ['avro', 'httpfs', 'iceberg'].map((name) => ({
          name,
          path: join(installed, 'v1.5.5', 'linux_amd64', `${name}.duckdb_extension`),
        })),
      );
    } finally {
      db.close();
    }

    // One byte changed in a copy: DuckDB's signature check refuses it.
    const tampered = join(scratch, 'tampered');
    const file = extensionFiles(tampered, 'v1.5.5', 'linux_amd64').httpfs;
    mkdirSync(join(tampered, 'v1.5.5', 'linux_amd64'), { recursive: true });
    copyFileSync(extensionFiles(installed, 'v1.5.5', 'linux_amd64').httpfs, file);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0x5a]), 0, 1, 100_000);
    closeSync(fd);
    const refused = await duckdb(tampered);
    try {
      await expect(refused.connection.run('LOAD httpfs')).rejects.toThrow(
        /signature is either missing or invalid/,
      );
    } finally {
      refused.close();
    }
  });
});

describe("the object store's secret", () => {
  it('is path-style, without TLS, scoped to the warehouse bucket, and DuckDB shows no secret key', async () => {
    const statement = s3SecretStatement(config);
    expect(statement).toContain("ENDPOINT '127.0.0.1:17070'");
    expect(statement).toContain("SECRET 'lake-test-secret-with-a-quote-''-in-it'");
    const db = await duckdb(installed);
    try {
      await db.connection.run('LOAD httpfs');
      await db.connection.run(statement);
      const [secret] = await db.read(
        'SELECT name, type, scope, secret_string FROM duckdb_secrets()',
      );
      expect(secret).toMatchObject({ name: 'lake_s3', type: 's3', scope: ['s3://lake'] });
      const fields = Object.fromEntries(
        String(secret!['secret_string'])
          .split(';')
          .map((kv) => kv.split('=') as [string, string]),
      );
      expect(fields).toMatchObject({
        endpoint: '127.0.0.1:17070',
        url_style: 'path',
        use_ssl: 'false',
        region: 'us-east-1',
        secret: 'redacted',
      });
      expect(JSON.stringify(secret)).not.toContain('lake-test-secret');
    } finally {
      db.close();
    }
  });
});
