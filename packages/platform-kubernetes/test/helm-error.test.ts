import { helmError } from '../src/helm.js';

// What `k8s install` shows of a failed helm: the `Error:` line and the reason under it.
describe("helmError: helm's error as one line", () => {
  it("keeps helm 3's bulleted list (multierror) under the Error: line", () => {
    // helm 3 (go-multierror) on a hook timeout, after a warning of its own.
    const output = [
      'walk.go:74: found symbolic link in path: charts/x resolves to y. Contents of linked file included and used',
      'Error: failed post-install: 1 error occurred:',
      '\t* timed out waiting for the condition',
      '',
      '',
    ].join('\n');
    expect(helmError(output)).toBe(
      'failed post-install: 1 error occurred: * timed out waiting for the condition',
    );
  });

  it('keeps plain continuation lines (errors.Join) up to the first blank line', () => {
    const output = [
      'Error: failed post-install: hook dp-superset-init failed',
      'job dp-superset-init failed: BackoffLimitExceeded',
      '',
      'Usage: helm upgrade [RELEASE] [CHART] [flags]',
    ].join('\n');
    expect(helmError(output)).toBe(
      'failed post-install: hook dp-superset-init failed job dp-superset-init failed: BackoffLimitExceeded',
    );
  });

  it('is the last line when helm printed no Error: line', () => {
    expect(helmError('something\nKubernetes cluster unreachable')).toBe(
      'Kubernetes cluster unreachable',
    );
  });
});
