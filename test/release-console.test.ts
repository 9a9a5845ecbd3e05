import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../src/gateway/console-headers.js';
import { buildRelease } from '../src/release/release.js';
import { REPO } from './helpers/mcp.js';

const TOKEN = 'release-console-token-0123456789abcdefghij';

/** `rampart serve` from an unpacked release, as an installed plugin runs it; resolves with its address. */
function serveRelease(dir: string, home: string): Promise<{ url: string; child: ChildProcess }> {
  const config = path.join(home, 'rampart.yaml');
  writeFileSync(
    config,
    `servers:\n  - name: fs\n    kind: fs\n    options:\n      roots: [${JSON.stringify(home)}]\n`,
  );
  const child = spawn(
    process.execPath,
    [path.join(dir, 'rampart.js'), 'serve', '--port', '0', '--config', config, '--log-level', 'warn'],
    {
      cwd: home,
      env: { PATH: path.dirname(process.execPath), HOME: home, RAMPART_TOKEN: TOKEN },
      stdio: 'pipe',
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the release did not serve in 20 s:\n${output}`)),
      20_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk;
      const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ url, child });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the release's rampart serve exited (${code}):\n${output}`));
    });
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}

/**
 * The single-file release carries the web console: built by Vite at release time into console/ beside rampart.js,
 * where the bundled gateway looks for it, so an installed release serves the console with nothing else present.
 */
describe('the release bundle serves the web console', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rampart-release-console-test-'));
  const unpacked = path.join(scratch, 'release');
  const home = path.join(scratch, 'home');
  let served: { url: string; child: ChildProcess } | undefined;

  beforeAll(async () => {
    const out = path.join(scratch, 'out');
    const release = await buildRelease({
      repo: REPO,
      outDir: out,
      version: '9.8.9',
      signingKey: generateKeyPairSync('ed25519').privateKey,
    });
    mkdirSync(unpacked);
    mkdirSync(home);
    execFileSync('tar', ['-xzf', path.join(out, release.tarball), '-C', unpacked]);
    served = await serveRelease(unpacked, home);
  }, 180_000);

  afterAll(async () => {
    await stop(served?.child);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('ships the built console in console/, with no source maps and no checkout beside it', () => {
    const index = readFileSync(path.join(unpacked, 'console', 'index.html'), 'utf8');
    expect(index).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    const listing = execFileSync('find', ['.', '-type', 'f'], { cwd: unpacked, encoding: 'utf8' });
    expect(listing).not.toMatch(/\.map$/m);
    expect(existsSync(path.join(unpacked, 'dist'))).toBe(false);
  });

  it("answers / with the console's page and an asset with its bytes, both under the console's CSP", async () => {
    const url = served?.url as string;
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toBe(readFileSync(path.join(unpacked, 'console', 'index.html'), 'utf8'));
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1] as string;
    const asset = await fetch(`${url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await asset.arrayBuffer())).toEqual(
      readFileSync(path.join(unpacked, 'console', script.slice(1))),
    );
    // The console's API is there too: a signed-out browser is told so, not refused as a stranger.
    const session = await fetch(`${url}/console/api/session`);
    expect(await session.json()).toEqual({ signedIn: false, authMode: 'local' });
  });
});
