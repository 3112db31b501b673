import type { HeadlessChromium } from './headless-chromium.js';

/** Superset's address and the login the platform wrote into the endpoints file. */
export interface SupersetLogin {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/**
 * Logs in through Superset's login form as a learner does. Superset's form is React: a value set
 * on the input without its native setter and an input event is not seen by the form's state.
 */
export async function logInToSuperset(
  browser: HeadlessChromium,
  login: SupersetLogin,
): Promise<void> {
  await browser.open(new URL('/login/', login.url).href);
  await browser.waitFor(
    'document.querySelector("input[name=username], input#username")',
    60_000,
    'the login form',
  );
  await browser.evaluate(`(() => {
    const set = (selector, value) => {
      const input = document.querySelector(selector);
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      setter.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    set('input[name=username], input#username', ${JSON.stringify(login.username)});
    set('input[name=password], input#password', ${JSON.stringify(login.password)});
    return true;
  })()`);
  await browser.evaluate(
    `(document.querySelector('button[type=submit], input[type=submit]').click(), true)`,
  );
  await browser.waitFor(
    '!location.pathname.startsWith("/login")',
    60_000,
    'the login to go through',
  );
}

/** The chart holders of a Superset dashboard, as the page marks them. */
export const CHART_HOLDERS = '[data-test="dashboard-component-chart-holder"]';

/**
 * An expression evaluated in a dashboard's page: per chart holder, its title, whether it drew
 * its data (ECharts' canvas, a table's rows, a big number), a problem it shows (an error or the
 * empty state) and whether it is loading.
 */
export const CHART_STATES = `[...document.querySelectorAll('${CHART_HOLDERS}')].map((h) => ({
  title: h.querySelector('[data-test="editable-title"], .header-title')?.textContent?.trim() ?? '',
  drawn: Boolean(h.querySelector('canvas, table tbody tr td, .header-line, svg.big-number, [data-test="big-number"]')),
  problem: h.querySelector('[data-test="error-tooltip"], .ant-alert-error, [role="alert"], .empty-state, [data-test="empty-state"]')?.textContent ?? null,
  loading: Boolean(h.querySelector('[aria-label="Loading"], .loading')),
}))`;

/** What CHART_STATES gives for one chart. */
export interface ChartState {
  readonly title: string;
  readonly drawn: boolean;
  readonly problem: string | null;
  readonly loading: boolean;
}
