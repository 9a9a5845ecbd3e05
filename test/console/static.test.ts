import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { CONSOLE_CSP } from '../../src/gateway/console-headers.js';
import { type RunningGateway, startGateway } from '../../src/gateway/serve.js';
import { type Layout, makeLayout, SECRET } from '../helpers/sandbox.js';
import { browserRequest, gatewayApp, rawGet, TOKEN } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const HTML = { accept: 'text/html,application/xhtml+xml' };

/** A built console in a temp folder, with what must never be served beside it. */
function fakeBuild(layout: Layout): string {
  const dir = path.join(layout.base, 'console');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'export {};');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js.map'), '{"sources":["../src/main.tsx"]}');
  writeFileSync(path.join(dir, '.env'), `TOKEN=${SECRET}`);
  symlinkSync(layout.secretFile, path.join(dir, 'assets', 'linked.txt'));
  return dir;
}

function expectConsoleHeaders(headers: Headers): void {
  expect(headers.get('content-security-policy')).toBe(CONSOLE_CSP);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

describe('console: serving the built files', () => {
  let layout: Layout;
  let dir: string;

  beforeAll(() => {
    layout = makeLayout();
    dir = fakeBuild(layout);
  });
  afterAll(() => layout.cleanup());

  it('answers / with the app page, its strict CSP, nosniff and no-referrer', async () => {
    const app = gatewayApp({ console: { dir } });
    const response = await app.fetch(browserRequest(`/`, { headers: HTML }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expectConsoleHeaders(response.headers);
    expect(await response.text()).toContain('<title>console</title>');
  });

  it('has a CSP with no inline script or style, no eval, no framing, no <base>, no plugins', () => {
    const directives = new Map(
      CONSOLE_CSP.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|data:|\*/);
  });

  it('serves built files with their content type, hashed assets as immutable', async () => {
    const app = gatewayApp({ console: { dir } });
    const js = await app.fetch(browserRequest(`/assets/index-abc123.js`));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expectConsoleHeaders(js.headers);
    const css = await app.fetch(browserRequest(`/assets/index-abc123.css`));
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers a page navigation to any app path with the app, and a missing file with 404', async () => {
    const app = gatewayApp({ console: { dir } });
    const page = await app.fetch(browserRequest(`/servers/fs`, { headers: HTML }));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>console</title>');
    const missing = await app.fetch(browserRequest(`/assets/nope.js`, { headers: HTML }));
    expect(missing.status).toBe(404);
    const script = await app.fetch(browserRequest(`/nope.js`));
    expect(script.status).toBe(404);
    expect(script.headers.get('content-type')).toBe('application/json');
  });

  it('lists no directory', async () => {
    const app = gatewayApp({ console: { dir } });
    for (const listing of ['/assets/', '/assets']) {
      const response = await app.fetch(browserRequest(`${listing}`));
      expect(response.status, listing).toBe(404);
      expect(await response.text()).not.toContain('index-abc123');
    }
  });

  it('serves no source map, dotfile or link out of the build folder', async () => {
    const app = gatewayApp({ console: { dir } });
    for (const file of ['/assets/index-abc123.js.map', '/.env', '/assets/linked.txt']) {
      const response = await app.fetch(browserRequest(`${file}`));
      expect(response.status, file).toBe(404);
      expect(await response.text()).not.toContain(SECRET);
    }
  });

  it('never gives the app page for the gateway own paths', async () => {
    const app = gatewayApp({ console: { dir } });
    for (const own of ['/mcp', '/mcp/', '/console/api/anything', '/.well-known/nothing', '/metrics/x']) {
      const response = await app.fetch(browserRequest(`${own}`, { headers: HTML }));
      expect(await response.text(), own).not.toContain('<title>console</title>');
    }
  });
});

describe('console: not built', () => {
  it('answers / with a clear message, and the gateway keeps working', async () => {
    const app = gatewayApp({ console: { dir: path.join(REPO, 'no-such-console-build') } });
    const page = await app.fetch(browserRequest(`/`, { headers: HTML }));
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expectConsoleHeaders(page.headers);
    expect(await page.text()).toMatch(/console is not built.*npm run build/s);
    const health = await app.fetch(browserRequest(`/healthz`));
    expect(await health.json()).toEqual({ status: 'ok' });
    const mcp = await app.fetch(browserRequest(`/mcp/fs`, { method: 'POST' }));
    expect(mcp.status).toBe(401);
  });
});

describe('console: path traversal over a real socket', () => {
  let layout: Layout;
  let gateway: RunningGateway;

  beforeAll(async () => {
    layout = makeLayout();
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent' }),
      servers: [],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    layout?.cleanup();
  });

  it('serves the console that npm run build made, by default', async () => {
    expect(existsSync(path.join(REPO, 'dist/console/index.html')), 'run npm run build first').toBe(true);
    const page = await rawGet(gateway.url, '/', HTML);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<script type="module" crossorigin src="\/assets\/[\w-]+\.js"><\/script>/);
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|style="/);
  });

  it.each([
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2f..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '//etc/passwd',
    '/..\\..\\package.json',
    '/assets/../../package.json',
    '/index.html%00.js',
  ])('path traversal %s reaches nothing outside the build', async (attack) => {
    const answer = await rawGet(gateway.url, attack);
    expect(answer.body).not.toMatch(/root:x:0:0|"name": "rampart-mcp"/);
    if (answer.status === 200) expect(answer.body).toMatch(/^<!doctype html>/);
  });
});

describe('console: the npm package', () => {
  it('ships dist/console', () => {
    expect(existsSync(path.join(REPO, 'dist/console/index.html')), 'run npm run build first').toBe(true);
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: REPO,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 16 * 1024 * 1024,
      }),
    ) as { files: { path: string }[] }[];
    const files = packed?.files.map((f) => f.path) ?? [];
    expect(files).toContain('dist/console/index.html');
    expect(files.some((f) => /^dist\/console\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.filter((f) => f.startsWith('console/'))).toEqual([]);
  });
});
