import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
// The one shared helper these browser tests use: the real authorization server, in this process.
import { startTestIssuer, type TestIssuer } from '../helpers/oidc.js';
import {
  describeWithChromium,
  launchChromium,
  makeSandbox,
  type Sandbox,
  type ServedGateway,
  spawnServe,
} from './browser.js';
import {
  axeFindings,
  cspViolations,
  endSuite,
  type FreshPage,
  fitsWidth,
  openFreshPage,
  saveScreenshot,
  VIEWPORTS,
} from './page-checks.js';

/** Unused in OAuth mode: the gateway takes no local token, but spawnServe always sets one. */
const UNUSED_TOKEN = 'unused-in-oauth-mode-0123456789abcdefghij';

interface Watched extends FreshPage {
  /** The bodies of every console API answer the page received. */
  readonly answers: string[];
}

describeWithChromium('console sign-in through the authorization server in Chromium', () => {
  let issuer: TestIssuer;
  let layout: Sandbox;
  let gateway: ServedGateway;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [issuer, layout, browser] = await Promise.all([
      startTestIssuer({ codeFlow: true }),
      makeSandbox(),
      launchChromium(),
    ]);
    const yaml = [
      'gateway:',
      `  oauthIssuer: ${JSON.stringify(issuer.issuer)}`,
      '  oauthConsoleClientId: console-public',
      'servers:',
      '  - name: fs',
      '    kind: fs',
      '    options:',
      `      roots: [${JSON.stringify(layout.root)}]`,
      '',
    ].join('\n');
    gateway = await spawnServe(layout.base, yaml, UNUSED_TOKEN);
  });

  afterAll(async () => {
    await endSuite({ contexts, browser, gateway, layout });
    await issuer?.close();
  });

  /** A fresh profile's page (its urls include the authorization server's pages and redirects). */
  async function openPage(options: BrowserContextOptions = {}): Promise<Watched> {
    const fresh = await openFreshPage(browser, contexts, options);
    const answers: string[] = [];
    fresh.page.on('response', (response) => {
      if (response.url().startsWith(`${gateway.url}/console/api/`))
        answers.push(`${response.url()}\n${JSON.stringify(response.headers())}`);
      if (response.url().startsWith(`${gateway.url}/console/api/`) && response.status() < 300)
        void response.text().then(
          (text) => answers.push(text),
          () => undefined,
        );
    });
    return { ...fresh, answers };
  }

  const issuerHost = () => new URL(issuer.issuer).host;

  /** From the console's sign-in page through the issuer's login and consent pages, as a person clicks them. */
  async function signInThroughIssuer(page: Page, login = 'alice'): Promise<void> {
    await page.goto(gateway.url);
    await page.getByRole('link', { name: `Sign in with ${issuerHost()}` }).click();
    await page.waitForURL((url) => url.href.startsWith(issuer.issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any-password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
  }

  it('signs in through the authorization server and calls a tool as the signed-in client', async () => {
    const { page, dialogs } = await openPage();
    await page.goto(gateway.url);
    // The paste-a-token form stays beside the button.
    await page.getByLabel('Access token').waitFor();
    await page.getByRole('link', { name: `Sign in with ${issuerHost()}` }).waitFor();
    await saveScreenshot(page, 'sign-in-oauth');
    await signInThroughIssuer(page);
    expect(new URL(page.url()).origin).toBe(gateway.url);
    await page.getByText('Signed in as console-public').waitFor();
    const row = page.getByRole('row', { name: /fs/ });
    await row.getByText(/answering \(\d+ ms\)/).waitFor();
    expect(Number(await row.locator('td.tools').textContent())).toBeGreaterThanOrEqual(10);
    expect(dialogs).toEqual([]);
    // The page the authorization server sent the browser back to needs no exception to the console's CSP.
    expect(await cspViolations(page)).toEqual([]);
  });

  it('the access and refresh tokens never reach the browser (storage, DOM, URLs, cookies readable by script)', async () => {
    const before = issuer.issued.length;
    const { page, context, urls, answers } = await openPage();
    await signInThroughIssuer(page);
    await page.getByText('Signed in as console-public').waitFor();
    const tokens = issuer.issued.slice(before);
    // The token endpoint answered this sign-in with an access token and a refresh token.
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    const seen = await page.evaluate(() => {
      const stored: string[] = [document.cookie];
      for (const storage of [localStorage, sessionStorage])
        for (let i = 0; i < storage.length; i++) {
          const key = storage.key(i) ?? '';
          stored.push(key, storage.getItem(key) ?? '');
        }
      return { stored: stored.join('\n'), dom: document.documentElement.outerHTML, url: location.href };
    });
    const cookies = await context.cookies();
    const everything = [
      seen.stored,
      seen.dom,
      seen.url,
      ...urls,
      ...answers,
      ...cookies.map((c) => `${c.name}=${c.value}`),
    ].join('\n');
    for (const token of tokens) expect(everything).not.toContain(token);
    // The console's cookies are out of reach of scripts: document.cookie sees none of them.
    const consoleCookies = cookies.filter((c) => c.name.startsWith('rampart-console'));
    expect(consoleCookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([
      ['rampart-console', true, 'Strict'],
    ]);
    expect(seen.stored).not.toContain('rampart-console');
  });

  it('a sign-in cancelled at the authorization server lands on the sign-in page with a fixed message', async () => {
    const { page } = await openPage();
    await page.goto(gateway.url);
    await page.getByRole('link', { name: `Sign in with ${issuerHost()}` }).click();
    await page.waitForURL((url) => url.href.startsWith(issuer.issuer));
    await page.getByRole('link', { name: /Cancel/ }).click();
    await page
      .getByRole('alert')
      .getByText('The authorization server did not grant the sign-in: it was cancelled or refused there.')
      .waitFor();
    // The code is read once and taken out of the address, so a reload does not show it again.
    await page.waitForURL(`${gateway.url}/`);
    await saveScreenshot(page, 'sign-in-oauth-denied');
  });

  it('shows only its own sentences for a sign-in error code: markup in the URL is never reflected', async () => {
    const { page, dialogs } = await openPage();
    await page.goto(`${gateway.url}/?signin_error=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    await page.getByRole('link', { name: `Sign in with ${issuerHost()}` }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    await page.goto(`${gateway.url}/?signin_error=state_mismatch`);
    await page
      .getByRole('alert')
      .getByText(/was not for this browser's sign-in/)
      .waitFor();
    expect(dialogs).toEqual([]);
  });

  it('accessibility: axe finds no serious violation on the OAuth sign-in page with an error, wide or phone-sized', async () => {
    for (const viewport of VIEWPORTS) {
      // axe is a script the page did not ship: this context alone lets it past the CSP.
      const { page } = await openPage({ viewport, bypassCSP: true });
      await page.goto(`${gateway.url}/?signin_error=expired`);
      await page.getByRole('link', { name: `Sign in with ${issuerHost()}` }).waitFor();
      const found = await axeFindings(page);
      const where = `OAuth sign-in at ${viewport.width}`;
      expect(found.passes, where).toBeGreaterThan(15);
      expect(found.serious, where).toEqual([]);
      expect(await fitsWidth(page), where).toBe(true);
    }
  }, 60_000);
});
