import { HeadlessChromium, UiTestingError } from '../src/index.js';

// Debian's Chromium on a page of its own (a data: URL): no platform needed.
describe('HeadlessChromium', () => {
  let browser: HeadlessChromium;
  beforeAll(async () => {
    browser = await HeadlessChromium.launch({ width: 400, height: 300 });
  });
  afterAll(() => browser.close());

  it('opens a page, evaluates in it and takes a PNG of it', async () => {
    await browser.open('data:text/html,<h1 id="t">Data Park</h1>');
    expect(await browser.evaluate<string>('document.getElementById("t").textContent')).toBe(
      'Data Park',
    );
    const png = await browser.screenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('names what it waited for, and where, when the wait times out', async () => {
    await browser.open('data:text/html,<p>nothing</p>');
    const error = await browser.waitFor('false', 600, 'a chart that never draws').catch((e) => e);
    expect(error).toBeInstanceOf(UiTestingError);
    expect(error).toMatchObject({ code: 'UI_WAIT_TIMED_OUT' });
    expect((error as Error).message).toMatch(
      /timed out after 600 ms waiting for a chart that never draws at data:text\/html/,
    );
  });
});
