import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from './browser.js';
import {
  type ConsoleSuite,
  cspViolations,
  saveScreenshot,
  signInWithToken,
  startConsoleSuite,
} from './page-checks.js';

const TOKEN = 'defaults-browser-token-0123456789abcdefghijk';

interface KnownCall {
  readonly tool: string;
  /** Form fields to fill, by the start of their label, and their values. */
  readonly fill: (cwd: string) => Record<string, string>;
  /** What the result's text shows when the call worked. */
  readonly shows: string | RegExp;
}

/**
 * A call known to work on each kind of server `rampart serve` mounts by default, on its default options. A kind
 * missing here fails the test by name: a new default server needs a call that proves it answers.
 */
const KNOWN_CALLS: Record<string, KnownCall> = {
  fs: { tool: 'list_directory', fill: (cwd) => ({ path: cwd }), shows: '[FILE] notes.md' },
  db: {
    tool: 'query',
    fill: () => ({ sql: 'SELECT name, country FROM artists ORDER BY id LIMIT 3' }),
    shows: 'Nina Simone',
  },
  registry: { tool: 'list_subjects', fill: () => ({}), shows: '"subjects": []' },
};

describeWithChromium('console against rampart serve on its defaults (no servers in rampart.yaml)', () => {
  let suite: ConsoleSuite;

  beforeAll(async () => {
    // No servers key: the defaults are mounted on the current directory. Only the embedded registry's port is
    // set, to a free one, so that a registry on 8081 of this machine does not move it with a warning.
    suite = await startConsoleSuite({
      token: TOKEN,
      yaml: 'gateway:\n  embeddedRegistryPort: 0\n',
      prepare: (layout) =>
        writeFileSync(
          path.join(layout.base, 'notes.md'),
          '# Notes\n\nWhat rampart serve shows by default.\n',
        ),
      timeoutMs: 15_000,
      signIn: false,
    });
  });

  afterAll(() => suite?.stop());

  it('signs in, calls a tool on every listed server from the playground, and sees each call in the audit page', async () => {
    const page = await suite.newPage();
    await signInWithToken(page, suite.gateway.url, TOKEN);

    // Whatever the defaults are today, each listed server is called: the list comes from the page.
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    const listed = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        name: tr.querySelector('th')?.textContent ?? '',
        kind: tr.querySelector('td')?.textContent ?? '',
      })),
    );
    expect(listed.map((s) => s.name)).toEqual(expect.arrayContaining(['fs', 'db']));
    for (const server of listed) {
      await page
        .getByRole('row', { name: new RegExp(`^${server.name} `) })
        .getByText(/answering \(\d+ ms\)/)
        .waitFor();
    }

    for (const server of listed) {
      const known = KNOWN_CALLS[server.kind];
      if (!known)
        throw new Error(
          `the defaults mount "${server.name}" of kind ${server.kind}, which KNOWN_CALLS has no call for`,
        );
      await page.goto(`${suite.gateway.url}/servers/${server.name}?tool=${known.tool}`);
      await page.getByRole('heading', { name: `${server.name}: tool playground` }).waitFor();
      const call = page.getByRole('button', { name: `Call ${known.tool}`, exact: true });
      await call.waitFor();
      for (const [field, value] of Object.entries(known.fill(suite.layout.base)))
        await page.getByLabel(new RegExp(`^${field}`)).fill(value);
      await call.click();
      const result = page.locator('section.result');
      await result.getByRole('heading', { name: /^Result \d+ ms$/ }).waitFor();
      const shown = (await result.locator('pre').allTextContents()).join('\n');
      if (typeof known.shows === 'string') expect(shown, server.name).toContain(known.shows);
      else expect(shown, server.name).toMatch(known.shows);
      if (server.kind === 'db') {
        // The params array's button says what it does, in words a person sees and a screen reader reads.
        const add = page.getByRole('button', { name: 'Add item', exact: true });
        expect(await add.isVisible()).toBe(true);
        expect(await add.textContent()).toBe('Add item');
        // The form's top at the window's top: the statement, the call and the rows it returned in one view.
        await page.locator('.tool-panel h2').evaluate((heading) => heading.scrollIntoView());
        await saveScreenshot(page, 'playground-db');
      }
    }

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit' }).waitFor();
    await page.getByRole('status').getByText(/^Live/).waitFor();
    const expected = listed.map((s) => [s.name, KNOWN_CALLS[s.kind]?.tool, 'local', 'ok']);
    await expect
      .poll(
        async () => {
          const seen = await page
            .locator('tr.audit-row')
            .evaluateAll((trs) =>
              trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 5).map((td) => td.textContent)),
            );
          return expected.filter((call) => !seen.some((row) => row.join('\n') === call.join('\n')));
        },
        { timeout: 10_000, message: 'calls missing from the audit page' },
      )
      .toEqual([]);

    await page.waitForTimeout(100);
    expect(suite.dialogs).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
