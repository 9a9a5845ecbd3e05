import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, type Sandbox } from './browser.js';
import {
  type ConsoleSuite,
  cspViolations,
  saveScreenshot,
  seriousViolations,
  startConsoleSuite,
} from './page-checks.js';

const TOKEN = 'resources-browser-token-0123456789abcdefghij';
const XSS = '<img src=x onerror=alert(1)>';
/** What the page shows of a long text (console/src/components/resource-contents.tsx). */
const SHOWN = 100_000;
/** A PNG signature and then bytes that are not text: the fs server sends it as a blob. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(600, 0),
]);

/** A port nobody listens on right now, for the embedded Schema Registry that the registry server reads. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeWithChromium('console resources and prompts browsers in Chromium against rampart serve', () => {
  let suite: ConsoleSuite;

  beforeAll(async () => {
    const registryPort = await freePort();
    const yaml = (layout: Sandbox) =>
      [
        'gateway:',
        '  embeddedRegistry: true',
        `  embeddedRegistryPort: ${registryPort}`,
        'servers:',
        '  - name: fs',
        '    kind: fs',
        '    options:',
        `      roots: [${JSON.stringify(layout.root)}]`,
        '  - name: db',
        '    kind: db',
        '  - name: http',
        '    kind: http',
        '  - name: registry',
        '    kind: registry',
        '    options:',
        '      registries:',
        `        - { name: local, url: "http://127.0.0.1:${registryPort}" }`,
        '',
      ].join('\n');
    suite = await startConsoleSuite({
      token: TOKEN,
      yaml,
      prepare: (layout) => {
        writeFileSync(path.join(layout.root, XSS), `${XSS}\n`);
        writeFileSync(path.join(layout.root, 'big.txt'), `${'x'.repeat(149_999)}\n`);
        writeFileSync(path.join(layout.root, 'photo.png'), PNG);
      },
      contextOptions: { acceptDownloads: true },
    });
    // One subject in the registry, so that its resources have something to show.
    const registered = await fetch(`http://127.0.0.1:${registryPort}/subjects/orders-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'Order', fields: [] }) }),
    });
    expect(registered.status).toBe(200);
  });

  afterAll(() => suite?.stop());

  async function openResources(page: Page, server: string): Promise<void> {
    await page.goto(`${suite.gateway.url}/servers/${server}/resources`);
    await page.getByRole('heading', { name: `${server}: resources` }).waitFor();
  }

  function resourceButton(page: Page, name: string) {
    return page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name, exact: true });
  }

  it('reaches a server resources from its playground, lists them with templates and reads a text file as text', async () => {
    const page = await suite.newPage();
    await page.goto(`${suite.gateway.url}/servers/fs`);
    await page.getByRole('heading', { name: 'fs: tool playground' }).waitFor();
    await page
      .getByRole('navigation', { name: 'fs sections' })
      .getByRole('link', { name: 'Resources' })
      .click();
    await page.getByRole('heading', { name: 'fs: resources' }).waitFor();
    const list = page.getByRole('navigation', { name: 'Resources' });
    await list.getByRole('heading', { name: 'Templates (1)' }).waitFor();
    await list.getByRole('heading', { name: 'Resources (4)' }).waitFor();
    expect(await list.getByRole('button').allTextContents()).toEqual([
      'file://{+path}',
      `${XSS}application/octet-stream`,
      'big.txttext/plain',
      'hello.txttext/plain',
      'photo.pngimage/png',
    ]);

    // The filter narrows the list by name or URI.
    await list.getByLabel('Filter').fill('HELLO');
    await list.getByRole('heading', { name: 'Resources (1 of 4)' }).waitFor();
    expect(await list.getByRole('listitem').allTextContents()).toEqual([
      'file://{+path}',
      'hello.txttext/plain',
    ]);

    await resourceButton(page, 'hello.txt text/plain').click();
    const contents = page.getByRole('region', { name: 'Resource contents' });
    await contents.waitFor();
    expect(await contents.locator('pre.text').textContent()).toBe('hello\nworld\n');
    expect(await contents.locator('.resource-meta').textContent()).toBe(
      `file://${path.join(suite.layout.root, 'hello.txt')}text/plain`,
    );
    // The selection is in the URL: a reload (or a shared link) shows the same resource.
    expect(new URL(page.url()).searchParams.get('uri')).toBe(
      `file://${path.join(suite.layout.root, 'hello.txt')}`,
    );
    await saveScreenshot(page, 'resources');
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  });

  it('cuts a long text at 100,000 characters with a note, and downloads all of it', async () => {
    const page = await suite.newPage();
    await openResources(page, 'fs');
    await resourceButton(page, 'big.txt text/plain').click();
    const contents = page.getByRole('region', { name: 'Resource contents' });
    await contents.getByText('Showing the first 100,000 of 150,000 characters.', { exact: false }).waitFor();
    expect((await contents.locator('pre.text').textContent())?.length).toBe(SHOWN);
    const [saved] = await Promise.all([
      page.waitForEvent('download'),
      contents.getByRole('button', { name: 'Download all of it' }).click(),
    ]);
    expect(saved.suggestedFilename()).toBe('big.txt');
    expect(readFileSync(await saved.path()).length).toBe(150_000);
    await page.close();
  });

  it('offers a binary file as a download with its type and size, and never renders it', async () => {
    const page = await suite.newPage();
    await openResources(page, 'fs');
    await resourceButton(page, 'photo.png image/png').click();
    const contents = page.getByRole('region', { name: 'Resource contents' });
    await contents.getByText(`Binary content (image/png, ${PNG.length} bytes), not shown.`).waitFor();
    expect(await page.locator('img, object, embed, iframe, video, audio').count()).toBe(0);
    const [saved] = await Promise.all([
      page.waitForEvent('download'),
      contents.getByRole('button', { name: 'Download photo.png' }).click(),
    ]);
    expect(saved.suggestedFilename()).toBe('photo.png');
    expect(readFileSync(await saved.path()).equals(PNG)).toBe(true);
    await page.close();
  });

  it('fills a template through its form, one field per variable, and reads the URI it expands to', async () => {
    const page = await suite.newPage();
    await openResources(page, 'fs');
    await resourceButton(page, 'file://{+path}').click();
    const form = page.getByRole('form', { name: 'Read from file' });
    await form.getByRole('button', { name: 'Read' }).click();
    await form.getByText('Fill in path: the URI needs it.').waitFor();
    expect(await form.getByLabel(/^path/).getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel(/^path/).fill(path.join(suite.layout.root, 'hello.txt'));
    await form.getByText(`URI: file://${path.join(suite.layout.root, 'hello.txt')}`).waitFor();
    await form.getByRole('button', { name: 'Read' }).click();
    const contents = page.getByRole('region', { name: 'Resource contents' });
    expect(await contents.locator('pre.text').textContent()).toBe('hello\nworld\n');

    // A template with more than one variable, on another server: the registry's.
    await openResources(page, 'registry');
    await resourceButton(page, 'schema://{registry}/{subject}/{version}').click();
    const schema = page.getByRole('form', { name: 'Read from schema-version' });
    expect(await schema.getByRole('textbox').count()).toBe(3);
    await schema.getByLabel(/^registry/).fill('local');
    await schema.getByLabel(/^subject/).fill('orders-value');
    await schema.getByLabel(/^version/).fill('1');
    await schema.getByText('URI: schema://local/orders-value/1').waitFor();
    await schema.getByRole('button', { name: 'Read' }).click();
    expect(await contents.locator('pre.text').textContent()).toContain('"subject": "orders-value"');

    // A refusal from the server is shown as the server's one line, as text.
    await schema.getByLabel(/^version/).fill('x');
    await schema.getByRole('button', { name: 'Read' }).click();
    const failed = page.getByRole('region', { name: 'Read failed' });
    await failed.waitFor();
    expect(await failed.locator('pre').textContent()).toContain('version "x" is not a number or "latest"');
    await page.close();
  });

  it("offers the server's completions for a template's variables as choices of their fields", async () => {
    const page = await suite.newPage();
    await openResources(page, 'registry');
    await resourceButton(page, 'schema://{registry}/{subject}/{version}').click();
    const schema = page.getByRole('form', { name: 'Read from schema-version' });
    await schema.getByLabel(/^registry/).fill('lo');
    await schema.locator('datalist option[value="local"]').waitFor({ state: 'attached' });
    // The subject's completions are asked with the registry already chosen as context.
    await schema.getByLabel(/^registry/).fill('local');
    await schema.getByLabel(/^subject/).fill('ord');
    await schema.locator('datalist option[value="orders-value"]').waitFor({ state: 'attached' });
    const field = schema.getByLabel(/^subject/);
    const list = await field.getAttribute('list');
    expect(list).toBeTruthy();
    expect(
      await page
        .locator(`datalist[id="${list}"] option`)
        .evaluateAll((o) => o.map((e) => e.getAttribute('value'))),
    ).toEqual(['orders-value']);
    await page.close();
  });

  it('XSS: a resource whose name and text are <img src=x onerror=alert(1)> renders as text', async () => {
    const page = await suite.newPage();
    await openResources(page, 'fs');
    const button = resourceButton(page, `${XSS} application/octet-stream`);
    expect(await button.locator('.tool-name').innerHTML()).toBe('&lt;img src=x onerror=alert(1)&gt;');
    await button.click();
    const contents = page.getByRole('region', { name: 'Resource contents' });
    expect(await contents.locator('pre.text').textContent()).toBe(`${XSS}\n`);
    expect(await contents.locator('pre.text').innerHTML()).toBe('&lt;img src=x onerror=alert(1)&gt;\n');
    expect(await page.locator('img').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(suite.dialogs).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  });

  it('says so when a server offers no resources or no prompts', async () => {
    const page = await suite.newPage();
    await openResources(page, 'http');
    await page.getByText('http offers no resources: it does not declare the resources capability.').waitFor();
    await page
      .getByRole('navigation', { name: 'http sections' })
      .getByRole('link', { name: 'Prompts' })
      .click();
    await page.getByText('http offers no prompts: it does not declare the prompts capability.').waitFor();
    await page.goto(`${suite.gateway.url}/servers/fs/prompts`);
    await page.getByText('fs offers no prompts').waitFor();
    await page.close();
  });

  it('lists a server prompts and shows the messages of one by role, as text', async () => {
    const page = await suite.newPage();
    await page.goto(`${suite.gateway.url}/servers/registry/prompts`);
    await page.getByRole('heading', { name: 'registry: prompts' }).waitFor();
    const list = page.getByRole('navigation', { name: 'Prompts' });
    await list.getByRole('heading', { name: 'Prompts (3)' }).waitFor();
    expect(await list.getByRole('button').allTextContents()).toEqual([
      'registry_overview',
      'migrate_context_safely',
      'evolve_schema',
    ]);
    await list.getByRole('button', { name: 'registry_overview' }).click();
    const form = page.getByRole('form', { name: 'Arguments of registry_overview' });
    await form.getByText('This prompt takes no arguments.').waitFor();
    await form.getByRole('button', { name: 'Get prompt' }).click();
    const messages = page.getByRole('region', { name: 'Prompt messages' });
    await messages.waitFor();
    const message = messages.getByRole('listitem');
    expect(await message.count()).toBe(1);
    expect(await message.getByRole('heading').textContent()).toBe('user');
    const text = await message.locator('pre.text').textContent();
    expect(text).toContain('The Schema Registries this server reaches:');
    expect(text).toMatch(/- local \(http:\/\/127\.0\.0\.1:\d+\/?, writable\): 1 subjects/);
    await saveScreenshot(page, 'prompts');
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  });

  it('accessibility: axe finds no serious violation on the resources and prompts pages, wide or phone-sized', async () => {
    const signedIn = await suite.context.storageState();
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      // axe is a script the page did not ship: this context alone lets it past the CSP.
      const own = await suite.browser.newContext({ viewport, bypassCSP: true, storageState: signedIn });
      try {
        const page = await own.newPage();
        page.setDefaultTimeout(10_000);
        const visits: [string, () => Promise<void>][] = [
          [
            `/servers/fs/resources?uri=${encodeURIComponent(`file://${path.join(suite.layout.root, 'hello.txt')}`)}`,
            () => page.getByRole('region', { name: 'Resource contents' }).waitFor(),
          ],
          [
            `/servers/fs/resources?template=${encodeURIComponent('file://{+path}')}`,
            () => page.getByRole('form', { name: 'Read from file' }).waitFor(),
          ],
          [
            '/servers/registry/prompts?prompt=registry_overview',
            async () => {
              await page.getByRole('button', { name: 'Get prompt' }).click();
              await page.getByRole('region', { name: 'Prompt messages' }).waitFor();
            },
          ],
        ];
        for (const [where, ready] of visits) {
          await page.goto(`${suite.gateway.url}${where}`);
          await ready();
          expect(await seriousViolations(page), `${where} at ${viewport.width}`).toEqual([]);
          expect(
            await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
            `${where} fits ${viewport.width}`,
          ).toBe(true);
        }
      } finally {
        await own.close();
      }
    }
  }, 60_000);
});
