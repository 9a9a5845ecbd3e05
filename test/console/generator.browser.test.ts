import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from './browser.js';
import {
  atEachViewport,
  type ConsoleSuite,
  cspViolations,
  fitsWidth,
  fsServerYaml,
  SHOTS,
  saveScreenshot,
  seriousViolations,
  startConsoleSuite,
} from './page-checks.js';

const TOKEN = 'generator-browser-token-0123456789abcdefghij';
const XSS = '<img src=x onerror=alert(1)>';
const REPO = path.resolve(import.meta.dirname, '../..');
const WEATHER = path.join(REPO, 'test/generator/openapi/weather-3.1.yaml');

/** The generator as `rampart serve` runs it: the built module (this program type-checks nothing of src/). */
interface GeneratorModule {
  generateProject(
    spec: unknown,
    options: { toolkit: string },
  ): { files: Map<string, string>; notes: string[] };
}
const generator = (): Promise<GeneratorModule> =>
  import(pathToFileURL(path.join(REPO, 'dist/generator/index.js')).href) as Promise<GeneratorModule>;
/** What the console's projects depend on when RAMPART_CONSOLE_TOOLKIT is not set: this version, as the CLI. */
const TOOLKIT = `^${(JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version}`;

describeWithChromium('console generator page in Chromium against rampart serve', () => {
  let suite: ConsoleSuite;

  beforeAll(async () => {
    suite = await startConsoleSuite({
      token: TOKEN,
      yaml: (layout) => fsServerYaml(layout),
      contextOptions: { acceptDownloads: true },
    });
  });

  afterAll(() => suite?.stop());

  /** The generator page, reached from the navigation as a person would. */
  async function openGenerator(): Promise<Page> {
    const page = await suite.newPage();
    await page.goto(`${suite.gateway.url}/servers`);
    await page.getByRole('link', { name: 'Generator' }).click();
    await page.getByRole('heading', { name: 'Generator', level: 1 }).waitFor();
    await page.getByLabel('Kind').waitFor();
    return page;
  }

  async function fillCustom(page: Page, name: string, description: string): Promise<void> {
    await page.getByLabel('Kind').selectOption('custom');
    await page.getByLabel(/^Package name/).fill(name);
    await page.getByLabel(/^Description/).fill(description);
    await page.getByLabel(/^Tool name/).fill('summarize');
    await page.getByLabel(/^Tool description/).fill('Summarizes a text.');
    await page.getByRole('button', { name: 'Add' }).click();
    await page
      .getByLabel(/^Tool name/)
      .nth(1)
      .fill('translate');
  }

  async function generated(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Generate preview' }).click();
    await page.getByRole('heading', { name: /^Preview: / }).waitFor();
  }

  /** Downloads the zip the page offers: its suggested name and its entries (path → text). */
  async function download(page: Page): Promise<{ name: string; entries: Map<string, string> }> {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Download .*\.zip$/ }).click(),
    ]);
    const bytes = readFileSync(await file.path());
    const entries = new Map(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]));
    return { name: file.suggestedFilename(), entries };
  }

  const under = (folder: string, files: Map<string, string>) =>
    new Map([...files].map(([file, text]) => [`${folder}/${file}`, text]));

  it('generates a custom project from the form, shows its tree highlighted, and downloads it byte for byte', async () => {
    const page = await openGenerator();
    await fillCustom(page, 'gen-console-custom', 'Summaries and translations.');
    await generated(page);

    const tree = page.getByRole('navigation', { name: 'Generated files' });
    for (const entry of ['README.md', 'package.json', 'summarize.ts', 'translate.ts', 'server.test.ts'])
      await tree.getByRole('button', { name: entry, exact: true }).waitFor();
    await page.getByRole('heading', { name: /README\.md/ }).waitFor();

    // A TypeScript file is shown as highlighted tokens, and its text is the file's.
    await tree.getByRole('button', { name: 'server.ts', exact: true }).click();
    await page.getByRole('heading', { name: /src\/server\.ts/ }).waitFor();
    const code = page.locator('pre.code-view.highlighted');
    expect(await code.locator('span.token.keyword').count()).toBeGreaterThan(3);
    expect(await code.locator('span.token.string').count()).toBeGreaterThan(0);
    const { generateProject } = await generator();
    const spec = {
      kind: 'custom',
      name: 'gen-console-custom',
      description: 'Summaries and translations.',
      tools: [
        { name: 'summarize', description: 'Summarizes a text.' },
        { name: 'translate', description: '' },
      ],
    };
    const expected = generateProject(spec, { toolkit: TOOLKIT });
    // One element per line; an empty line holds a lone newline so that it keeps its height.
    const lines = await code.evaluate((pre) =>
      [...pre.children].map((line) => (line.textContent ?? '').replace(/\n$/, '')),
    );
    expect(lines.join('\n')).toBe(expected.files.get('src/server.ts'));

    // Folders open and close with the keyboard; the arrow keys walk the visible entries.
    const src = tree.locator('summary', { hasText: /^src\/$/ });
    await src.focus();
    await page.keyboard.press('Enter');
    await tree.getByRole('button', { name: 'server.ts', exact: true }).waitFor({ state: 'hidden' });
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('test/');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    await tree.getByRole('button', { name: 'server.ts', exact: true }).waitFor();

    const zip = await download(page);
    expect(zip.name).toBe('gen-console-custom.zip');
    expect(zip.entries).toEqual(under('gen-console-custom', expected.files));

    if (SHOTS) await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'generator');
    expect(await cspViolations(page)).toEqual([]);
  });

  it('api kind: an uploaded OpenAPI document is read in the browser, its notes shown, the zip equal to the CLI’s', async () => {
    const page = await openGenerator();
    await page.getByLabel('Kind').selectOption('api');
    await page.getByLabel(/^Package name/).fill('@acme/gen-console-weather');
    await page.getByLabel('Upload an OpenAPI document').setInputFiles(WEATHER);
    await expect.poll(() => page.getByLabel(/^OpenAPI document/).inputValue()).toContain('openapi: 3.1');
    await generated(page);
    const expected = (await generator()).generateProject(
      {
        kind: 'api',
        name: '@acme/gen-console-weather',
        description: '',
        openapi: readFileSync(WEATHER, 'utf8'),
        source: 'weather-3.1.yaml',
      },
      { toolkit: TOOLKIT },
    );
    const notes = page.getByRole('region', { name: 'Notes' });
    expect(await notes.getByRole('listitem').allTextContents()).toEqual(expected.notes);
    const zip = await download(page);
    expect(zip.name).toBe('gen-console-weather.zip');
    expect(zip.entries).toEqual(under('gen-console-weather', expected.files));
    expect(await cspViolations(page)).toEqual([]);
  });

  it('a refused spec shows the gateway’s reason at the field it names', async () => {
    const page = await openGenerator();
    await page.getByLabel('Kind').selectOption('custom');
    await page.getByLabel(/^Package name/).fill('gen-console-bad');
    await page.getByLabel(/^Tool name/).fill('Not Snake');
    await page.getByRole('button', { name: 'Generate preview' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^The generator refused this spec: tools\.0\.name: / })
      .waitFor();
    const field = page.locator('.rjsf-field', { has: page.getByLabel(/^Tool name/) }).last();
    await field.getByText(/tool name "Not Snake" must be/).waitFor();
    expect(await page.getByRole('heading', { name: /^Preview: / }).count()).toBe(0);
  });

  it('XSS: a description <img src=x onerror=alert(1)> shows as text in the file preview', async () => {
    const page = await openGenerator();
    await page.getByLabel('Kind').selectOption('fs');
    await page.getByLabel(/^Package name/).fill('gen-console-xss');
    await page.getByLabel(/^Description/).fill(XSS);
    await generated(page);
    const view = page.locator('pre.code-view');
    // The README escapes it as Markdown; in a JSON file it is one string token, its markup escaped as text.
    await page
      .getByRole('navigation', { name: 'Generated files' })
      .getByRole('button', { name: 'settings.json', exact: true })
      .click();
    await page.getByRole('heading', { name: /src\/settings\.json/ }).waitFor();
    expect(await view.textContent()).toContain(XSS);
    expect(await view.innerHTML()).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(await page.locator('main img').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(suite.dialogs).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('fills the form from a spec another page hands over in the navigation state', async () => {
    const page = await openGenerator();
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    // As the assistant's page does with navigate('/generator', { state: { spec } }): react-router keeps the
    // state under `usr` in the history entry.
    await page.evaluate(() => {
      const spec = { kind: 'git', name: 'gen-console-handed', repository: './repo' };
      window.history.pushState({ usr: { spec }, key: 'handed', idx: 2 }, '', '/generator');
      window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }));
    });
    await page.getByRole('heading', { name: 'Generator', level: 1 }).waitFor();
    expect(await page.getByLabel('Kind').inputValue()).toBe('git');
    expect(await page.getByLabel(/^Package name/).inputValue()).toBe('gen-console-handed');
    expect(await page.getByLabel(/^Repository/).inputValue()).toBe('./repo');
  });

  it('accessibility: axe finds no serious violation on the generator with a preview, wide or phone-sized', async () => {
    await atEachViewport(suite.browser, await suite.context.storageState(), async (page, viewport) => {
      await page.goto(`${suite.gateway.url}/generator`);
      await fillCustom(page, 'gen-console-axe', 'Checked by axe.');
      await generated(page);
      expect(await seriousViolations(page), `generator at ${viewport.width}`).toEqual([]);
      expect(await fitsWidth(page)).toBe(true);
    });
  }, 60_000);
});
