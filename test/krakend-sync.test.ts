import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithFixtures } from './helpers/fixtures.js';
import { serveKrakendSite } from './helpers/krakend-site.js';
import { CLI, spawnRampart } from './helpers/mcp.js';
import type { LocalServer } from './helpers/web.js';

let base: string;
let site: LocalServer;

function rampart(args: string[], home: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 120_000 },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

/** Every file under a folder with its SHA-256: what "the cache is as it was" compares. */
function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function home(): string {
  return mkdtempSync(path.join(base, 'home-'));
}

describeWithFixtures('krakend', 'rampart krakend sync, --export and --import', () => {
  let synced: string;
  let bundle: string;

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-sync-')));
    site = await serveKrakendSite();
  });

  afterAll(async () => {
    await site?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('fills the cache from a loopback server holding the fixtures: every schema version and the docs', async () => {
    const user = home();
    synced = path.join(user, '.rampart', 'krakend');
    const run = await rampart(
      [
        'krakend',
        'sync',
        '--schema-base-url',
        `${site.origin}/schema/`,
        '--docs-url',
        `${site.origin}/llms-full.txt`,
      ],
      user,
    );
    expect(run.stderr).toMatch(/cached 13 schema versions \(\d+ documents\) and \d+ docs pages/);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(synced, 'schema', 'v2.1', 'auth', 'validator.json'))).toBe(true);
    expect(existsSync(path.join(synced, 'schema', 'v2.13', 'krakend.json'))).toBe(true);
    expect(existsSync(path.join(synced, 'docs', 'index.json'))).toBe(true);
    expect(statSync(synced).mode & 0o777).toBe(0o700);

    // The same HOME, offline: every layer runs and the docs answer.
    const session = await spawnRampart(['krakend', base, '--offline'], { HOME: user });
    try {
      const validated = await session.call('validate_config', {
        config: JSON.stringify({
          $schema: 'https://www.krakend.io/schema/v2.10/krakend.json',
          version: 3,
          endpoints: [],
        }),
      });
      expect(validated.structured).toMatchObject({ valid: true, complete: true, version: '2.10' });
      const docs = await session.call('search_documentation', { query: 'flexible configuration templates' });
      expect((docs.structured as { results: unknown[] }).results.length).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  }, 180_000);

  it('exports the cache and imports it on another machine, file for file', async () => {
    bundle = path.join(base, 'krakend-cache.tgz');
    const exported = await rampart(['krakend', 'sync', '--data-dir', synced, '--export', bundle], home());
    expect(exported.code, exported.stderr).toBe(0);
    const target = path.join(home(), 'airgap');
    const imported = await rampart(['krakend', 'sync', '--data-dir', target, '--import', bundle], home());
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/imported \d+ files made \d{4}-/);
    expect(treeOf(target)).toEqual(treeOf(synced));
  }, 60_000);

  it('refuses a truncated sync bundle and leaves the cache as it was', async () => {
    const target = path.join(home(), 'cache');
    expect((await rampart(['krakend', 'sync', '--data-dir', target, '--import', bundle], home())).code).toBe(
      0,
    );
    const before = treeOf(target);
    const cut = path.join(base, 'cut.tgz');
    const whole = readFileSync(bundle);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const run = await rampart(['krakend', 'sync', '--data-dir', target, '--import', cut], home());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is refused: .*(truncated|cut short)/);
    expect(treeOf(target)).toEqual(before);
  }, 60_000);
});
