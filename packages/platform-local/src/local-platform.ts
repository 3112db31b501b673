import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataparkConfig, EndpointsDocument, LoadConfigOptions } from '@datapark/config';
import {
  findWorkspaceRoot,
  loadConfig,
  overriddenEndpoints,
  writeEndpointsFile,
} from '@datapark/config';
import type {
  ComponentContext,
  ComponentStatus,
  LocalComponent,
  Platform,
  ProgressReporter,
} from '@datapark/platform';
import { consoleReporter, PlatformError } from '@datapark/platform';
import { asError, type ComponentPorts, type PrerequisiteResult } from './check-results.js';
import { requestedProfile, stampedProfile, stampProfile } from './profile.js';
import { forgetStateDir, recordStateDir } from './state-pointer.js';

/**
 * Written into a state directory the platform creates; `down --purge` deletes only a directory
 * that holds it, so DATAPARK_STATE_DIR pointed at a home directory is never wiped.
 */
export const STATE_DIR_MARKER = '.datapark-state';

export interface LocalPlatformOptions {
  readonly components: readonly LocalComponent[];
  readonly reporter?: ProgressReporter;
  readonly configOptions?: LoadConfigOptions;
}

/**
 * The platform as local processes under the state directory: `up`, `down`, `status`, `logs`,
 * and `start`/`stop` of one component or unit (`kafka-2`).
 *
 * @example
 * ```ts
 * const platform = new LocalPlatform({ components: defaultComponents() });
 * await platform.up({ only: ['postgres', 'redis'] });
 * ```
 */
export class LocalPlatform implements Platform<ComponentStatus[]> {
  readonly components: readonly LocalComponent[];
  private readonly reporter: ProgressReporter;
  private readonly configOptions: LoadConfigOptions;
  private config: DataparkConfig;

  constructor(options: LocalPlatformOptions) {
    this.components = options.components;
    this.reporter = options.reporter ?? consoleReporter();
    this.configOptions = options.configOptions ?? {};
    this.config = loadConfig(this.configOptions);
  }

  get stateDir(): string {
    return this.config.stateDir;
  }

  get endpointsFile(): string {
    return this.config.endpointsFile;
  }

  /** The checkout the state directory belongs to, else the one we run in (jars, venv, DAGs). */
  get workspaceRoot(): string {
    return findWorkspaceRoot(dirname(this.stateDir)) ?? process.cwd();
  }

  /** The configuration as it stands (reloaded by `up` after each component publishes). */
  get configuration(): DataparkConfig {
    return this.config;
  }

  /**
   * Starts `only` (and what they depend on), or everything, in dependency order; never the
   * components in `without` (an error when a component started needs one of them).
   */
  async up(
    options: { only?: readonly string[]; without?: readonly string[] } = {},
  ): Promise<DataparkConfig> {
    const order = this.resolveOrder(options.only, options.without);
    this.createStateDir();
    await this.chooseProfile();
    this.recordStateDir();
    for (const component of order) await component.checkPrerequisites(this.context(component));
    for (const component of order) {
      const started = Date.now();
      await component.start(this.context(component));
      if (component.provision) await component.provision(this.context(component));
      this.reporter.done(component.name, 'ready', Date.now() - started);
    }
    return this.config;
  }

  /** Stops everything (reverse dependency order). `purge` also deletes data and credentials. */
  async down(options: { purge?: boolean; only?: readonly string[] } = {}): Promise<void> {
    const order = options.only ? this.byNames(options.only) : [...this.components];
    if (options.purge) this.assertOwnStateDir();
    for (const component of order.reverse()) {
      const ctx = this.context(component);
      this.reporter.step(component.name, 'stopping');
      await component.stop(ctx);
      if (options.purge) {
        await component.purge?.(ctx);
        rmSync(ctx.dir, { recursive: true, force: true });
      }
    }
    if (options.purge && !options.only) {
      rmSync(this.stateDir, { recursive: true, force: true });
      forgetStateDir(this.stateDir, this.configOptions.env ?? process.env);
      this.reporter.done('platform', `purged ${this.stateDir}`);
    }
  }

  /** Points scripts run outside the checkout at this platform; a failure only warns. */
  private recordStateDir(): void {
    try {
      recordStateDir(this.stateDir, this.configOptions.env ?? process.env);
    } catch (error) {
      this.reporter.warn(
        'platform',
        `could not record the state directory for scripts outside the checkout (${asError(error).message}); they need DATAPARK_STATE_DIR=${this.stateDir}`,
      );
    }
  }

