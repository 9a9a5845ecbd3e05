import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checksums, loadSigningKey, publicKeyOf, sha256 } from '../src/release/signing.js';
import { tarGz } from '../src/release/tar.js';
import { CLI } from './helpers/mcp.js';

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
    const result = spawnSync(process.execPath, [CLI, 'release', '--out', out, '--release-version', '9.8.7'], {
      env: { PATH: process.env.PATH ?? '', RAMPART_RELEASE_SIGNING_KEY: pem },
      encoding: 'utf8',
    });
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
  }, 60_000);
});
