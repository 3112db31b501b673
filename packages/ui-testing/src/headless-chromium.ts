import puppeteer, { type Browser, type LaunchOptions, type Page } from 'puppeteer-core';
import { UiTestingError } from './ui-testing-error.js';

/** Debian's Chromium (package `chromium`, tools/ci/apt.sh): puppeteer-core downloads none. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, through puppeteer-core. Root (CI) has no user namespace for
 * Chromium's sandbox; the pages it opens are the platform's own, on loopback.
 */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
    defaultViewport: { width: 1400, height: 1000 },
    ...options,
  });
}

/**
 * One page of a headless Chromium, for tests that script a UI with expressions evaluated in the
 * page: open a URL, evaluate, wait for a condition (failing with what was awaited), screenshot.
 *
 * @example
 * ```ts
 * const browser = await HeadlessChromium.launch();
 * await browser.open('http://127.0.0.1:18088/login/');
 * await browser.waitFor('document.querySelector("input") !== null', 30_000, 'the login form');
 * writeFileSync('page.png', await browser.screenshot());
 * await browser.close();
 * ```
 */
export class HeadlessChromium {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async launch(options: { width?: number; height?: number } = {}) {
    const browser = await launchChromium({
      defaultViewport: { width: options.width ?? 1400, height: options.height ?? 1000 },
    });
    return new HeadlessChromium(browser, await browser.newPage());
  }

  /**
   * Navigates the page; returns when the navigation is committed (then wait for content). A
   * navigation the page itself started meanwhile (a single-page app's redirect after a login)
   * aborts ours with net::ERR_ABORTED: ours is tried again, up to three times.
   */
  async open(url: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.goto(url, { waitUntil: 'domcontentloaded' });
        return;
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('net::ERR_ABORTED')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }

  /** Evaluates `expression` in the page (promises awaited) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  /** Polls `expression` until it is truthy; fails after `timeoutMs` naming `what`. */
  async waitFor(expression: string, timeoutMs: number, what: string): Promise<void> {
    try {
      await this.page.waitForFunction(expression, { timeout: timeoutMs, polling: 500 });
    } catch (error) {
      throw new UiTestingError(
        `timed out after ${timeoutMs} ms waiting for ${what} at ${this.page.url()} (${(error as Error).message})`,
        {
          code: 'UI_WAIT_TIMED_OUT',
          hint: 'the screenshot the test saves shows the page as it was; the service behind it logs why',
          cause: error,
        },
      );
    }
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    return Buffer.from(await this.page.screenshot({ fullPage: true }));
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
