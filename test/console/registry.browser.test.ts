import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, type ServedGateway, spawnCli, spawnServe } from './browser.js';
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

const TOKEN = 'registry-browser-token-0123456789abcdefghij';
const XSS = '<img src=x onerror=alert(1)>';
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Three Avro versions of orders-value, each BACKWARD compatible with the one before. */
const ORDER_V1 = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'int' }] };
const ORDER_V2 = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'note', type: 'string', default: '', doc: XSS },
  ],
};
const ORDER_V3 = {
  ...ORDER_V2,
  fields: [...ORDER_V2.fields, { name: 'currency', type: 'string', default: 'EUR' }],
};
const CUSTOMER_V1 = { type: 'object', properties: { name: { type: 'string' } } };
const CUSTOMER_V2 = {
  type: 'object',
  properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
  required: ['name'],
};

/** `rampart registry-server` on a free loopback port with its SQLite file in the sandbox, as a person runs it. */
function spawnRegistry(dir: string): Promise<ServedGateway> {
  const args = ['registry-server', '--port', '0', '--sqlite-path', path.join(dir, 'registry.db')];
  // It says where it listens on stderr (its stdout is left to nothing).
  return spawnCli(args, dir, {}, /Schema Registry on (http:\/\/127\.0\.0\.1:\d+)/);
}

/** Registers through the registry's own REST API, as a producer would, and returns the schema id. */
async function register(base: string, subject: string, schema: object, schemaType?: string): Promise<number> {
  const response = await fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': CONTENT_TYPE },
    body: JSON.stringify({ schema: JSON.stringify(schema), ...(schemaType ? { schemaType } : {}) }),
  });
  const body = (await response.json()) as { id?: number; message?: string };
  if (!response.ok || body.id === undefined)
    throw new Error(`registering ${subject}: ${response.status} ${body.message}`);
  return body.id;
}

