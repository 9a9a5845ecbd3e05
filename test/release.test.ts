import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksums, loadSigningKey, publicKeyOf, sha256 } from '../src/release/signing.js';
import { tarGz } from '../src/release/tar.js';
import { describeWithFixtures, fixture } from './helpers/fixtures.js';
import { llmsFullText } from './helpers/krakend-site.js';
import { CLI, type TextResult, textOf } from './helpers/mcp.js';
import { serveDirectory } from './helpers/static-site.js';
import type { LocalServer } from './helpers/web.js';

/** A path segment tar extracts as itself: never `.` or `..`, at most 30 bytes so six of them fit ustar. */
const validSegment = fc.stringMatching(/^[a-z0-9._-]{1,30}$/).filter((s) => s !== '.' && s !== '..');

const validSegments = fc.array(validSegment, { maxLength: 4 });

/** Names the writer must refuse: each has at least one flaw among otherwise valid segments. */
const invalidSegments = fc.oneof(
  fc
    .tuple(validSegments, fc.constantFrom('..', '.', '', 'a\0b', '\0'), validSegments)
    .map(([before, flaw, after]) => [...before, flaw, ...after].join('/')),
  validSegments.map((segments) => `/${[...segments, 'x'].join('/')}`),
  // Too long: a last segment over ustar's 100-byte name, or more than its 155 + 1 + 100 bytes in all.
  validSegments.map((segments) => [...segments, 'n'.repeat(101)].join('/')),
  fc
    .integer({ min: 257, max: 400 })
    .map((length) => 'p/'.repeat(length).slice(0, length).replace(/\/$/, 'q')),
);

const run = promisify(execFile);

