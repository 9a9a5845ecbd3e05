import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium, makeSandbox, type Sandbox, type ServedGateway, spawnServe } from './browser.js';

// Like browser.ts, this imports nothing from src/: the browser tests type-check in a program of their own.

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Where the browser tests save screenshots of the pages (the README shows them), when set. */
export const SHOTS = process.env.RAMPART_CONSOLE_SCREENSHOTS;

/** Saves the page as `<name>.png` in RAMPART_CONSOLE_SCREENSHOTS, when that names a folder; else does nothing. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * What axe finds on the page as it stands: its serious and critical violations as "<impact> <rule>" lines, and
 * how many checks passed (so that a test can tell axe really ran). axe is a script the page did not ship: the
 * page's context must bypass the CSP (`bypassCSP: true`), and that context only.
 */
export async function axeFindings(page: Page): Promise<{ serious: string[]; passes: number }> {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    type Axe = { run(): Promise<{ violations: { id: string; impact: string }[]; passes: unknown[] }> };
    const results = await (window as unknown as { axe: Axe }).axe.run();
    return {
      violations: results.violations.map((v) => `${v.impact} ${v.id}`),
      passes: results.passes.length,
    };
  });
  return { serious: found.violations.filter((v) => /^(serious|critical)/.test(v)), passes: found.passes };
}

/** What axe finds on the page as it stands, as "<impact> <rule>" lines, the serious and critical ones only. */
export async function seriousViolations(page: Page): Promise<string[]> {
  return (await axeFindings(page)).serious;
}

/** Signs in as a person does, pasting the token and pressing Enter, and waits for the Servers page. */
export async function signInWithToken(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Gateway token').fill(token);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Servers' }).waitFor();
}

/**
 * Watches a page as every browser test does: each dialog is recorded in `dialogs` and dismissed (an XSS that runs
 * alert() shows there), and each CSP violation the page reports is kept for `cspViolations`.
 */
