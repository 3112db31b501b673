import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Debian's Chromium (package `chromium`, tools/ci/apt.sh). */
export const CHROMIUM = '/usr/bin/chromium';

interface CdpMessage {
  readonly id?: number;
  readonly method?: string;
  readonly sessionId?: string;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
}

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol with Node's own WebSocket:
 * no browser download, no driver. One page per instance, enough for a UI test: open a URL, run
 * JavaScript in the page, wait for a condition, take a screenshot.
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
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly process: ChildProcess,
    private readonly socket: WebSocket,
    private readonly profileDir: string,
    private sessionId = '',
  ) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as CdpMessage;
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`CDP: ${message.error.message}`));
      else waiter.resolve(message.result ?? {});
    });
  }

  /** Starts Chromium headless on a loopback DevTools port and attaches to a new blank page. */
  static async launch(
    options: { width?: number; height?: number } = {},
  ): Promise<HeadlessChromium> {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash tools/ci/apt.sh)`);
    const profileDir = mkdtempSync(join(tmpdir(), 'datapark-chromium-'));
    const child = spawn(
      CHROMIUM,
      [
        '--headless=new',
        '--no-sandbox', // root in CI and containers; the page is our own loopback UI
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        '--hide-scrollbars',
        `--user-data-dir=${profileDir}`,
        '--remote-debugging-address=127.0.0.1',
        '--remote-debugging-port=0',
        `--window-size=${options.width ?? 1600},${options.height ?? 1200}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const wsUrl = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(
        () => reject(new Error(`Chromium printed no DevTools URL in 30 s:\n${stderr}`)),
        30_000,
      );
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited with ${code}:\n${stderr}`));
      });
    });
    const socket = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot connect to ${wsUrl}`)), {
        once: true,
      });
    });
    const browser = new HeadlessChromium(child, socket, profileDir);
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
    browser.sessionId = String(sessionId);
    await browser.send('Page.enable');
    await browser.send('Runtime.enable');
    return browser;
  }

  /** Sends a CDP command to the page (or, with `browserLevel`, to the browser). */
  send(
    method: string,
    params: Record<string, unknown> = {},
    browserLevel = false,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const sessionId = browserLevel || method.startsWith('Target.') ? undefined : this.sessionId;
    this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** Navigates the page; returns when the navigation is committed (then wait for content). */
  async open(url: string): Promise<void> {
    const result = await this.send('Page.navigate', { url });
    if (result['errorText']) throw new Error(`cannot open ${url}: ${String(result['errorText'])}`);
  }

  /** Evaluates `expression` in the page (promises awaited) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    const exception = result['exceptionDetails'] as
      { text?: string; exception?: { description?: string } } | undefined;
    if (exception)
      throw new Error(
        `in the page: ${exception.exception?.description ?? exception.text ?? 'error'}`,
      );
    return (result['result'] as { value: T }).value;
  }

  /** Polls `expression` until it is truthy; fails after `timeoutMs` naming `what`. */
  async waitFor(expression: string, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = '';
    while (Date.now() < deadline) {
      try {
        if (await this.evaluate<boolean>(`Boolean(${expression})`)) return;
      } catch (error) {
        lastError = (error as Error).message; // the page may be navigating
      }
      await sleep(500);
    }
    const url = await this.evaluate<string>('location.href').catch(() => '?');
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for ${what} at ${url}${lastError ? ` (${lastError})` : ''}`,
    );
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    const { data } = await this.send('Page.captureScreenshot', {
      format: 'png',
      captureBeyondViewport: true,
    });
    return Buffer.from(String(data), 'base64');
  }

  async close(): Promise<void> {
    try {
      await this.send('Browser.close', {}, true);
    } catch {
      // already gone
    }
    this.socket.close();
    if (this.process.exitCode === null) {
      await Promise.race([
        new Promise((resolve) => this.process.once('exit', resolve)),
        sleep(5000).then(() => this.process.kill('SIGKILL')),
      ]);
    }
    this.process.stderr?.destroy();
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}
