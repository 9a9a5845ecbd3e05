import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from './browser.js';
import {
  atEachViewport,
  type ConsoleSuite,
  cspViolations,
  fitsWidth,
  fsServerYaml,
  saveScreenshot,
  seriousViolations,
  startConsoleSuite,
} from './page-checks.js';

const TOKEN = 'metrics-browser-token-0123456789abcdefghijk';
const XSS = '<img src=x onerror=alert(1)>';

describeWithChromium('console metrics page in Chromium against rampart serve', () => {
  let suite: ConsoleSuite;

  beforeAll(async () => {
    suite = await startConsoleSuite({ token: TOKEN, yaml: (layout) => fsServerYaml(layout, true) });
  });

  afterAll(() => suite?.stop());

  /** A tool call as an MCP client with the token makes it, straight to the gateway (not through the page). */
  async function callTool(name: string, args: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${suite.gateway.url}/mcp/fs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
        authorization: `Bearer ${TOKEN}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name, arguments: args },
      }),
    });
    await response.text();
  }

  async function callFromPlayground(page: Page): Promise<void> {
    await page.goto(`${suite.gateway.url}/servers/fs?tool=list_directory`);
    await page.getByRole('button', { name: 'Call list_directory' }).waitFor();
    await page.getByLabel(/^path/).fill(suite.layout.root);
    await page.getByRole('button', { name: 'Call list_directory' }).click();
    await page.locator('section.result').getByRole('heading').first().waitFor();
  }

  function row(page: Page, tool: string) {
    return page.locator('tr.metrics-row', { has: page.getByRole('rowheader', { name: `fs / ${tool}` }) });
  }

  it('says no calls yet before any tool is called', async () => {
    const page = await suite.newPage();
    await page.goto(`${suite.gateway.url}/servers`);
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'Metrics' }).waitFor();
    await page.getByText(/^No calls yet in the last hour/).waitFor();
    expect(await page.locator('canvas').count()).toBe(0);
    await page.close();
  });

  it('draws the calls made through the gateway, lists them in the table, and picks up a new call by itself', async () => {
    for (let n = 0; n < 24; n++) await callTool('list_directory', { path: suite.layout.root });
    for (let n = 0; n < 9; n++)
      await callTool('read_text_file', { path: path.join(suite.layout.root, 'hello.txt') });
    for (let n = 0; n < 3; n++) await callTool('read_text_file', { path: '/etc/passwd' });
    for (let n = 0; n < 6; n++) await callTool('get_file_info', { path: suite.layout.root });

    const page = await suite.newPage();
    await page.goto(`${suite.gateway.url}/charts`);
    await row(page, 'list_directory').waitFor();
    expect(await row(page, 'list_directory').locator('td').allTextContents()).toEqual([
      '24',
      '0',
      expect.stringMatching(/^\d+(\.\d+)?$/),
      expect.stringMatching(/ ms$/),
      expect.stringMatching(/ ms$/),
    ]);
    expect((await row(page, 'read_text_file').locator('td').allTextContents()).slice(0, 2)).toEqual([
      '12',
      '3',
    ]);
    // Three uPlot charts, each named for assistive technology, and the legend naming every tool drawn.
    expect(await page.locator('.metrics-canvas canvas').count()).toBe(3);
    for (const name of ['Calls per second', 'Latency, p50 and p99', 'Errors'])
      await page.getByRole('img', { name }).waitFor();
    const legend = page.getByRole('region', { name: 'Legend' });
    for (const tool of ['fs / list_directory', 'fs / read_text_file', 'fs / get_file_info'])
      await legend.getByText(tool).waitFor();

    await saveScreenshot(page, 'metrics');

    // The per-minute table holds the charts' numbers.
    await page.getByText(/^The charts' numbers, minute by minute/).click();
    await page.locator('tr.minute-row', { hasText: 'fs / list_directory' }).first().waitFor();

    // A call from another tab shows up without a reload (the page asks again every 10 s).
    const playground = await suite.newPage();
    await callFromPlayground(playground);
    await playground.close();
    await row(page, 'list_directory').locator('td', { hasText: /^25$/ }).waitFor({ timeout: 20_000 });

    // The selector narrows the charts and the table to one tool.
    await page.getByLabel('Tool').selectOption('read_text_file');
    await row(page, 'list_directory').waitFor({ state: 'detached' });
    expect(await page.locator('tr.metrics-row').count()).toBe(1);
    expect(await page.locator('.metrics-canvas canvas').count()).toBe(3);
    expect(await cspViolations(page)).toEqual([]);

    // Narrowed to a phone's width, the open page's charts shrink to fit it.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.metrics-canvas canvas')].every(
        (canvas) => canvas.getBoundingClientRect().right <= window.innerWidth,
      ),
    );
    await page.close();
  }, 60_000);

  it('XSS: a call naming the tool <img src=x onerror=alert(1)> adds no series, no element and runs nothing', async () => {
    await callTool(XSS, {});
    const page = await suite.newPage();
    await page.goto(`${suite.gateway.url}/charts`);
    await row(page, 'list_directory').waitFor();
    expect(await page.locator('tr.metrics-row', { hasText: 'img' }).count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('main').innerHTML()).not.toContain('<img');
    await page.waitForTimeout(200);
    expect(suite.dialogs).toEqual([]);
    await page.close();
  });

  it('accessibility: axe finds no serious violation on the metrics page, wide or phone-sized, and the charts fit', async () => {
    await atEachViewport(suite.browser, await suite.context.storageState(), async (page, viewport) => {
      await page.goto(`${suite.gateway.url}/charts`);
      await page.locator('tr.metrics-row').first().waitFor();
      await page.locator('.metrics-canvas canvas').first().waitFor();
      await page.getByText(/^The charts' numbers, minute by minute/).click();
      expect(await seriousViolations(page), `metrics at ${viewport.width}`).toEqual([]);
      expect(await fitsWidth(page)).toBe(true);
      const widths = await page
        .locator('.metrics-canvas canvas')
        .evaluateAll((canvases) => canvases.map((c) => c.getBoundingClientRect().right));
      expect(widths).toHaveLength(3);
      for (const right of widths) expect(right).toBeLessThanOrEqual(viewport.width);
    });
  }, 60_000);
});
