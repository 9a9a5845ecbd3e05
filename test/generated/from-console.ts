// The generated-check case whose files come from the web console, not from generate(): `rampart serve` runs as a
// person starts it, Chromium signs in, fills the generator page's form, and downloads the zip; the zip's files are
// what check.ts installs and tests. It proves the whole path a person takes (form → gateway → preview → zip)
// yields a project whose own `npm test` and lint pass.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { CHROMIUM, launchChromium, makeSandbox, spawnServe } from '../console/browser.js';

/** The case's name in check.ts. */
export const CONSOLE_CASE = 'console';
/** The project the form makes: a custom server with two tools (the form's array of objects). */
export const CONSOLE_PROJECT = 'gen-console';

const TOKEN = 'generated-check-console-token-0123456789abcd';

/**
 * Whether the console case can run. Without Chromium it is skipped with the reason printed on a developer's
 * machine, and fails under CI=true, where Chromium is installed, as the console's browser tests do.
 */
export function consoleCaseRuns(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI === 'true')
    throw new Error(
      `generated-check: ${CONSOLE_CASE}: ${reason}, and under CI=true it fails instead of skipping`,
    );
  console.warn(`generated-check: skipping ${CONSOLE_CASE}: ${reason}`);
  return false;
}

/**
 * The files of the project the console's generator page downloads, as `rampart serve` makes them when its
 * projects depend on `toolkit` (RAMPART_CONSOLE_TOOLKIT). Needs the built dist/ (the CLI and dist/console).
 */
export async function filesFromConsole(toolkit: string): Promise<Map<string, string>> {
  const sandbox = makeSandbox();
  const yaml = `servers:\n  - name: fs\n    kind: fs\n    options:\n      roots: [${JSON.stringify(sandbox.root)}]\n`;
  const gateway = await spawnServe(sandbox.base, yaml, TOKEN, { env: { RAMPART_CONSOLE_TOOLKIT: toolkit } });
  const browser = await launchChromium().catch(async (error: unknown) => {
    await gateway.stop();
    sandbox.cleanup();
    throw error;
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(gateway.url);
    await page.getByLabel('Gateway token').fill(TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Servers' }).waitFor();

    await page.getByRole('link', { name: 'Generator' }).click();
    await page.getByLabel('Kind').selectOption('custom');
    await page.getByLabel(/^Package name/).fill(CONSOLE_PROJECT);
    await page.getByLabel(/^Description/).fill('Made in the web console: summaries and translations.');
    await page.getByLabel(/^Tool name/).fill('summarize');
    await page.getByLabel(/^Tool description/).fill('Summarizes a text.');
    await page.getByRole('button', { name: 'Add' }).click();
    await page
      .getByLabel(/^Tool name/)
      .nth(1)
      .fill('translate');
    await page.getByRole('button', { name: 'Generate preview' }).click();
    await page.getByRole('heading', { name: /^Preview: / }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download ${CONSOLE_PROJECT}.zip` }).click(),
    ]);
    const zip = unzipSync(readFileSync(await download.path()));
    const files = new Map<string, string>();
    for (const [entry, bytes] of Object.entries(zip)) {
      if (!entry.startsWith(`${CONSOLE_PROJECT}/`))
        throw new Error(`the console's zip holds ${entry}, outside its ${CONSOLE_PROJECT}/ folder`);
      // fflate's entries are paths inside the archive; a name that climbs out of the folder is refused.
      const relative = entry.slice(CONSOLE_PROJECT.length + 1);
      if (path.posix.normalize(relative) !== relative || relative.startsWith('../'))
        throw new Error(`the console's zip holds an unsafe path: ${entry}`);
      files.set(relative, strFromU8(bytes));
    }
    const manifest = JSON.parse(files.get('package.json') ?? '{}') as {
      dependencies?: Record<string, string>;
    };
    if (manifest.dependencies?.['rampart-mcp'] !== toolkit)
      throw new Error(
        `the console's project depends on rampart-mcp ${manifest.dependencies?.['rampart-mcp']}, not ${toolkit}`,
      );
    await context.close();
    return files;
  } finally {
    await browser.close();
    await gateway.stop();
    sandbox.cleanup();
  }
}