export async function watchPage(page: Page, dialogs: string[]): Promise<void> {
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(
        `${event.effectiveDirective} ${event.blockedURI} ${event.sample} ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
      ),
    );
  });
}

/** The CSP violations a watched page reported ("<directive> <blocked URI> <sample> <where>"), oldest first. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

/** A new page of `context` that gives up waiting after `timeoutMs`, watched as watchPage does. */
export async function openWatchedPage(
  context: BrowserContext,
  dialogs: string[],
  timeoutMs = 10_000,
): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  await watchPage(page, dialogs);
  return page;
}

/** Ends what a browser suite started, in order, passing over what it did not get to start. */
export async function endSuite(started: {
  readonly context?: BrowserContext | undefined;
  /** Further profiles, closed with `context`. */
  readonly contexts?: readonly BrowserContext[];
  readonly browser?: Browser | undefined;
  readonly gateway?: ServedGateway | undefined;
  readonly layout?: Sandbox | undefined;
}): Promise<void> {
  await Promise.all(
    [started.context, ...(started.contexts ?? [])].map((c) => c?.close().catch(() => undefined)),
  );
  await started.browser?.close();
  await started.gateway?.stop();
  started.layout?.cleanup();
}

/** A page watched as watchPage does, in a fresh profile of its own, with every URL the page requests. */
export interface FreshPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly urls: string[];
  readonly dialogs: string[];
}

/**
 * A page in a fresh 1280x800 profile of `browser` (with `options` over that), which is added to `contexts` for
 * endSuite to close; it gives up waiting after 10 s.
 */
export async function openFreshPage(
  browser: Browser,
  contexts: BrowserContext[],
  options: BrowserContextOptions = {},
): Promise<FreshPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const urls: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  await watchPage(page, dialogs);
  return { page, context, urls, dialogs };
}

/** What a browser suite of one gateway started: see startConsoleSuite. */
export interface ConsoleSuite {
  readonly layout: Sandbox;
  readonly gateway: ServedGateway;
  readonly browser: Browser;
  /** The profile every newPage belongs to, signed in unless the suite said otherwise. */
  readonly context: BrowserContext;
  /** The message of every dialog a page of newPage opened (and dismissed), oldest first. */
  readonly dialogs: string[];
  /** A new page of `context`, watched as openWatchedPage does. */
  newPage(): Promise<Page>;
  /** Ends it all, as endSuite does. */
  stop(): Promise<void>;
}

/**
 * What most browser suites start in beforeAll: a sandbox, `rampart serve` on it with `yaml` and `token` (and
 * `env`), Chromium, a 1280x800 profile (with `contextOptions` over that) and one sign-in with the keyboard, as a
 * person would, whose cookie every page of the profile shares. `prepare` runs first, on the sandbox, for what
 * the yaml needs there. When a step fails, what had started is ended before the error goes on.
 */
export async function startConsoleSuite(options: {
  readonly token: string;
  readonly yaml: string | ((layout: Sandbox) => string);
  readonly env?: Record<string, string>;
  readonly prepare?: (layout: Sandbox) => void | Promise<void>;
  readonly contextOptions?: BrowserContextOptions;
  /** The pages' default timeout. */
  readonly timeoutMs?: number;
  /** False to leave the profile signed out. */
  readonly signIn?: boolean;
}): Promise<ConsoleSuite> {
  const layout = makeSandbox();
  const started: { gateway?: ServedGateway; browser?: Browser; context?: BrowserContext } = {};
  try {
    await options.prepare?.(layout);
    const yaml = typeof options.yaml === 'function' ? options.yaml(layout) : options.yaml;
    const extra = options.env ? { env: options.env } : {};
    const [served, launched] = await Promise.allSettled([
      spawnServe(layout.base, yaml, options.token, extra),
      launchChromium(),
    ]);
    if (served.status === 'fulfilled') started.gateway = served.value;
    if (launched.status === 'fulfilled') started.browser = launched.value;
    if (served.status === 'rejected') throw served.reason;
    if (launched.status === 'rejected') throw launched.reason;
    const gateway = served.value;
    const browser = launched.value;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      ...options.contextOptions,
    });
    started.context = context;
    const dialogs: string[] = [];
    const suite: ConsoleSuite = {
      layout,
      gateway,
      browser,
      context,
      dialogs,
      newPage: () => openWatchedPage(context, dialogs, options.timeoutMs),
      stop: () => endSuite({ context, browser, gateway, layout }),
    };
    if (options.signIn ?? true) {
      const page = await suite.newPage();
      await signInWithToken(page, gateway.url, options.token);
      await page.close();
    }
    return suite;
  } catch (error) {
    await endSuite({ ...started, layout });
    throw error;
  }
}

/** The yaml of one fs server named fs on `root` (a sandbox's, say), read-only when asked. */
export function fsServerYaml(where: { readonly root: string }, readOnly = false): string {
  const options = `      roots: [${JSON.stringify(where.root)}]\n${readOnly ? '      readOnly: true\n' : ''}`;
  return `servers:\n  - name: fs\n    kind: fs\n    options:\n${options}`;
}

/** The two windows every page is checked at: 1280x800 and a phone's 390x844. */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/**
 * Runs `check` on a page at each of VIEWPORTS, in a context of its own with the signed-in profile `storageState`
 * that bypasses the CSP: axe is a script the page did not ship, and this context alone lets it past.
 */
export async function atEachViewport(
  browser: Browser,
  storageState: Awaited<ReturnType<BrowserContext['storageState']>>,
  check: (page: Page, viewport: (typeof VIEWPORTS)[number]) => Promise<void>,
): Promise<void> {
  for (const viewport of VIEWPORTS) {
    const own = await browser.newContext({ viewport, bypassCSP: true, storageState });
    try {
      const page = await own.newPage();
      page.setDefaultTimeout(10_000);
      await check(page, viewport);
    } finally {
      await own.close();
    }
  }
}

/** Whether the page fits its window's width (nothing to scroll sideways). */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}
