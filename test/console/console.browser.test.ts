import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWithChromium,
  launchChromium,
  makeSandbox,
  type Sandbox,
  type ServedGateway,
  servePage,
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

const TOKEN = 'browser-test-token-0123456789abcdefghijklmn';
const XSS_NAME = '<img src=x onerror=alert(1)>';

describeWithChromium('console in Chromium against rampart serve', () => {
  let layout: Sandbox;
  let gateway: ServedGateway;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /**
   * One signed-in profile (its HttpOnly cookie) for the tests that are not about signing in: sign-ins are limited
   * to 10 per rate-limit window, which a fresh sign-in per test would pass.
   */
  let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

  beforeAll(async () => {
    layout = makeSandbox();
    writeFileSync(path.join(layout.root, XSS_NAME), 'a file whose name is markup\n');
    const yaml = `servers:\n  - name: fs\n    kind: fs\n    options:\n      roots: [${JSON.stringify(layout.root)}]\n`;
    [gateway, browser] = await Promise.all([spawnServe(layout.base, yaml, TOKEN), launchChromium()]);
    const { page } = await openPage();
    await signIn(page);
    signedIn = await page.context().storageState();
  });

  afterAll(() => endSuite({ contexts, browser, gateway, layout }));

  /** A fresh browser profile's page, recording every URL it requests, every dialog, every CSP violation. */
  function openPage(options: BrowserContextOptions = {}): Promise<FreshPage> {
    return openFreshPage(browser, contexts, options);
  }

  /** A page in a profile that holds the shared session: the app reads its CSRF token back from the cookie. */
  async function openSignedIn(options: BrowserContextOptions = {}): Promise<FreshPage> {
    const watched = await openPage({ storageState: signedIn, ...options });
    await watched.page.goto(`${gateway.url}/servers`);
    await watched.page.getByRole('heading', { name: 'Servers' }).waitFor();
    return watched;
  }

  /** Signs in with the keyboard, as a person would: type the token, press Enter. */
  async function signIn(page: Page): Promise<void> {
    await page.goto(gateway.url);
    const field = page.getByLabel('Gateway token');
    await field.focus();
    await saveScreenshot(page, 'sign-in');
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
  }

  async function openTool(page: Page, tool: string): Promise<void> {
    await page.goto(`${gateway.url}/servers/fs?tool=${tool}`);
    await page.getByRole('heading', { name: 'fs: tool playground' }).waitFor();
    await page.getByRole('button', { name: new RegExp(`^Call ${tool}`) }).waitFor();
  }

  async function violations(page: Page): Promise<string[]> {
    return cspViolations(page);
  }

  it('signs in with the token and lists the mounted servers with their health and tool count', async () => {
    const { page } = await openPage();
    await signIn(page);
    const row = page.getByRole('row', { name: /fs/ });
    await row.getByText(/answering \(\d+ ms\)/).waitFor();
    expect(Number(await row.locator('td.tools').textContent())).toBeGreaterThanOrEqual(10);
    expect(await violations(page)).toEqual([]);
  });

  it('calls a fs tool from the playground form and shows its text and structured result', async () => {
    const { page } = await openSignedIn();
    await openTool(page, 'list_directory');
    await page.getByLabel(/^path/).fill(layout.root);
    await page.getByRole('button', { name: 'Call list_directory' }).click();
    const result = page.locator('section.result');
    await result.getByRole('heading', { name: /^Result \d+ ms$/ }).waitFor();
    expect(await result.locator('pre.text').first().textContent()).toContain('[FILE] hello.txt');
    expect(await result.locator('details pre.json').textContent()).toContain('"name": "hello.txt"');
    // The entries are rows: they are also shown as a table.
    const table = result.getByRole('table');
    expect(await table.locator('caption').textContent()).toMatch(/^entries: \d+ rows$/);
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['name', 'type']);
    await table.getByRole('row', { name: 'hello.txt file' }).waitFor();
    await saveScreenshot(page, 'playground');
    expect(await violations(page)).toEqual([]);
    // The servers page counts the call, from the gateway's own /metrics.
    await page.getByRole('link', { name: 'Servers' }).first().click();
    const calls = page.getByRole('row', { name: /fs/ }).locator('td.calls');
    await calls.getByText(/^[1-9]\d* \(\d+ refused, \d+ failed\)$/).waitFor();
    await page
      .getByRole('row', { name: /fs/ })
      .getByText(/answering/)
      .waitFor();
    await saveScreenshot(page, 'servers');
  });

  it('shows a refusal as the tool said it, one line, as a failed call', async () => {
    const { page } = await openSignedIn();
    await openTool(page, 'list_directory');
    await page.getByLabel(/^path/).fill('/etc');
    await page.getByRole('button', { name: 'Call list_directory' }).click();
    const result = page.locator('section.result.failed');
    await result.getByRole('heading', { name: /^Refused or failed/ }).waitFor();
    expect(await result.locator('pre.text').textContent()).toMatch(/outside the allowed roots/);
  });

  it('XSS: a file named <img src=x onerror=alert(1)> listed by fs renders as text', async () => {
    const { page, dialogs } = await openSignedIn();
    await openTool(page, 'list_directory');
    await page.getByLabel(/^path/).fill(layout.root);
    await page.getByRole('button', { name: 'Call list_directory' }).click();
    const listing = page.locator('section.result pre.text').first();
    await listing.getByText(XSS_NAME, { exact: false }).waitFor();
    expect(await listing.innerHTML()).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(await page.locator('img').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(await violations(page)).toEqual([]);
  });

  it('asks before a destructive tool: write_file runs only once confirmed, and Escape cancels', async () => {
    const { page } = await openSignedIn();
    await openTool(page, 'write_file');
    const target = path.join(layout.root, 'from-console.txt');
    await page.getByLabel(/^path/).fill(target);
    await page.getByLabel(/^content/).fill('written from the console');
    await page.getByRole('button', { name: 'Call write_file…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Call write_file?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('from-console.txt');
    // The safe choice has the focus: Enter alone would cancel.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await saveScreenshot(page, 'confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(existsSync(target)).toBe(false);

    await page.getByRole('button', { name: 'Call write_file…' }).click();
    await dialog.getByRole('button', { name: 'Call write_file' }).click();
    await page
      .locator('section.result')
      .getByRole('heading', { name: /^Result/ })
      .waitFor();
    expect(readFileSync(target, 'utf8')).toBe('written from the console');
  });

  it('CSRF: a page on another local origin cannot call a tool, sign in or sign out with the console cookie', async () => {
    const { page } = await openSignedIn();
    const pwned = (n: number) => path.join(layout.root, `pwned-${n}.txt`);
    const call = (n: number) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: n,
        method: 'tools/call',
        params: { name: 'write_file', arguments: { path: pwned(n), content: 'pwned' } },
      });
    const attack = `<!doctype html><title>attacker</title><body><script>
      const gw = ${JSON.stringify(gateway.url)};
      const tries = [
        // Simple requests: no preflight, so the browser sends them with the cookie (another port is the same site).
        fetch(gw + '/mcp/fs', { method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(call(1))} }),
        fetch(gw + '/console/api/session', { method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: { 'content-type': 'text/plain' }, body: '{"token":"attacker"}' }),
        // Needs a preflight, which the gateway never answers with CORS headers.
        fetch(gw + '/mcp/fs', { method: 'POST', credentials: 'include',
          headers: { 'content-type': 'application/json', 'x-rampart-csrf': 'guess' }, body: ${JSON.stringify(call(2))} }),
        fetch(gw + '/console/api/session', { method: 'DELETE', credentials: 'include' }),
        fetch(gw + '/console/api/session', { credentials: 'include' }).then((r) => r.text()),
      ].map((p) => p.then(() => 'answered', (e) => 'blocked: ' + e.name));
      Promise.all(tries).then((results) => {
        console.log(JSON.stringify(results));
        document.getElementById('form').submit();
      });
    </script>
    <form id="form" method="POST" action="${gateway.url}/mcp/fs" enctype="text/plain">
      <input name='${call(3).slice(0, -2)}, "x": "' value='"}}'>
    </form></body>`;
    let site: Awaited<ReturnType<typeof servePage>> | undefined;
    try {
      site = await servePage(attack);
      const attacker = await page.context().newPage();
      const outcomes = new Promise<string>((resolve) =>
        attacker.on('console', (m) => {
          if (m.type() === 'log') resolve(m.text());
        }),
      );
      await attacker.goto(site.origin);
      // None of the answers reaches the page: the refusals carry no CORS header and, for the simple requests
      // that were sent without a preflight, Cross-Origin-Resource-Policy: same-origin.
      expect(JSON.parse(await outcomes)).toEqual(Array(5).fill('blocked: TypeError'));
      await attacker.waitForURL(`${gateway.url}/mcp/fs`);
      // The form's POST carried the console's cookie (another port is the same site), so it is the console's
      // Origin check that answers, not the bearer check a cookie-less request would meet.
      const refusal = await attacker.locator('body').textContent();
      expect(refusal).toContain('"error":"cross_origin"');
      await attacker.close();
    } finally {
      await site?.close();
    }
    for (const n of [1, 2, 3]) expect(existsSync(pwned(n)), `pwned-${n}.txt`).toBe(false);
    // The console's own session survived the attempts to sign it out.
    await page.goto(`${gateway.url}/servers`);
    await page
      .getByRole('row', { name: /fs/ })
      .getByText(/answering/)
      .waitFor();
  });

  it('the token never appears in storage, cookies readable by JS, the DOM or any URL', async () => {
    const { page, urls } = await openPage();
    await signIn(page);
    await openTool(page, 'list_directory');
    await page.reload();
    await page.getByRole('heading', { name: 'fs: tool playground' }).waitFor();
    const seen = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
      dom: document.documentElement.outerHTML,
      url: location.href,
      resources: performance.getEntries().map((e) => e.name),
    }));
    expect(seen.local).toBe('{}');
    expect(seen.session).toBe('{}');
    expect(seen.cookie).toBe('');
    expect(seen.dom).not.toContain(TOKEN);
    expect([seen.url, ...urls, ...seen.resources].filter((u) => u.includes(TOKEN))).toEqual([]);
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: 'rampart-console',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(cookies[0]?.value).not.toContain(TOKEN);
  });

  it('CSP: an inline script injected into the page does not run, and the violation is reported', async () => {
    const { page } = await openPage();
    // Stored XSS in the page itself: the gateway's own answer, with its own CSP, and an inline script added.
    await page.route(`${gateway.url}/servers`, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace('<body>', '<body><script>window.__inline = 1</script>');
      await route.fulfill({ response, body: html });
    });
    await page.goto(`${gateway.url}/servers`);
    await page.getByRole('heading', { name: 'Sign in to Rampart' }).waitFor();
    // DOM XSS: what a script bug could do with a string.
    const thrown = await page.evaluate(() => {
      const errors: string[] = [];
      const attempt = (f: () => void) => {
        try {
          f();
        } catch (error) {
          errors.push((error as Error).name);
        }
      };
      attempt(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__dom = 1';
        document.body.append(script);
      });
      attempt(() =>
        document.body.insertAdjacentHTML('beforeend', '<img src="/x" onerror="window.__html = 1">'),
      );
      attempt(() => {
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.__attr = 1');
        img.src = '/nope.png';
        document.body.append(img);
      });
      return errors;
    });
    await page.waitForTimeout(300);
    const ran = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return [w.__inline, w.__dom, w.__html, w.__attr];
    });
    expect(ran).toEqual([undefined, undefined, undefined, undefined]);
    expect(thrown.length).toBeGreaterThan(0);
    const reported = await violations(page);
    expect(reported.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
    expect(reported.some((v) => v.startsWith('require-trusted-types-for'))).toBe(true);
  });

  it('a signed-out browser reaches no API: /console/api/* and /mcp/* refuse it, and sign-out ends the session', async () => {
    const { page } = await openPage();
    const probe = () =>
      page.evaluate(async () => {
        const mcp = await fetch('/mcp/fs', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'x-rampart-csrf': 'guess',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
        });
        const servers = await fetch('/console/api/servers', { headers: { 'x-rampart-csrf': 'guess' } });
        const metrics = await fetch('/metrics');
        return [mcp.status, servers.status, metrics.status];
      });
    await page.goto(gateway.url);
    await page.getByRole('heading', { name: 'Sign in to Rampart' }).waitFor();
    expect(await probe()).toEqual([401, 401, 401]);

    await signIn(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Rampart' }).waitFor();
    expect(await page.context().cookies()).toEqual([]);
    expect(await probe()).toEqual([401, 401, 401]);
  });

  it('a session ended in another tab sends this page back to sign-in, saying so', async () => {
    const { page } = await openPage();
    await signIn(page);
    await openTool(page, 'list_allowed_directories');
    const other = await page.context().newPage();
    await other.goto(`${gateway.url}/servers`);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.getByRole('heading', { name: 'Sign in to Rampart' }).waitFor();
    await page.getByRole('button', { name: 'Call list_allowed_directories' }).click();
    await page.getByRole('heading', { name: 'Sign in to Rampart' }).waitFor();
    await page.getByText('Your session has ended. Sign in again.').waitFor();
  });

  it('clickjacking: another origin cannot frame the console', async () => {
    const { page } = await openPage();
    const site = await servePage(
      `<!doctype html><iframe src="${gateway.url}/" width="800" height="600"></iframe>`,
    );
    try {
      await page.goto(site.origin);
      await page.waitForTimeout(500);
      const framed = page.frames().find((f) => f !== page.mainFrame());
      const heading = await framed
        ?.getByRole('heading')
        .count()
        .catch(() => 0);
      expect(heading ?? 0).toBe(0);
    } finally {
      await site.close();
    }
  });

  it('accessibility: axe finds no serious violation on the sign-in, servers and playground pages, wide or phone-sized', async () => {
    const audit = async (page: Page, where: string) => {
      const found = await axeFindings(page);
      expect(found.passes, `axe ran its checks on ${where}`).toBeGreaterThan(20);
      expect(found.serious, where).toEqual([]);
      // Nothing wider than the window: no sideways scrolling on a phone.
      expect(await fitsWidth(page), where).toBe(true);
    };
    for (const viewport of VIEWPORTS) {
      // axe is a script the page did not ship: this context alone lets it past the CSP.
      const fresh = await openPage({ viewport, bypassCSP: true });
      await fresh.page.goto(gateway.url);
      await fresh.page.getByLabel('Gateway token').waitFor();
      await audit(fresh.page, `sign-in at ${viewport.width}`);
      const { page } = await openSignedIn({ viewport, bypassCSP: true });
      await page
        .getByRole('row', { name: /fs/ })
        .getByText(/answering/)
        .waitFor();
      await audit(page, `servers at ${viewport.width}`);
      await openTool(page, 'write_file');
      await audit(page, `playground at ${viewport.width}`);
      if (viewport.width < 500) await saveScreenshot(page, 'playground-phone');
    }
  }, 60_000);
});