  /**
   * Stamps the requested profile (DATAPARK_PROFILE / `up --profile`); with none requested the
   * platform keeps the one it has. Switching needs everything stopped: half a platform with
   * one worker and half with two is neither.
   */
  private async chooseProfile(): Promise<void> {
    const requested = requestedProfile(this.configOptions.env ?? process.env);
    const stamped = stampedProfile(this.stateDir);
    if (!requested || requested === stamped) {
      if (!stamped) stampProfile(this.stateDir, requested ?? 'full');
      return;
    }
    if (stamped && (await this.status()).some((s) => s.state !== 'stopped'))
      throw new PlatformError(
        `the platform runs the ${stamped} profile, not ${requested}`,
        'platform',
        `stop it first (datapark down; data is kept), then datapark up --profile ${requested}`,
        'PROFILE_MISMATCH',
      );
    stampProfile(this.stateDir, requested);
  }

  /** Creates the state directory, marking it as ours when it is new or empty. */
  private createStateDir(): void {
    const fresh = !existsSync(this.stateDir) || readdirSync(this.stateDir).length === 0;
    mkdirSync(this.stateDir, { recursive: true, mode: 0o755 });
    if (fresh)
      writeFileSync(
        join(this.stateDir, STATE_DIR_MARKER),
        'Created by the Data Park local platform; `datapark down --purge` deletes this directory.\n',
      );
  }

  private assertOwnStateDir(): void {
    if (!existsSync(this.stateDir) || existsSync(join(this.stateDir, STATE_DIR_MARKER))) return;
    throw new PlatformError(
      `refusing to purge ${this.stateDir}: it holds no ${STATE_DIR_MARKER} marker, so the ` +
        'platform did not create it (DATAPARK_STATE_DIR may point at a directory of your own)',
      'platform',
      'check DATAPARK_STATE_DIR; if the directory really is a Data Park state directory from an ' +
        `older version, stop the platform and delete it by hand`,
    );
  }

  /**
   * Every component's status. A degraded one whose address an option or a `DATAPARK_*` variable
   * moved away from the platform's says so in its `detail`: `set by DATAPARK_POSTGRES_PORT; the
   * platform's PostgreSQL is at 127.0.0.1:15432`.
   */
  async status(): Promise<ComponentStatus[]> {
    const statuses = await Promise.all(
      this.components.map((c) =>
        // One component that cannot say (its configuration is wrong) does not hide the others.
        c.status(this.context(c)).catch((error: unknown): ComponentStatus => ({
          component: c.name,
          state: 'degraded',
          units: [],
          detail: error instanceof PlatformError ? error.problem : String(error),
        })),
      ),
    );
    return statuses.map((s) => withOverrides(s, this.config));
  }

  /** The status of one component, e.g. to report the others when one of them cannot say. */
  async componentStatus(name: string): Promise<ComponentStatus> {
    const component = this.componentOf(name);
    return withOverrides(await component.status(this.context(component)), this.config);
  }

  /**
   * Every component's prerequisite check, all of them, starting nothing: what `up` would stop
   * at, component by component.
   *
   * @example
   * ```ts
   * for (const r of await platform.checkPrerequisites()) if (!r.ok) console.log(r.error?.message);
   * ```
   */
  async checkPrerequisites(): Promise<PrerequisiteResult[]> {
    const results: PrerequisiteResult[] = [];
    for (const component of this.components) {
      try {
        await component.checkPrerequisites(this.context(component));
        results.push({ component: component.name, ok: true });
      } catch (error) {
        results.push({ component: component.name, ok: false, error: asError(error) });
      }
    }
    return results;
  }

  /** Every port each component's units listen on, with the variable that moves it. */
  ports(): ComponentPorts[] {
    return this.components.map((component) => {
      try {
        return { component: component.name, ports: component.ports(this.context(component)) };
      } catch (error) {
        return { component: component.name, ports: [], error: asError(error) };
      }
    });
  }

  logFiles(name?: string): readonly string[] {
    const components = name ? [this.componentOf(name)] : this.components;
    return components.flatMap((c) => c.logFiles(this.context(c)));
  }

