import type { V1Secret } from '@kubernetes/client-node';
import { lakeSparkConf, loadConfig, s3Connection, writeEndpointsFile } from '@datapark/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsFromSecrets } from '../src/release-credentials.js';

// The release's Secrets as charts/datapark generates them (labelled with their chart's name,
// values base64-encoded), read into the endpoints file's shape.
const secret = (chart: string, data: Record<string, string>): V1Secret => ({
  metadata: { name: `dp-${chart}`, labels: { 'app.kubernetes.io/name': chart } },
  data: Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
});

describe('credentials from the release Secrets', () => {
  it("gives @datapark/config the object store's keys and the lake catalog's password, so lakeSparkConf works against a cluster", () => {
    const doc = credentialsFromSecrets([
      secret('postgresql', {
        'admin-password': 'admin-password-0123',
        'iceberg-password': 'iceberg-password-0123',
      }),
      secret('objectstore', {
        'access-key-id': 'AKIACHARTGENERATED01',
        'secret-access-key': 'chart-generated-secret-0123456789',
      }),
    ]);
    expect(doc).toMatchObject({
      lake: { catalogPassword: 'iceberg-password-0123' },
      s3: {
        accessKeyId: 'AKIACHARTGENERATED01',
        secretAccessKey: 'chart-generated-secret-0123456789',
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'datapark-credentials-'));
    try {
      const file = join(dir, 'endpoints.json');
      writeEndpointsFile(file, doc);
      const config = loadConfig({ endpointsFile: file, env: {} });
      expect(s3Connection(config).credentials.accessKeyId).toBe('AKIACHARTGENERATED01');
      expect(lakeSparkConf(config)['spark.sql.catalog.lake.jdbc.password']).toBe(
        'iceberg-password-0123',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves out what a release does not have (no object store, no lake catalog password)', () => {
    const doc = credentialsFromSecrets([secret('postgresql', { 'admin-password': 'admin-0123' })]);
    expect(doc).not.toHaveProperty('s3');
    expect(doc).not.toHaveProperty('lake');
  });
});
