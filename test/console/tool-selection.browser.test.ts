import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWithChromium,
  launchChromium,
  makeSandbox,
  type Sandbox,
  type ServedGateway,
  spawnServe,
} from './browser.js';

const TOKEN = 'selection-browser-token-0123456789abcdefghij';
/** Where to save a screenshot of the servers page with a narrowed mount, when set. */
const SHOTS = process.env.RAMPART_CONSOLE_SCREENSHOTS;

describeWithChromium('console servers page shows each mount tool selection', () => {
  let layout: Sandbox;
  let gateway: ServedGateway;
  let browser: Browser;

  beforeAll(async () => {
    layout = makeSandbox();
    const root = JSON.stringify(layout.root);
    const yaml = [
      'servers:',
      `  - { name: docs, kind: fs, options: { roots: [${root}], excludeTools: [write_file, move_file] } }`,
      `  - { name: reader, kind: fs, options: { roots: [${root}], readOnly: true } }`,
      `  - { name: plain, kind: fs, options: { roots: [${root}] } }`,
      '',
    ].join('\n');
    [gateway, browser] = await Promise.all([spawnServe(layout.base, yaml, TOKEN), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    layout?.cleanup();
  });

  async function signIn(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(gateway.url);
    await page.getByLabel('Gateway token').fill(TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    return page;
  }

  it('says how many tools a narrowed mount offers and which it left out, and nothing for a whole one', async () => {
    const page = await signIn();
    const tools = (name: string) =>
      page.getByRole('row', { name: new RegExp(`^${name} `) }).locator('td.tools');
    await tools('docs').getByText('13 of 15 offered; not offered: write_file, move_file').waitFor();
    // fs leaves its write tools out itself when read-only, so there is no name to list.
    await tools('reader').getByText('read-only', { exact: true }).waitFor();
    // The count beside it is the server's own tools/list through the gateway: the left-out tools are not there.
    await tools('docs').getByText(/^13/).waitFor();
    await page
      .getByRole('row', { name: /^plain / })
      .getByText(/answering/)
      .waitFor();
    expect(await tools('plain').locator('.selection').count()).toBe(0);
    expect(await tools('plain').textContent()).toBe('15');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'servers-tool-selection.png') });
    await page.context().close();
  });
});
