import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarGz } from '../../src/core/tar.js';
import { readTarGz } from '../../src/core/tar-read.js';
import { exportCache, importCache } from '../../src/servers/krakend/sync/bundle.js';

let base: string;
let source: string;
let bundle: string;

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** One raw ustar entry, written by hand so that it can say what the project's own writer refuses to. */
function rawEntry(name: string, data: Buffer, type = '0', linkName = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000600\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  header.write('00000000000\0', 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write(type, 156, 1, 'ascii');
  header.write(linkName, 157, 100, 'utf8');
  header.write('ustar\u000000', 257, 8, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, pad]);
}

function rawBundle(files: Record<string, Buffer>, extra: Buffer[] = []): Buffer {
  const manifest = {
    kind: 'rampart-krakend-cache',
    format: 1,
    created: new Date().toISOString(),
    files: Object.fromEntries(
      Object.entries(files).map(([p, d]) => [p, { sha256: sha(d), bytes: d.length }]),
    ),
  };
  const parts = [rawEntry('manifest.json', Buffer.from(JSON.stringify(manifest)))];
  for (const [name, data] of Object.entries(files)) parts.push(rawEntry(name, data));
  return gzipSync(Buffer.concat([...parts, ...extra, Buffer.alloc(1024)]));
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = sha(readFileSync(full));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** A cache that was already there: every refused import must leave it exactly so. */
function existingCache(): string {
  const dir = mkdtempSync(path.join(base, 'cache-'));
  mkdirSync(path.join(dir, 'schema', 'v2.13'), { recursive: true });
  writeFileSync(path.join(dir, 'schema', 'v2.13', 'krakend.json'), '{"title":"the one already cached"}');
  mkdirSync(path.join(dir, 'docs'));
  writeFileSync(path.join(dir, 'docs', 'index.json'), '{"format":0}');
  return dir;
}

async function refusedLeavingCache(archive: Buffer, why: RegExp): Promise<void> {
  const cache = existingCache();
  const before = tree(cache);
  const file = path.join(base, `bundle-${Math.random().toString(16).slice(2)}.tgz`);
  writeFileSync(file, archive);
  await expect(importCache(cache, file)).rejects.toThrow(why);
  expect(tree(cache)).toEqual(before);
  expect(readdirSync(cache).sort()).toEqual(['docs', 'schema']);
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-sync-bundle-')));
  source = path.join(base, 'source');
  mkdirSync(path.join(source, 'schema', 'v2.2'), { recursive: true });
  writeFileSync(path.join(source, 'schema', 'krakend.json'), '{"$ref":"v2.2/krakend.json"}');
  writeFileSync(path.join(source, 'schema', 'v2.2', 'krakend.json'), '{"type":"object"}');
  mkdirSync(path.join(source, 'docs'));
  writeFileSync(path.join(source, 'docs', 'index.json'), '{"format":1}');
  bundle = path.join(base, 'good.tgz');
  await exportCache(source, bundle);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('krakend cache bundles (rampart krakend sync --import)', () => {
  it('installs a good bundle in place of the cache', async () => {
    const cache = existingCache();
    await importCache(cache, bundle);
    expect(tree(cache)).toEqual(tree(source));
  });

  it('refuses a sync bundle whose entry climbs out with ..', async () => {
    const evil = Buffer.from('{"pwned":true}');
    await refusedLeavingCache(rawBundle({ 'schema/../../escape.json': evil }), /climbs out/);
    expect(existsSync(path.join(base, 'escape.json'))).toBe(false);
  });

  it('refuses a sync bundle with an absolute entry name', async () => {
    await refusedLeavingCache(rawBundle({ '/tmp/rampart-absolute.json': Buffer.from('{}') }), /is absolute/);
  });

  it('refuses a sync bundle that carries a symbolic link', async () => {
    const link = rawEntry('schema/v2.2/krakend.json', Buffer.alloc(0), '2', '/etc/passwd');
    await refusedLeavingCache(rawBundle({}, [link]), /not a regular file or directory/);
  });

  it('refuses a tampered sync bundle and leaves the cache as it was', async () => {
    const entries = readTarGz(readFileSync(bundle), { maxUnpackedBytes: 1 << 20, maxEntries: 100 });
    const tampered = tarGz(
      entries.map((e) =>
        e.path === 'schema/v2.2/krakend.json'
          ? { path: e.path, type: 'file' as const, mode: 0o600, data: Buffer.from('{"type":"string"}') }
          : { path: e.path, type: e.type, mode: 0o600, ...(e.type === 'file' ? { data: e.data } : {}) },
      ),
    );
    await refusedLeavingCache(tampered, /schema\/v2\.2\/krakend\.json does not match its SHA-256/);
  });

  it('refuses a sync bundle with a file its manifest does not list', async () => {
    const entries = readTarGz(readFileSync(bundle), { maxUnpackedBytes: 1 << 20, maxEntries: 100 });
    const smuggled = tarGz([
      ...entries.map((e) => ({
        path: e.path,
        type: e.type,
        mode: 0o600,
        ...(e.type === 'file' ? { data: e.data } : {}),
      })),
      { path: 'schema/v2.2/extra.json', type: 'file', mode: 0o600, data: Buffer.from('{}') },
    ]);
    await refusedLeavingCache(smuggled, /extra\.json is not in its manifest/);
  });

  it('refuses a sync bundle that names a file the cache never holds', async () => {
    await refusedLeavingCache(
      rawBundle({ 'docs/run.sh': Buffer.from('#!/bin/sh') }),
      /not a file the cache holds/,
    );
  });

  it('refuses a truncated sync bundle and leaves the cache as it was', async () => {
    const whole = readFileSync(bundle);
    await refusedLeavingCache(whole.subarray(0, whole.length - 40), /truncated|damaged|cut short/);
  });
});
