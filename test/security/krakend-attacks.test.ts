import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocsLibrary } from '../../src/servers/krakend/docs/library.js';
import { SchemaRegistry } from '../../src/servers/krakend/schema/registry.js';
import { isSafeSchemaPath, SchemaSource } from '../../src/servers/krakend/schema/source.js';
import { writeSyntheticSchemas } from '../helpers/krakend-schemas.js';
import { connectKrakend, type Session } from '../helpers/mcp.js';
import { serveDirectory } from '../helpers/static-site.js';
import { startServer } from '../helpers/web.js';

let base: string;
let project: string;
let schemaDir: string;
let session: Session;
const SECRET = 'TOP-SECRET-KRAKEND-OUTSIDE-7f3a';

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-attacks-')));
  project = path.join(base, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'krakend.json'), '{"version": 3}');
  writeFileSync(path.join(base, 'secret.json'), `{"version": 3, "name": "${SECRET}"}`);
  symlinkSync(path.join(base, 'secret.json'), path.join(project, 'link.json'));
  schemaDir = writeSyntheticSchemas(path.join(base, 'schema'));
  session = await connectKrakend({
    roots: [project],
    schemaDir,
    dataDir: path.join(base, 'data'),
    offline: true,
  });
});

afterAll(async () => {
  await session?.close();
  rmSync(base, { recursive: true, force: true });
});

/** Docs from a local folder, with the index cached in `cacheDir` and no downloads. */
function folderLibrary(docsDir: string, cacheDir: string): DocsLibrary {
  return new DocsLibrary({
    localDir: docsDir,
    url: 'http://127.0.0.1:9/llms-full.txt',
    cacheDir,
    maxAgeMs: 1000,
    offline: true,
    timeoutMs: 1000,
    maxBytes: 1 << 20,
    siteBase: 'https://www.krakend.io/',
  });
}

function source(baseUrl: string, cacheDir: string, maxBytes = 1 << 20, timeoutMs = 2000): SchemaSource {
  return new SchemaSource({ cacheDir, baseUrl, offline: false, timeoutMs, maxBytes });
}