const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-release-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('release pieces', () => {
  it('writes ustar archives that tar reads back byte for byte, long paths included', () => {
    fc.assert(
      fc.property(
        fc.array(validSegment, { minLength: 1, maxLength: 6 }),
        fc.uint8Array({ maxLength: 2000 }),
        (segments, bytes) => {
          const file = ['deep', ...segments, 'file.bin'].join('/');
          const archive = path.join(dir, 'a.tgz');
          writeFileSync(
            archive,
            tarGz([{ path: file, type: 'file', mode: 0o644, data: Buffer.from(bytes) }]),
          );
          const out = mkdtempSync(path.join(dir, 'x-'));
          execFileSync('tar', ['-xzf', archive, '-C', out]);
          expect(readFileSync(path.join(out, file))).toEqual(Buffer.from(bytes));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refuses every entry name that is absolute, has ., .. or empty segments, a NUL, or does not fit ustar', () => {
    fc.assert(
      fc.property(invalidSegments, fc.constantFrom('file' as const, 'directory' as const), (name, type) => {
        expect(() => tarGz([{ path: name, type, mode: 0o644 }])).toThrow(
          `archive entry ${JSON.stringify(name)} is refused: `,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an archive entry that climbs out with ..', () => {
    const entries = [
      { path: 'ok.txt', type: 'file' as const, mode: 0o644, data: Buffer.from('ok') },
      { path: 'deep/../../escaped.js', type: 'file' as const, mode: 0o644, data: Buffer.from('x') },
    ];
    expect(() => tarGz(entries)).toThrow(
      'archive entry "deep/../../escaped.js" is refused: it has a ".." segment, which climbs out of the archive',
    );
    expect(() => tarGz([{ path: '/etc/cron.d/x', type: 'file', mode: 0o644 }])).toThrow(
      /is refused: it is absolute/,
    );
  });

  it('lists digests as sha256sum -c expects them', () => {
    const data = Buffer.from('rampart');
    writeFileSync(path.join(dir, 'r.tgz'), data);
    writeFileSync(path.join(dir, 'SUMS'), checksums([{ name: 'r.tgz', data }]));
    expect(execFileSync('sha256sum', ['-c', 'SUMS'], { cwd: dir, encoding: 'utf8' })).toBe('r.tgz: OK\n');
    expect(sha256(data)).toHaveLength(64);
  });

  it('takes only an ed25519 key, and says what is wrong with any other', () => {
    expect(() => loadSigningKey(undefined, {})).toThrow(
      /no signing key: pass --signing-key <file> or set RAMPART_RELEASE_SIGNING_KEY/,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => loadSigningKey(undefined, { RAMPART_RELEASE_SIGNING_KEY: String(rsa) })).toThrow(
      /is rsa, not ed25519/,
    );
    expect(() => loadSigningKey(undefined, { RAMPART_RELEASE_SIGNING_KEY: 'not a key' })).toThrow(
      /not a PEM private key/,
    );
  });

  it('rampart release signs SHA256SUMS with the key from the environment, and prints the key to pin', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const out = path.join(dir, 'out');
    const result = spawnSync(
      process.execPath,
      [CLI, 'release', '--out', out, '--release-version', '9.8.7', '--no-krakend-docs'],
      { env: { PATH: process.env.PATH ?? '', RAMPART_RELEASE_SIGNING_KEY: pem }, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    const sums = readFileSync(path.join(out, 'SHA256SUMS'));
    expect(sums.toString()).toMatch(/^[0-9a-f]{64} {2}rampart-9\.8\.7\.tgz\n$/);
    const signature = Buffer.from(readFileSync(path.join(out, 'SHA256SUMS.sig'), 'utf8').trim(), 'base64');
    expect(verify(null, sums, createPublicKey(privateKey), signature)).toBe(true);
    expect(result.stderr).toContain(`verify with public key ${publicKeyOf(privateKey)}`);
    expect(result.stderr).not.toContain('PRIVATE KEY');
    const listing = execFileSync('tar', ['-tzf', path.join(out, 'rampart-9.8.7.tgz')], { encoding: 'utf8' });
    for (const entry of ['rampart.js', 'grep-worker.js', 'sqlite-worker.js', 'libpg-query.wasm', 'VERSION'])
      expect(listing.split('\n')).toContain(entry);
    expect(listing).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(listing).not.toContain('krakend-docs/');
    expect(result.stderr).toContain('no KrakenD docs snapshot in this release (--no-krakend-docs)');
  }, 60_000);
});

describeWithFixtures('krakend', 'rampart release ships a dated KrakenD docs snapshot', () => {
  let site: LocalServer;
  let installed: string;
  let refused: string;

  /** The installed bundle's krakend server, with an empty HOME and every docs address refusing connections. */
  async function search(bundleDir: string, query: string): Promise<TextResult> {
    const home = mkdtempSync(path.join(dir, 'home-'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(bundleDir, 'rampart.js'), 'krakend', home],
      env: {
        PATH: path.dirname(process.execPath),
        HOME: home,
        RAMPART_KRAKEND_DOCS_URL: `${refused}/llms-full.txt`,
        RAMPART_KRAKEND_SCHEMA_BASE_URL: `${refused}/schema/`,
      },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'release-test', version: '1' });
    await client.connect(transport);
    try {
      return textOf(await client.callTool({ name: 'search_documentation', arguments: { query } }));
    } finally {
      await client.close();
    }
  }

  beforeAll(async () => {
    site = await serveDirectory(fixture('krakend', 'docs'), '/docs/', {
      '/llms-full.txt': { status: 200, body: llmsFullText(), headers: { 'content-type': 'text/plain' } },
    });
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    refused = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const { privateKey } = generateKeyPairSync('ed25519');
    const out = path.join(dir, 'docs-out');
    // Asynchronously: the loopback site answers from this process while the release fetches from it.
    await run(
      process.execPath,
      [
        CLI,
        'release',
        '--out',
        out,
        '--release-version',
        '9.8.8',
        '--krakend-docs-url',
        `${site.origin}/llms-full.txt`,
        '--krakend-docs-license',
        `${site.origin}/docs/LICENSE`,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          RAMPART_RELEASE_SIGNING_KEY: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
        },
      },
    );
    installed = path.join(dir, 'installed');
    mkdirSync(installed);
    execFileSync('tar', ['-xzf', path.join(out, 'rampart-9.8.8.tgz'), '-C', installed]);
  }, 120_000);

  afterAll(async () => site?.close());

  it('carries the index with its date, source, SHA-256 manifest, and the Apache-2.0 LICENSE and NOTICE', () => {
    const docs = path.join(installed, 'krakend-docs');
    const meta = JSON.parse(readFileSync(path.join(docs, 'snapshot.json'), 'utf8'));
    expect(meta).toMatchObject({
      kind: 'rampart-krakend-docs-snapshot',
      source: `${site.origin}/llms-full.txt`,
      license: 'Apache-2.0',
    });
    expect(Date.now() - Date.parse(meta.created)).toBeLessThan(10 * 60_000);
    for (const name of ['index.json', 'LICENSE', 'NOTICE'])
      expect(meta.files[name].sha256).toBe(sha256(readFileSync(path.join(docs, name))));
    expect(readFileSync(path.join(docs, 'LICENSE'))).toEqual(
      readFileSync(fixture('krakend', 'docs', 'LICENSE')),
    );
    const notice = readFileSync(path.join(docs, 'NOTICE'), 'utf8');
    expect(notice).toMatch(/KrakenD documentation/);
    expect(notice).toMatch(/Apache License, Version 2\.0/);
    expect(notice).toContain(`Retrieved from ${site.origin}/llms-full.txt on ${meta.created}`);
  });

  it('answers search_documentation from the snapshot on a first run with an empty HOME and no network', async () => {
    const result = await search(installed, 'bot detection');
    expect(result.isError, result.text).toBe(false);
    const found = result.structured as { results: { title: string; heading: string }[]; source: string };
    expect(found.source).toBe(`${site.origin}/llms-full.txt`);
    expect(found.results).toContainEqual(
      expect.objectContaining({ title: 'Traffic Management Overview', heading: 'Bot Detection' }),
    );
  }, 30_000);

  it('refuses a tampered snapshot (hash mismatch), says so, and does not search it', async () => {
    const tampered = path.join(dir, 'tampered');
    cpSync(installed, tampered, { recursive: true });
    const index = path.join(tampered, 'krakend-docs', 'index.json');
    writeFileSync(index, readFileSync(index, 'utf8').replace('Bot', 'Pwn'));
    const result = await search(tampered, 'bot detection');
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({ results: [] });
    expect(result.text).toMatch(
      /shipped docs snapshot in \S+krakend-docs was refused: index\.json's SHA-256 is [0-9a-f]{64}, not the [0-9a-f]{64} snapshot\.json records/,
    );
  }, 30_000);
});
