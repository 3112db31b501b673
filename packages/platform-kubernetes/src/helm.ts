import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { findExecutable, PrerequisiteError } from '@datapark/platform';
import { HelmCommandError } from './errors.js';

/**
 * The oldest helm the backend supports: `upgrade --install --create-namespace`, `lookup` and
 * values.schema.json all predate it, and older 3.x releases no longer get security fixes.
 */
export const MIN_HELM_VERSION = Object.freeze({ major: 3, minor: 14, patch: 0 });
const MIN = `v${MIN_HELM_VERSION.major}.${MIN_HELM_VERSION.minor}.${MIN_HELM_VERSION.patch}`;

const INSTALL_FIX =
  `bash tools/ci/go.sh (builds the pinned helm into ~/go/bin with \`go install\`), or install helm ` +
  `${MIN} or newer (https://helm.sh/docs/intro/install/), or point DATAPARK_HELM at a helm binary`;

/** What `helm version --template '{{.Version}}'` said, parsed as far as it goes. */
export interface HelmVersion {
  readonly raw: string;
  readonly major?: number;
  readonly minor?: number;
  readonly patch?: number;
}

/**
 * Parses helm's version. Release builds print `v3.22.0`; a build from source with `go install`
 * prints the placeholder compiled into `internal/version` unless `-ldflags -X …version=` sets
 * it: `v3.22` (no patch) for helm 3.22, `v3.x`, `v4.0+unreleased` or `<nil>` for others.
 */
export function parseHelmVersion(raw: string): HelmVersion {
  const text = raw.trim();
  const m = /^v?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?(?:[-+].*)?$/.exec(text);
  if (!m) return { raw: text };
  const num = (s: string | undefined) => (s === undefined || s === 'x' ? undefined : Number(s));
  const major = num(m[1]);
  const minor = num(m[2]);
  const patch = minor === undefined ? undefined : num(m[3]);
  return {
    raw: text,
    ...(major !== undefined ? { major } : {}),
    ...(minor !== undefined ? { minor } : {}),
    ...(patch !== undefined ? { patch } : {}),
  };
}

/**
 * Decides whether a helm version is supported. Returns a warning when it cannot tell for sure
 * (a placeholder version), and throws a PrerequisiteError when it is too old.
 */
export function checkHelmVersion(version: HelmVersion, path: string): { warning?: string } {
  const tooOld = () =>
    new PrerequisiteError(
      `helm at ${path} is ${version.raw}, older than the supported ${MIN}`,
      'helm',
      INSTALL_FIX,
    );
  const { major, minor, patch } = version;
  if (major === undefined) {
    return {
      warning:
        `helm at ${path} reports no usable version (${JSON.stringify(version.raw)}): a build from ` +
        `source without -ldflags sets none. Going on as if it were ${MIN} or newer; if helm ` +
        `fails, rebuild it with ${INSTALL_FIX.split(' (')[0]}`,
    };
  }
  if (major < MIN_HELM_VERSION.major) throw tooOld();
  if (major > 4) {
    return { warning: `helm ${version.raw} is newer than the helm 3 and 4 this was tested with` };
  }
  if (major > MIN_HELM_VERSION.major) return {};
  if (minor === undefined) {
    return {
      warning:
        `helm at ${path} reports the placeholder version ${version.raw} (built from source without ` +
        `-ldflags): cannot check it is ${MIN} or newer, going on`,
    };
  }
  if (minor < MIN_HELM_VERSION.minor) throw tooOld();
  if (patch === undefined) {
    return {
      warning:
        `helm at ${path} reports ${version.raw} without a patch number (built from source without ` +
        `-ldflags): taking it as v${major}.${minor}.x, which is supported`,
    };
  }
  if (minor === MIN_HELM_VERSION.minor && patch < MIN_HELM_VERSION.patch) throw tooOld();
  return {};
}

export interface HelmOptions {
  /** The helm binary; default `DATAPARK_HELM`, else `helm` on PATH, else `~/go/bin/helm`. */
  readonly helmPath?: string;
  readonly kubeconfig?: string;
  readonly kubeContext?: string;
  /** Environment for helm; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Where helm is looked for when no path is given: PATH, then where `go install` puts it. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['DATAPARK_HELM']) return env['DATAPARK_HELM'];
  const gopath = env['GOPATH']?.split(':')[0] ?? join(homedir(), 'go');
  return findExecutable('helm', []) ?? findExecutable('helm', [join(gopath, 'bin')]);
}

export interface UpgradeInstallOptions {
  readonly release: string;
  readonly chart: string;
  readonly namespace: string;
  /** `-f` files, in order (later ones win). */
  readonly valuesFiles?: readonly string[];
  /** `--set key=value`, in order. */
  readonly set?: readonly string[];
  /** Other helm flags, passed as they are (`--disable-openapi-validation`, `--timeout 10m`). */
  readonly extraArgs?: readonly string[];
}

/** The helm CLI, run through execa with the kubeconfig and context the platform was given. */
export class Helm {
  private constructor(
    readonly path: string,
    readonly version: HelmVersion,
    private readonly options: HelmOptions,
  ) {}

