import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { generateAccessKeyId } from '../src/objectstore/buckets.js';
import { objectstoreAddress, versitygwArgs, versitygwEnv } from '../src/objectstore/server.js';

const KEY_ID = 'DPTESTKEYID000000001';
const SECRET = 'a-test-secret-of-some-length-000';

function context(env: Record<string, string>): ComponentContext {
  const stateDir = mkdtempSync(join(tmpdir(), 'datapark-objectstore-'));
  const config = loadConfig({ env: { DATAPARK_STATE_DIR: stateDir, ...env }, cwd: stateDir });
  return {
    stateDir,
    dir: join(stateDir, 'objectstore'),
    logDir: join(stateDir, 'logs'),
    workspaceRoot: stateDir,
    config,
    reporter: { step() {}, done() {}, warn() {} },
    publish() {},
  } as unknown as ComponentContext;
}

describe('the object store process', () => {
  const keys = { DATAPARK_S3_ACCESS_KEY_ID: KEY_ID, DATAPARK_S3_SECRET_ACCESS_KEY: SECRET };

  it('listens on the configured loopback address, with the keys in its environment only', () => {
    const ctx = context(keys);
    const args = versitygwArgs(ctx);
    expect(args.slice(0, 2)).toEqual(['--port', '127.0.0.1:17070']);
    expect(args).toContain('--quiet');
    // Request counters as StatsD to the monitoring component's statsd_exporter (Prometheus + 35).
    expect(args.join(' ')).toContain(
      '--metrics-service-name objectstore --metrics-statsd-servers 127.0.0.1:19125',
    );
    expect(args.slice(-2)).toEqual(['posix', join(ctx.dir, 'data')]);
    // No web UI, no admin API: neither flag is passed.
    expect(args.join(' ')).not.toMatch(/webui|admin-port/);
    expect(args.join(' ')).not.toContain(KEY_ID);
    expect(args.join(' ')).not.toContain(SECRET);
    const env = versitygwEnv(ctx);
    expect(env['ROOT_ACCESS_KEY_ID']).toBe(KEY_ID);
    expect(env['ROOT_SECRET_ACCESS_KEY']).toBe(SECRET);
  });

  it("drops versitygw's own variables from the user's environment (they could open more ports)", () => {
    process.env['VGW_WEBUI_PORT'] = '0.0.0.0:7071';
    process.env['VGW_ADMIN_PORT'] = ':7072';
    try {
      const env = versitygwEnv(context(keys));
      expect(Object.keys(env).filter((k) => k.startsWith('VGW_'))).toEqual([]);
      expect(env['PATH']).toBe(process.env['PATH']);
    } finally {
      delete process.env['VGW_WEBUI_PORT'];
      delete process.env['VGW_ADMIN_PORT'];
    }
  });

  it('follows DATAPARK_S3_URL, and refuses a URL it cannot serve, naming the variable', () => {
    expect(objectstoreAddress(context({ DATAPARK_S3_URL: 'http://127.0.0.1:27070' }))).toEqual({
      host: '127.0.0.1',
      port: 27070,
    });
    expect(() =>
      objectstoreAddress(context({ DATAPARK_S3_URL: 'https://127.0.0.1:27070' })),
    ).toThrow(/DATAPARK_S3_URL/);
  });

  it('makes access key ids of 20 upper-case letters and digits, different each time', () => {
    const ids = new Set(Array.from({ length: 50 }, generateAccessKeyId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^DP[A-Z0-9]{18}$/);
  });
});