describeWithChromium('console Schema Registry page in Chromium against rampart serve', () => {
  let registry: ServedGateway;
  let suite: ConsoleSuite;

  beforeAll(async () => {
    suite = await startConsoleSuite({
      token: TOKEN,
      prepare: async (layout) => {
        registry = await spawnRegistry(layout.base);
        await register(registry.url, 'orders-value', ORDER_V1);
        await register(registry.url, 'orders-value', ORDER_V2);
        await register(registry.url, 'orders-value', ORDER_V3);
        const level = await fetch(`${registry.url}/config/customers-json`, {
          method: 'PUT',
          headers: { 'content-type': CONTENT_TYPE },
          body: JSON.stringify({ compatibility: 'NONE' }),
        });
        expect(level.status).toBe(200);
        await register(registry.url, 'customers-json', CUSTOMER_V1, 'JSON');
        await register(registry.url, 'customers-json', CUSTOMER_V2, 'JSON');
      },
      // Two mounts of one registry, the second view-only: the page offers a choice between them.
      yaml: () => {
        const entry = (viewonly: boolean) =>
          `{ name: local, url: ${JSON.stringify(registry.url)}, viewonly: ${viewonly} }`;
        return (
          'servers:\n' +
          `  - name: registry\n    kind: registry\n    options:\n      registries:\n        - ${entry(false)}\n` +
          `  - name: registry-ro\n    kind: registry\n    options:\n      registries:\n        - ${entry(true)}\n`
        );
      },
    });
  });

  afterAll(async () => {
    await registry?.stop();
    await suite?.stop();
  });

  /** The registry page with a subject chosen from the list, as a person does it: nav link, then the subject. */
  async function openSubject(page: Page, subject: string): Promise<void> {
    await page.goto(`${suite.gateway.url}/servers`);
    await page.getByRole('link', { name: 'Schema Registry' }).click();
    await page.getByRole('heading', { name: 'Schema Registry' }).waitFor();
    await page.getByRole('navigation', { name: 'Subjects' }).getByRole('button', { name: subject }).click();
    await page.getByRole('heading', { name: subject }).waitFor();
  }

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Subjects' });

  it('lists the subjects, filters them, and shows a version with its id, type and schema as text', async () => {
    const page = await suite.newPage();
    await openSubject(page, 'orders-value');
    expect(await nav(page).getByRole('button').allTextContents()).toEqual(['customers-json', 'orders-value']);
    await page.getByLabel('Filter subjects').fill('CUST');
    expect(await nav(page).getByRole('button').allTextContents()).toEqual(['customers-json']);
    await page.getByLabel('Filter subjects').fill('nothing-like-it');
    await nav(page).getByText('No subject contains “nothing-like-it”.').waitFor();
    await page.getByLabel('Filter subjects').fill('');

    await page.getByRole('heading', { name: 'Versions (3)' }).waitFor();
    expect(await page.getByLabel('Show version').inputValue()).toBe('3');
    await page.getByText('Compatibility level BACKWARD (the registry-wide level)').waitFor();
    const facts = page.locator('.schema-version dl');
    await facts.waitFor();
    expect(await facts.locator('dt').allTextContents()).toEqual([
      'Version',
      'Schema id',
      'Type',
      'References',
    ]);
    expect(await facts.locator('dd').allTextContents()).toEqual([
      '3',
      expect.stringMatching(/^\d+$/),
      'AVRO',
      'none',
    ]);
    expect(JSON.parse((await page.locator('pre.schema-text').textContent()) ?? '')).toEqual(ORDER_V3);
    await saveScreenshot(page, 'registry');

    await page.getByLabel('Show version').selectOption('1');
    await page.locator('.schema-version dd').first().getByText('1', { exact: true }).waitFor();
    expect(JSON.parse((await page.locator('pre.schema-text').textContent()) ?? '')).toEqual(ORDER_V1);
    expect(new URL(page.url()).searchParams.get('version')).toBe('1');

    // A JSON Schema subject with its own level.
    await nav(page).getByRole('button', { name: 'customers-json' }).click();
    await page.getByRole('heading', { name: 'customers-json' }).waitFor();
    await page.getByText('Compatibility level NONE (set for this subject)').waitFor();
    await page.locator('.schema-version dd', { hasText: 'JSON' }).waitFor();
    expect(JSON.parse((await page.locator('pre.schema-text').textContent()) ?? '')).toEqual(CUSTOMER_V2);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('diffs two versions side by side: removed lines on the left, added lines on the right, aligned', async () => {
    const page = await suite.newPage();
    await openSubject(page, 'orders-value');
    // By default the latest version against the one before it.
    expect(await page.getByLabel('Left version').inputValue()).toBe('2');
    expect(await page.getByLabel('Right version').inputValue()).toBe('3');
    await page.getByLabel('Left version').selectOption('1');
    await page.getByLabel('Right version').selectOption('2');
    const diff = page.locator('table.schema-diff');
    await diff.getByRole('columnheader', { name: /^Version 1 \(id \d+\)$/ }).waitFor();
    await diff.getByRole('columnheader', { name: /^Version 2 \(id \d+\)$/ }).waitFor();

    // The changed type is one row: the old line on the left, the new one on the right.
    const changed = diff.locator('tr.diff-changed', { hasText: '"type": "int"' });
    // Each side says in words, for a screen reader, what the colour shows.
    expect(await changed.locator('td').allTextContents()).toEqual([
      '7',
      'removed:       "type": "int"',
      '7',
      'added:       "type": "long"',
    ]);
    // The new field exists only on the right; the left column has no line of it.
    expect(await diff.locator('td.added', { hasText: '"name": "note"' }).count()).toBe(1);
    expect(await diff.locator('td.removed', { hasText: 'note' }).count()).toBe(0);
    expect(await diff.locator('tr.diff-added td.code').first().getAttribute('class')).toBe('code empty');
    // Unchanged lines sit on both sides with their own line numbers.
    const same = diff.locator('tr.diff-same', { hasText: '"name": "Order"' });
    expect(await same.locator('td').allTextContents()).toEqual([
      '3',
      '  "name": "Order",',
      '3',
      '  "name": "Order",',
    ]);
    await diff
      .locator('caption', { hasText: /^\d+ lines? removed \(left\), \d+ added \(right\)\.$/ })
      .waitFor();
    await page
      .getByRole('heading', { name: 'Compare two versions' })
      .evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await saveScreenshot(page, 'registry-diff');

    // A version against itself has nothing to show.
    await page.getByLabel('Right version').selectOption('1');
    await diff.locator('caption', { hasText: 'The two versions have the same text.' }).waitFor();
    expect(await diff.locator('td.removed, td.added').count()).toBe(0);
  });

  it('checks a draft without registering it: an incompatible one gets the verdict with its reason', async () => {
    const page = await suite.newPage();
    await openSubject(page, 'orders-value');
    const draft = page.getByLabel('Draft schema');
    // The box starts from the latest version, which is of course compatible with itself.
    expect(JSON.parse(await draft.inputValue())).toEqual(ORDER_V3);
    expect(await page.getByLabel('Schema type').inputValue()).toBe('AVRO');

    const incompatible = { ...ORDER_V3, fields: [...ORDER_V3.fields, { name: 'amount', type: 'double' }] };
    await draft.fill(JSON.stringify(incompatible, null, 2));
    await page.getByRole('button', { name: 'Check compatibility' }).click();
    const verdict = page.getByRole('status').locator('.verdict');
    await verdict.getByText('Not compatible').waitFor();
    expect(await verdict.locator('p').textContent()).toBe(
      'Not compatible: orders-value would refuse it (compatibility level BACKWARD).',
    );
    const reasons = await verdict.locator('li').allTextContents();
    expect(reasons.join('\n')).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE/);
    expect(reasons.join('\n')).toContain('amount');

    const compatible = {
      ...ORDER_V3,
      fields: [...ORDER_V3.fields, { name: 'amount', type: 'double', default: 0 }],
    };
    await draft.fill(JSON.stringify(compatible));
    // Editing the draft clears the old verdict, so it is never read against new text.
    await verdict.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Check compatibility' }).click();
    await verdict.getByText('Compatible', { exact: true }).waitFor();
    expect(await verdict.locator('p').textContent()).toBe(
      'Compatible: it may be registered under orders-value (compatibility level BACKWARD).',
    );

    // Text that is no schema is refused with the registry's own reason, not a verdict.
    await page.getByLabel('Schema type').selectOption('JSON');
    await draft.fill('{"type": "object", "properties": ');
    await page.getByRole('button', { name: 'Check compatibility' }).click();
    await page
      .getByRole('alert')
      .getByText(/^The check failed: registry local: .*\(error 42201\)$/)
      .waitFor();

    // Nothing was registered.
    const versions = (await (
      await fetch(`${registry.url}/subjects/orders-value/versions`)
    ).json()) as number[];
    expect(versions).toEqual([1, 2, 3]);
  });

  it('XSS: a schema doc holding <img src=x onerror=alert(1)> shows as text in the schema, the diff and the draft', async () => {
    const page = await suite.newPage();
    await openSubject(page, 'orders-value');
    await page.getByLabel('Show version').selectOption('2');
    const schema = page.locator('pre.schema-text');
    await schema.getByText(XSS, { exact: false }).waitFor();
    expect(await schema.innerHTML()).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const diffLine = page.locator('table.schema-diff td', { hasText: XSS }).first();
    await diffLine.waitFor();
    expect(await diffLine.innerHTML()).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(await page.getByLabel('Draft schema').inputValue()).toContain(XSS);
    expect(await page.locator('img').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(suite.dialogs).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('offers a choice between two registry mounts, and reads through the one chosen', async () => {
    const page = await suite.newPage();
    await page.goto(`${suite.gateway.url}/registry`);
    const choice = page.getByLabel('Registry server');
    await choice.waitFor();
    expect(await choice.locator('option').allTextContents()).toEqual([
      'registry (/mcp/registry)',
      'registry-ro (/mcp/registry-ro)',
    ]);
    await page.getByText('read through /mcp/registry.').waitFor();
    await choice.selectOption('registry-ro');
    await page.getByText('(view-only), read through /mcp/registry-ro.').waitFor();
    await nav(page).getByRole('button', { name: 'orders-value' }).click();
    await page.getByRole('heading', { name: 'Versions (3)' }).waitFor();
    expect(new URL(page.url()).searchParams.get('server')).toBe('registry-ro');
  });

  it('with no registry server mounted, says so and shows the rampart.yaml lines that mount one', async () => {
    const dir = path.join(suite.layout.base, 'no-registry');
    mkdirSync(path.join(dir, 'root'), { recursive: true });
    const bare = await spawnServe(dir, fsServerYaml({ root: path.join(dir, 'root') }), TOKEN);
    const own = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await own.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${bare.url}/registry`);
      await page.getByLabel('Gateway token').fill(TOKEN);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Schema Registry' }).waitFor();
      await page.getByText('No server of kind registry is mounted').waitFor();
      const snippet = (await page.locator('main pre').textContent()) ?? '';
      expect(snippet).toContain('kind: registry');
      expect(snippet).toContain('url: "http://127.0.0.1:8081"');
      expect(await page.getByRole('navigation', { name: 'Subjects' }).count()).toBe(0);
    } finally {
      await own.close();
      await bare.stop();
    }
  });

  it('accessibility: axe finds no serious violation on the registry page, wide or phone-sized', async () => {
    await atEachViewport(suite.browser, await suite.context.storageState(), async (page, viewport) => {
      await page.goto(`${suite.gateway.url}/registry?subject=orders-value&from=1&to=2`);
      await page.locator('table.schema-diff td.added').first().waitFor();
      await page.getByLabel('Draft schema').waitFor();
      expect(await seriousViolations(page), `registry at ${viewport.width}`).toEqual([]);
      expect(await fitsWidth(page)).toBe(true);
    });
  }, 60_000);
});