  /**
   * Finds helm and checks its version. Throws a PrerequisiteError when it is missing or too
   * old; `onWarning` hears about a version it cannot check (a source build's placeholder).
   */
  static async locate(options: HelmOptions, onWarning: (message: string) => void): Promise<Helm> {
    const path = options.helmPath ?? findHelm(options.env);
    if (!path)
      throw new PrerequisiteError(
        'helm was not found on PATH nor in ~/go/bin',
        'helm',
        INSTALL_FIX,
      );
    const result = await execa(path, ['version', '--template', '{{.Version}}'], {
      reject: false,
      all: true,
      env: options.env ?? process.env,
      extendEnv: false,
    });
    if (result.failed) {
      const missing = (result as { code?: string }).code === 'ENOENT';
      throw new PrerequisiteError(
        missing
          ? `helm was not found at ${path}`
          : `\`${path} version\` failed: ${(result.all ?? '').trim() || result.shortMessage}`,
        'helm',
        INSTALL_FIX,
      );
    }
    const version = parseHelmVersion(result.stdout);
    const { warning } = checkHelmVersion(version, path);
    if (warning) onWarning(warning);
    return new Helm(path, version, options);
  }

  /** `helm upgrade --install`: installs the release, or upgrades it when it exists. */
  async upgradeInstall(options: UpgradeInstallOptions): Promise<string> {
    return this.run([
      'upgrade',
      '--install',
      options.release,
      options.chart,
      '--namespace',
      options.namespace,
      '--create-namespace',
      ...(options.valuesFiles ?? []).flatMap((f) => ['--values', f]),
      ...(options.set ?? []).flatMap((s) => ['--set', s]),
      ...(options.extraArgs ?? []),
    ]);
  }

  /** `helm uninstall`; a release that does not exist is not an error. Returns whether it did. */
  async uninstall(release: string, namespace: string): Promise<boolean> {
    try {
      await this.run(['uninstall', release, '--namespace', namespace]);
      return true;
    } catch (error) {
      if (error instanceof HelmCommandError && /not found/i.test(error.output)) return false;
      throw error;
    }
  }

  /** The release's status (`deployed`, `failed`, `pending-install`…), or undefined without one. */
  async releaseStatus(
    release: string,
    namespace: string,
  ): Promise<{ status: string; revision: number; chart?: string } | undefined> {
    try {
      const out = await this.run(['status', release, '--namespace', namespace, '--output', 'json']);
      const doc = JSON.parse(out) as {
        version: number;
        info: { status: string };
        chart?: { metadata?: { name?: string; version?: string } };
      };
      const chart = doc.chart?.metadata;
      return {
        status: doc.info.status,
        revision: doc.version,
        ...(chart?.name ? { chart: `${chart.name}-${chart.version ?? ''}` } : {}),
      };
    } catch (error) {
      if (error instanceof HelmCommandError && /not found/i.test(error.output)) return undefined;
      throw error;
    }
  }

  private async run(args: readonly string[]): Promise<string> {
    const full = [
      ...args,
      ...(this.options.kubeconfig ? ['--kubeconfig', this.options.kubeconfig] : []),
      ...(this.options.kubeContext ? ['--kube-context', this.options.kubeContext] : []),
    ];
    const result = await execa(this.path, full, {
      reject: false,
      env: this.options.env ?? process.env,
      extendEnv: false,
    });
    if (result.failed) {
      const output = `${result.stderr}\n${result.stdout}`.trim();
      // The message from stderr alone: helm's stdout (`Release "dp" does not exist. Installing it
      // now.`) would otherwise read as the error's last line.
      throw new HelmCommandError(
        `helm ${args.slice(0, 2).join(' ')} failed: ${helmError(String(result.stderr).trim() || output)}`,
        args,
        output,
        fixFor(output),
      );
    }
    return result.stdout;
  }
}

/**
 * helm's `Error:` line with the lines that follow it up to a blank one: a failed hook says only
 * `failed post-install: 1 error occurred:` on that line, and which Job failed, and how, on the
 * next ones (helm 3's multierror: `\t* timed out waiting for the condition`; Go's errors.Join,
 * which newer code uses, puts each error on a line of its own with no bullet).
 */
export function helmError(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Error:'));
  if (start < 0) return lines.at(-1) ?? '';
  const message = [lines[start]!.replace(/^Error:\s*/, '')];
  for (const line of lines.slice(start + 1, start + 11)) {
    if (line.trim() === '') break;
    message.push(line.trim());
  }
  return message.join(' ');
}

/** fixFor's advice when helm's output matches none of the causes it knows. */
export const GENERIC_HELM_FIX =
  "see helm's output above; `helm template charts/datapark` shows what would be applied";

function fixFor(output: string): string {
  if (/cluster unreachable|connection refused|no such host|dial tcp/i.test(output)) {
    return 'check that the cluster is up and the context is right (`kubectl config current-context`, or --kube-context/--kubeconfig)';
  }
  if (/forbidden/i.test(output)) {
    return 'your user lacks permissions in the namespace: ask for edit rights or use another --namespace';
  }
  if (/another operation .* in progress/i.test(output)) {
    return 'a previous helm command was interrupted: `helm rollback <release>` or `helm uninstall <release>`, then retry';
  }
  return GENERIC_HELM_FIX;
}
