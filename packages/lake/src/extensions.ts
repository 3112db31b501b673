import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LakeExtensionsMissingError } from './lake-error.js';

/**
 * The DuckDB extensions the lake needs: httpfs reads `s3://` paths, iceberg reads Iceberg
 * metadata and scans tables, avro reads Iceberg's manifests (iceberg loads it itself).
 */
export const LAKE_EXTENSIONS = ['httpfs', 'avro', 'iceberg'] as const;

/** What installs them: from their PyPI wheels, pinned with sha256 (tools/duckdb/extensions.lock). */
export const INSTALL_EXTENSIONS_COMMAND = 'bash tools/ci/duckdb.sh';

/**
 * Where tools/ci/duckdb.sh puts the extensions and {@link openLake} looks for them:
 * `$DATAPARK_DUCKDB_EXTENSION_DIR`, else `~/.cache/datapark/duckdb/extensions` (under
 * `$XDG_CACHE_HOME` when set). DuckDB's own layout is kept below it:
 * `<dir>/v1.5.5/linux_amd64/iceberg.duckdb_extension`.
 */
export function defaultExtensionDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['DATAPARK_DUCKDB_EXTENSION_DIR'];
  if (explicit) return explicit;
  const cache = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cache, 'datapark', 'duckdb', 'extensions');
}

/** The extension files DuckDB `version` (`v1.5.5`) on `platform` (`linux_amd64`) would load. */
export function extensionFiles(
  directory: string,
  version: string,
  platform: string,
): Readonly<Record<(typeof LAKE_EXTENSIONS)[number], string>> {
  const dir = join(directory, version, platform);
  return Object.freeze({
    httpfs: join(dir, 'httpfs.duckdb_extension'),
    avro: join(dir, 'avro.duckdb_extension'),
    iceberg: join(dir, 'iceberg.duckdb_extension'),
  });
}

/**
 * Loads httpfs and iceberg from the extension directory the instance was created with, after
 * checking the files are there: DuckDB's own message would say `INSTALL iceberg`, which
 * downloads from extensions.duckdb.org (not reachable here). Signatures are checked by DuckDB
 * (`allow_unsigned_extensions` stays off): a file changed on the way is refused.
 */
export async function loadLakeExtensions(
  connection: DuckDBConnection,
  directory: string,
): Promise<void> {
  const reader = await connection.runAndReadAll(
    'SELECT version() AS version, (SELECT platform FROM pragma_platform()) AS platform',
  );
  const { version, platform } = reader.getRowObjectsJson()[0] as {
    version: string;
    platform: string;
  };
  const files = extensionFiles(directory, version, platform);
  const missing = Object.values(files).filter((file) => !existsSync(file));
  if (missing.length > 0)
    throw new LakeExtensionsMissingError(
      missing,
      `DuckDB ${version} (${platform}) finds no ${missing.map((f) => f.split('/').pop()).join(', ')} in ${join(directory, version, platform)}`,
      `${INSTALL_EXTENSIONS_COMMAND} (from the checkout) installs them from PyPI into ${directory}; or set DATAPARK_DUCKDB_EXTENSION_DIR to where they are`,
    );
  await connection.run('LOAD httpfs');
  await connection.run('LOAD iceberg');
}