  /** Starts one component or one unit of it (`kafka-2`). */
  async start(name: string): Promise<void> {
    const component = this.componentOf(name);
    const ctx = this.context(component);
    await component.checkPrerequisites(ctx);
    if (name !== component.name && component.startUnit) await component.startUnit(ctx, name);
    else await component.start(ctx);
  }

  /** Stops one component or one unit of it (`kafka-2`), leaving the rest running. */
  async stop(name: string): Promise<void> {
    const component = this.componentOf(name);
    const ctx = this.context(component);
    if (name !== component.name && component.stopUnit) await component.stopUnit(ctx, name);
    else await component.stop(ctx);
  }

  private componentOf(name: string): LocalComponent {
    const found = this.components.find((c) => c.name === name || c.units.includes(name));
    if (!found) {
      const names = this.components.flatMap((c) => [
        c.name,
        ...c.units.filter((u) => u !== c.name),
      ]);
      throw new PlatformError(
        `unknown component "${name}"`,
        name,
        `use one of: ${names.join(', ')}`,
      );
    }
    return found;
  }

  private byNames(names: readonly string[]): LocalComponent[] {
    return names.map((n) => this.componentOf(n));
  }

  /**
   * The requested components plus their dependencies, dependencies first, leaving out
   * `without` (whole components: `--without monitoring`).
   */
  private resolveOrder(
    only?: readonly string[],
    without: readonly string[] = [],
  ): LocalComponent[] {
    const excluded = new Set(
      without.map((name) => {
        const component = this.componentOf(name);
        if (component.name !== name)
          throw new PlatformError(
            `--without takes components, and ${name} is a unit of ${component.name}`,
            name,
            `leave out the whole component (--without ${component.name}), or stop the unit after up: datapark stop ${name}`,
          );
        return component;
      }),
    );
    const wanted = (only && only.length > 0 ? this.byNames(only) : [...this.components]).filter(
      (c) => !excluded.has(c),
    );
    const order: LocalComponent[] = [];
    const visit = (component: LocalComponent, path: readonly string[]) => {
      if (order.includes(component)) return;
      if (excluded.has(component)) {
        const needer = path.at(-1) ?? component.name;
        throw new PlatformError(
          `${needer} needs ${component.name}, which --without leaves out`,
          needer,
          `leave ${needer} out too: --without ${[...without, needer].join(',')}`,
        );
      }
      if (path.includes(component.name)) {
        throw new PlatformError(
          `dependency cycle: ${[...path, component.name].join(' → ')}`,
          component.name,
        );
      }
      for (const dep of component.dependsOn)
        visit(this.componentOf(dep), [...path, component.name]);
      order.push(component);
    };
    for (const component of wanted) visit(component, []);
    return order;
  }

  private context(component: LocalComponent): ComponentContext {
    // Reloaded for each component so it sees the endpoints its dependencies published.
    this.config = loadConfig(this.configOptions);
    const stateDir = this.config.stateDir;
    const current = () => this.config;
    const publish = (patch: EndpointsDocument) => {
      writeEndpointsFile(this.endpointsFile, patch);
      this.config = loadConfig(this.configOptions);
    };
    return {
      stateDir,
      dir: join(stateDir, component.name),
      logDir: join(stateDir, 'logs'),
      workspaceRoot: this.workspaceRoot,
      get config() {
        return current();
      },
      reporter: this.reporter,
      publish,
    };
  }
}

/**
 * A degraded component's detail, with every override that points its addresses elsewhere:
 * `pid 4242 runs but nothing answers at 127.0.0.1:25999 (set by DATAPARK_POSTGRES_PORT; the
 * platform's PostgreSQL is at 127.0.0.1:15432). Fix: unset DATAPARK_POSTGRES_PORT to use the
 * platform's PostgreSQL`.
 */
function withOverrides(status: ComponentStatus, config: DataparkConfig): ComponentStatus {
  if (status.state !== 'degraded') return status;
  const overrides = overriddenEndpoints(config, status.component);
  if (overrides.length === 0) return status;
  let detail = status.detail ?? 'not healthy';
  for (const o of overrides) {
    const at = detail.indexOf(o.address);
    detail =
      at >= 0
        ? `${detail.slice(0, at + o.address.length)} (${o.note})${detail.slice(at + o.address.length)}`
        : `${detail}; ${o.what} at ${o.address} (${o.note})`;
  }
  return { ...status, detail: `${detail}. Fix: ${overrides.map((o) => o.fix).join('; ')}` };
}
