import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from './browser.js';
import { type ConsoleSuite, saveScreenshot, signInWithToken, startConsoleSuite } from './page-checks.js';

const TOKEN = 'selection-browser-token-0123456789abcdefghij';

describeWithChromium('console servers page shows each mount tool selection', () => {
  let suite: ConsoleSuite;

  beforeAll(async () => {
    suite = await startConsoleSuite({
      token: TOKEN,
      yaml: (layout) => {
        const root = JSON.stringify(layout.root);
        return [
          'servers:',
          `  - { name: docs, kind: fs, options: { roots: [${root}], excludeTools: [write_file, move_file] } }`,
          `  - { name: reader, kind: fs, options: { roots: [${root}], readOnly: true } }`,
          `  - { name: plain, kind: fs, options: { roots: [${root}] } }`,
          '',
        ].join('\n');
      },
      signIn: false,
    });
  });

  afterAll(() => suite?.stop());

  it('says how many tools a narrowed mount offers and which it left out, and nothing for a whole one', async () => {
    const page = await suite.newPage();
    await signInWithToken(page, suite.gateway.url, TOKEN);
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
    await saveScreenshot(page, 'servers-tool-selection');
    await page.close();
  });
});
