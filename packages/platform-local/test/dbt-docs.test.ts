import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot, loadConfig } from '@datapark/config';
import { HeadlessChromium } from '@datapark/ui-testing';

const ROOT = findWorkspaceRoot(import.meta.dirname)!;
/** Where the screenshot lands (ignored by git). */
const OUTPUT = join(ROOT, 'test-output', 'dbt-docs');
/** What apps/dbt-shop/bin/docs.sh writes and the plugin serves. */
const DOCS = join(ROOT, 'apps', 'dbt-shop', 'target', 'docs');
const MODEL = 'customer_lifetime_value';

// dbt docs as the datapark_dbt_docs plugin (apps/airflow-dags/plugins) serves them from the
// platform's Airflow api-server, behind Airflow's own login.
describe('dbt docs in the platform’s Airflow', () => {
  const config = loadConfig();
  const base = config.airflow.url;
  const docs = new URL('/dbt-docs/', base).href;

  beforeAll(() => {
    if (existsSync(join(DOCS, 'index.html'))) return;
    if (!existsSync(join(ROOT, '.venv-dbt', 'bin', 'dbt')))
      throw new Error(
        'no dbt docs and no .venv-dbt to make them: bash tools/ci/dbt.sh, then npx nx run dbt-shop:docs',
      );
    try {
      execFileSync('bash', [join(ROOT, 'apps', 'dbt-shop', 'bin', 'docs.sh')], {
        stdio: 'pipe',
        encoding: 'utf8',
      });
    } catch (error) {
      // dbt's own words, or a failure here says nothing in the CI log.
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(
        `apps/dbt-shop/bin/docs.sh failed:\n${`${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n')}`,
      );
    }
  }, 600_000);

  it('refuses the docs without a login and sends a browser to Airflow’s login page', async () => {
    const anonymous = await fetch(new URL('manifest.json', docs));
    // Without the plugin, Airflow's UI answers any unknown path with its own page (200, HTML).
    if (anonymous.status !== 401 && anonymous.headers.get('content-type')?.includes('text/html'))
      throw new Error(
        `${base} has no /dbt-docs: its api-server has not loaded apps/airflow-dags/plugins; restart it: node apps/datapark-cli/dist/cli.js stop airflow-api-server, then npx nx run platform:up (which writes the plugins folder into its settings)`,
      );
    expect(anonymous.status).toBe(401);
    const browser = await fetch(docs, { headers: { Accept: 'text/html' }, redirect: 'manual' });
    expect(browser.status).toBe(303);
    expect(new URL(browser.headers.get('location')!, base).pathname).toBe('/auth/login');
    const forged = await fetch(docs, { headers: { Cookie: '_token=not-a-token' } });
    expect(forged.status).toBe(403);
    // A browser with a stale or forged session goes to the login too, not to a JSON error.
    const stale = await fetch(docs, {
      headers: { Cookie: '_token=not-a-token', Accept: 'text/html' },
      redirect: 'manual',
    });
    expect(stale.status).toBe(303);
    expect(new URL(stale.headers.get('location')!, base).pathname).toBe('/auth/login');
  });

  it('shows the project’s models after Airflow’s login in headless Chromium', async () => {
    const browser = await HeadlessChromium.launch();
    try {
      await browser.open(docs);
      await browser.waitFor(
        'document.querySelector("input[name=username], input#username") !== null',
        60_000,
        'Airflow’s login form',
      );
      await browser.page.type('input[name=username], input#username', config.airflow.username);
      await browser.page.type('input[name=password], input#password', config.airflow.password!);
      await browser.evaluate(`(document.querySelector('button[type=submit]').click(), true)`);
      await browser.waitFor(
        'location.pathname === "/dbt-docs/"',
        60_000,
        'the login to send the browser back to /dbt-docs/',
      );
      await browser.open(`${docs}#!/model/model.dbt_shop.${MODEL}`);
      try {
        // The model's page: its name as the title and its columns from the catalog.
        await browser.waitFor(
          `document.body.innerText.includes(${JSON.stringify(MODEL)}) && document.body.innerText.includes('lifetime_revenue')`,
          90_000,
          `the ${MODEL} model's page with its columns`,
        );
      } finally {
        mkdirSync(OUTPUT, { recursive: true });
        writeFileSync(join(OUTPUT, 'dbt-docs-model.png'), await browser.screenshot());
      }
      const models = await browser.evaluate<string[]>(
        `[...document.querySelectorAll('a')].map((a) => a.textContent.replace(/\\s+/g, ''))`,
      );
      expect(models).toEqual(expect.arrayContaining(['fct_funnel', 'stg_order_events']));
    } finally {
      await browser.close();
    }
  }, 300_000);
});
