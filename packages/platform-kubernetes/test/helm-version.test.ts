import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrerequisiteError } from '@datapark/platform';
import { checkHelmVersion, parseHelmVersion } from '../src/helm.js';
import {
  realHelm,
  recordingReporter,
  startFakeCluster,
  type FakeCluster,
} from './cluster-fixture.js';

/**
 * A helm that reports `version` as given and runs the real helm for everything else: only
 * `helm version` differs between a release build, a source build without -ldflags and an old
 * helm, and building old helms here would take longer than the whole suite.
 */
function helmReporting(dir: string, version: string): string {
  const path = join(dir, `helm-${version.replace(/[^\w.]/g, '_')}`);
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$1" = version ]; then printf '%s' '${version}'; exit 0; fi\nexec '${realHelm()}' "$@"\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe('helm version check', () => {
  it.each([
    ['v3.22.0', { major: 3, minor: 22, patch: 0 }],
    ['v3.22', { major: 3, minor: 22 }],
    ['v3.x', { major: 3 }],
    ['v4.0+unreleased', { major: 4, minor: 0 }],
    ['<nil>', {}],
  ])('parses %s', (raw, expected) => {
    expect(parseHelmVersion(raw)).toEqual({ raw, ...expected });
  });

  it('accepts a release at or above the minimum without a warning', () => {
    expect(checkHelmVersion(parseHelmVersion('v3.22.0'), 'helm')).toEqual({});
    expect(checkHelmVersion(parseHelmVersion('v3.14.0'), 'helm')).toEqual({});
    expect(checkHelmVersion(parseHelmVersion('v4.1.0'), 'helm')).toEqual({});
  });

  it.each(['v3.22', 'v3.x', '<nil>', ''])(
    'accepts the placeholder %j of a source build with a warning',
    (raw) => {
      const { warning } = checkHelmVersion(parseHelmVersion(raw), '/root/go/bin/helm');
      expect(warning).toMatch(/without -ldflags|sets none/);
    },
  );

  it.each(['v3.13.3', 'v3.5', 'v2.17.0'])(
    'refuses %s as too old, saying how to get a supported one',
    (raw) => {
      expect(() => checkHelmVersion(parseHelmVersion(raw), '/usr/bin/helm')).toThrow(
        PrerequisiteError,
      );
      expect(() => checkHelmVersion(parseHelmVersion(raw), '/usr/bin/helm')).toThrow(
        /older than the supported v3\.14\.0[\s\S]*tools\/ci\/go\.sh/,
      );
    },
  );
});

describe('KubernetesPlatform.install and the helm binary', () => {
  let cluster: FakeCluster;
  let dir: string;

  beforeEach(async () => {
    cluster = await startFakeCluster({ readyAfterMs: 100 });
    dir = mkdtempSync(join(tmpdir(), 'datapark-helm-'));
  });
  afterEach(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails with a clear error, before touching the cluster, when helm is missing', async () => {
    const platform = cluster.platform({ helmPath: join(dir, 'no-helm-here') });
    const error = await platform.install().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as Error).message).toMatch(
      /helm was not found at .*no-helm-here[\s\S]*Fix: bash tools\/ci\/go\.sh/,
    );
    expect(cluster.api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('refuses a helm that is too old, before touching the cluster', async () => {
    const platform = cluster.platform({ helmPath: helmReporting(dir, 'v3.9.4') });
    const error = await platform.install().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as Error).message).toMatch(/is v3\.9\.4, older than the supported v3\.14\.0/);
    expect(cluster.api.objects('statefulsets.apps', 'datapark')).toEqual([]);
  });

  it('installs with a helm whose version is a placeholder, and warns that it could not check it', async () => {
    const reporter = recordingReporter();
    const platform = cluster.platform({ helmPath: helmReporting(dir, '<nil>'), reporter });
    const result = await platform.install();
    expect(reporter.lines.filter((l) => l.startsWith('warn helm:'))).toEqual([
      expect.stringMatching(/reports no usable version \("<nil>"\)/),
    ]);
    expect(result.components.every((c) => c.done)).toBe(true);
  });
});
