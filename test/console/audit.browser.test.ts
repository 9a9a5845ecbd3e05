import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from './browser.js';
import {
  atEachViewport,
  type ConsoleSuite,
  fitsWidth,
  fsServerYaml,
  saveScreenshot,
  seriousViolations,
  startConsoleSuite,
} from './page-checks.js';

const TOKEN = 'audit-browser-token-0123456789abcdefghijklm';
const XSS = '<img src=x onerror=alert(1)>';

describeWithChromium('console audit page in Chromium against rampart serve', () => {
  let suite: ConsoleSuite;

  beforeAll(async () => {
    suite = await startConsoleSuite({ token: TOKEN, yaml: (layout) => fsServerYaml(layout) });
    // One call before any test, so that the audit log has an entry from the start.
    const page = await suite.newPage();
    await callListDirectory(page, suite.layout.root);
    await page.close();
  });

  afterAll(() => suite?.stop());

  async function callListDirectory(page: Page, where: string): Promise<void> {
    await page.goto(`${suite.gateway.url}/servers/fs?tool=list_directory`);
    await page.getByRole('button', { name: 'Call list_directory' }).waitFor();
    await page.getByLabel(/^path/).fill(where);
    await page.getByRole('button', { name: 'Call list_directory' }).click();
    await page.locator('section.result').getByRole('heading').first().waitFor();
  }

  it('shows a call made from the playground live, with its principal, and filters it', async () => {
    const audit = await suite.newPage();
    await audit.goto(`${suite.gateway.url}/servers`);
    await audit.getByRole('heading', { name: 'Servers' }).waitFor();
    await audit.getByRole('link', { name: 'Audit' }).click();
    await audit.getByRole('heading', { name: 'Audit' }).waitFor();
    await audit.getByRole('status').getByText(/^Live/).waitFor();

    // Another tab of the same browser calls a tool; the audit tab is not reloaded.
    // The backlog holds the call made at sign-in; a new call arrives live.
    const row = audit.locator('tr.audit-row', { hasText: 'list_directory' }).first();
    await row.waitFor();
    const backlog = await audit.locator('tr.audit-row', { hasText: 'list_directory' }).count();
    const playground = await suite.newPage();
    await callListDirectory(playground, suite.layout.root);
    await audit.locator('tr.audit-row', { hasText: 'list_directory' }).nth(backlog).waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      expect.any(String),
      'fs',
      'list_directory',
      'local',
      'ok',
      expect.stringMatching(/^\d+ ms$/),
    ]);

    await audit.getByLabel('Outcome').selectOption('refused');
    await audit.locator('tr.audit-row', { hasText: 'list_directory' }).waitFor({ state: 'detached' });
    await audit.getByLabel('Outcome').selectOption('');
    await audit.getByLabel('Text').fill('no-such-text');
    expect(await audit.locator('tr.audit-row').count()).toBe(0);
    await audit.getByLabel('Text').fill('');

    // Paused, a new call is held back and counted; resumed, it is shown.
    await audit.getByRole('button', { name: 'Pause' }).click();
    const before = await audit.locator('tr.audit-row').count();
    await callListDirectory(playground, suite.layout.root);
    await audit.getByRole('button', { name: /^Resume \(1 new\)$/ }).waitFor();
    expect(await audit.locator('tr.audit-row').count()).toBe(before);
    await audit.getByRole('button', { name: /^Resume/ }).click();
    expect(await audit.locator('tr.audit-row').count()).toBe(before + 1);
    await playground.close();
    await saveScreenshot(audit, 'audit');
  });

  it('XSS: an argument <img src=x onerror=alert(1)> echoed in a refusal shows as text in the audit page', async () => {
    const audit = await suite.newPage();
    await audit.goto(`${suite.gateway.url}/audit`);
    await audit.getByRole('status').getByText(/^Live/).waitFor();
    const playground = await suite.newPage();
    await callListDirectory(playground, path.join('/etc', XSS));
    const cell = audit.locator('tr.audit-row td.error', { hasText: XSS }).first();
    await cell.waitFor();
    expect(await cell.innerHTML()).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(await audit.locator('img').count()).toBe(0);
    await audit.waitForTimeout(200);
    expect(suite.dialogs).toEqual([]);
    await playground.close();
  });

  it('says the connection is lost and reconnects when the stream drops', async () => {
    const audit = await suite.newPage();
    let dropped = 0;
    // The stream's answers fail for a while, as a gateway restart or a proxy timeout would make them.
    await audit.route(`${suite.gateway.url}/console/api/audit/stream`, async (route) => {
      if (dropped < 1) {
        dropped += 1;
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await audit.goto(`${suite.gateway.url}/audit`);
    await audit
      .getByRole('status')
      .getByText(/^Connection lost .*reconnecting/)
      .waitFor();
    await audit.getByRole('status').getByText(/^Live/).waitFor();
    await audit.locator('tr.audit-row', { hasText: 'list_directory' }).first().waitFor();
  });

  it('accessibility: axe finds no serious violation on the audit page, wide or phone-sized', async () => {
    await atEachViewport(suite.browser, await suite.context.storageState(), async (page, viewport) => {
      await page.goto(`${suite.gateway.url}/audit`);
      await page.locator('tr.audit-row').first().waitFor();
      expect(await seriousViolations(page), `audit at ${viewport.width}`).toEqual([]);
      expect(await fitsWidth(page)).toBe(true);
    });
  }, 60_000);
});