describe('krakend server attacks', () => {
  it('refuses a config path outside the allowed directories', async () => {
    for (const config of ['../secret.json', path.join(base, 'secret.json')]) {
      const result = await session.call('validate_config', { config });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/outside the allowed roots/);
      expect(result.text).not.toContain(SECRET);
    }
  });

  it('refuses a link inside the roots that leads outside them', async () => {
    const result = await session.call('audit_security', { config: 'link.json' });
    expect(result.isError).toBe(true);
    expect(result.text).not.toContain(SECRET);
  });

  it('refuses a schema whose $ref leaves the version folder, and fetches nothing outside it', async () => {
    const hostile = mkdtempSync(path.join(base, 'hostile-'));
    mkdirSync(path.join(hostile, 'v2.1'));
    writeFileSync(
      path.join(hostile, 'v2.1', 'krakend.json'),
      JSON.stringify({ type: 'object', properties: { a: { $ref: '../../../../etc/passwd.json' } } }),
    );
    const site = await serveDirectory(hostile, '/schema/');
    try {
      const cache = path.join(base, 'cache-hostile');
      const registry = new SchemaRegistry(source(`${site.origin}/schema/`, cache));
      await expect(registry.load('2.1')).rejects.toThrow(
        /refers to https:\/\/www\.krakend\.io\/etc\/passwd\.json, outside the schema folder/,
      );
      expect(site.seen.map((r) => r.url)).toEqual(['/schema/v2.1/krakend.json']);
      expect(existsSync(path.join(cache, '..', 'etc'))).toBe(false);
    } finally {
      await site.close();
    }
  });

  it('refuses schema paths that could climb out of the cache (property)', () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9_.\-/\\%~:]{0,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (parts) => {
        const relative = parts.join('/');
        if (!isSafeSchemaPath(relative)) return;
        const cache = '/var/cache/rampart';
        const target = path.resolve(cache, relative);
        expect(target.startsWith(`${cache}/`)).toBe(true);
        expect(relative.split('/')).not.toContain('..');
        expect(relative.endsWith('.json')).toBe(true);
      }),
      { numRuns: 2000 },
    );
    for (const bad of ['../x.json', 'v2.1/../../x.json', '/etc/x.json', 'v2.1/./x.json', 'x.txt', '']) {
      expect(isSafeSchemaPath(bad)).toBe(false);
    }
  });

  it('caps a download that is larger than allowed, and caches nothing', async () => {
    const big = `{"pad": "${'x'.repeat(2 << 20)}"}`;
    const site = await startServer('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(big);
    });
    try {
      const cache = path.join(base, 'cache-big');
      await expect(
        source(`${site.origin}/schema/`, cache, 1 << 20).read('v2.1/krakend.json'),
      ).rejects.toThrow(/over the 1048576-byte limit|more than the 1048576-byte limit/);
      expect(existsSync(path.join(cache, 'v2.1', 'krakend.json'))).toBe(false);
    } finally {
      await site.close();
    }
  });

  it('gives up on a mirror that never answers', async () => {
    const site = await startServer('127.0.0.1', () => {});
    try {
      const started = Date.now();
      await expect(
        source(`${site.origin}/schema/`, path.join(base, 'cache-slow'), 1 << 20, 300).read(
          'v2.1/krakend.json',
        ),
      ).rejects.toThrow(/no answer within 300 ms/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await site.close();
    }
  });

  it('rebuilds a damaged docs index instead of trusting it', async () => {
    const docsDir = path.join(base, 'docs');
    mkdirSync(docsDir, { recursive: true });
    writeFileSync(
      path.join(docsDir, 'page.md'),
      '---\ntitle: Circuit breaker\n---\nStop calling a failing backend.\n',
    );
    const cacheDir = path.join(base, 'docs-cache');
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path.join(cacheDir, 'index.json'), '{"format": 1, "source": "x", "index": "{not json');
    const library = folderLibrary(docsDir, cacheDir);
    const index = await library.index();
    expect(index.query('failing backend', 1)[0]?.title).toBe('Circuit breaker');
  });

  it('replaces a link planted at the docs index instead of writing through it', async () => {
    const docsDir = path.join(base, 'docs');
    const cacheDir = path.join(base, 'docs-cache-link');
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const victim = path.join(base, 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, path.join(cacheDir, 'index.json'));
    const library = folderLibrary(docsDir, cacheDir);
    await library.index();
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    const written = lstatSync(path.join(cacheDir, 'index.json'));
    expect(written.isSymbolicLink()).toBe(false);
    expect(written.mode & 0o777).toBe(0o600);
  });

  it('hands the config to krakend as a file in a private directory, never through a shell', async () => {
    const marker = path.join(base, 'pwned');
    const log = path.join(base, 'krakend-args.log');
    const fake = path.join(base, 'bin', 'krakend');
    mkdirSync(path.dirname(fake), { recursive: true });
    writeFileSync(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$@" >> '${log}'\nif [ "$1" = check ]; then ls -ld "$(dirname "$3")" | cut -c1-10 >> '${log}'; fi\necho "KrakenD Version: 2.2.0"\n`,
    );
    chmodSync(fake, 0o755);
    const withBinary = await connectKrakend({
      roots: [project],
      schemaDir,
      dataDir: path.join(base, 'data-bin'),
      offline: true,
      krakendBinary: fake,
    });
    try {
      const config = `{"version": 3, "name": "$(touch ${marker})\`touch ${marker}\`"}`;
      await withBinary.call('validate_config', { config });
      expect(existsSync(marker)).toBe(false);
      const args = readFileSync(log, 'utf8');
      expect(args).toMatch(/^check\n-tlc\n\/.*rampart-krakend-[^/]+\/krakend\.json\ndrwx------$/m);
      expect(args).not.toContain('touch');
    } finally {
      await withBinary.close();
    }
  });
});
