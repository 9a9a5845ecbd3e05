import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../src/servers/krakend/schema/registry.js';
import { SchemaSource } from '../src/servers/krakend/schema/source.js';
import { validateText } from '../src/servers/krakend/validate.js';
import { writeSyntheticSchemas } from './helpers/krakend-schemas.js';
import { serveDirectory } from './helpers/static-site.js';
import type { LocalServer } from './helpers/web.js';

let base: string;
let schemaDir: string;
let site: LocalServer;

function localRegistry(): SchemaRegistry {
  return new SchemaRegistry(
    new SchemaSource({
      localDir: schemaDir,
      cacheDir: path.join(base, 'unused-cache'),
      baseUrl: 'http://127.0.0.1:9/schema/',
      offline: true,
      timeoutMs: 2000,
      maxBytes: 1 << 24,
    }),
  );
}

function downloadingRegistry(cacheDir: string, offline = false): SchemaRegistry {
  return new SchemaRegistry(
    new SchemaSource({
      cacheDir,
      baseUrl: `${site.origin}/schema/`,
      offline,
      timeoutMs: 2000,
      maxBytes: 1 << 24,
    }),
  );
}

const v21 = (body: string) =>
  `{\n  "$schema": "https://www.krakend.io/schema/v2.1/krakend.json",\n${body}\n}`;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-schema-')));
  schemaDir = writeSyntheticSchemas(path.join(base, 'schema'));
  site = await serveDirectory(schemaDir, '/schema/');
});

afterAll(async () => {
  await site.close();
  rmSync(base, { recursive: true, force: true });
});

describe('schema versions', () => {
  it('validates against the version $schema names, from split files (v2.1, draft-07)', async () => {
    const report = await validateText(
      v21('  "version": 3,\n  "old_flag": true,\n  "endpoints": []'),
      localRegistry(),
    );
    expect(report).toMatchObject({ valid: true, version: '2.1', draft: 'draft-07', schemaOrigin: 'local' });
  });

  it('takes an unversioned or missing $schema as the latest the root document names (v2.2, 2019-09)', async () => {
    const registry = localRegistry();
    for (const text of [
      '{"$schema": "https://krakend.io/schema/krakend.json", "version": 3}',
      '{"version": 3}',
    ]) {
      const report = await validateText(text, registry);
      expect(report).toMatchObject({ valid: true, version: '2.2', draft: '2019-09' });
      expect(report.warnings.map((w) => w.message).join()).toMatch(/latest/);
    }
  });

  it('downloads from a mirror at krakend.io paths once, then serves from the cache', async () => {
    const cache = path.join(base, 'cache-a');
    const first = await validateText(v21('  "version": 3'), downloadingRegistry(cache));
    expect(first).toMatchObject({ valid: true, schemaOrigin: 'download' });
    const requests = site.seen.length;
    const again = await validateText(v21('  "version": 3'), downloadingRegistry(cache, true));
    expect(again).toMatchObject({ valid: true, schemaOrigin: 'cache' });
    expect(site.seen.length).toBe(requests);
    const files = readdirSync(path.join(cache, 'v2.1'));
    expect(files).toContain('endpoint.json');
    expect(statSync(path.join(cache, 'v2.1', 'endpoint.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(cache, 'v2.1')).mode & 0o777).toBe(0o700);
  });

  it('re-reads a week-old cached root so "latest" follows new releases, and keeps it when the mirror is down', async () => {
    const cache = path.join(base, 'cache-root');
    mkdirSync(cache, { recursive: true });
    const root = path.join(cache, 'krakend.json');
    writeFileSync(root, JSON.stringify({ $ref: 'v2.1/krakend.json' }));
    const fresh = new Date();
    utimesSync(root, fresh, fresh);
    expect(await downloadingRegistry(cache).latestVersion()).toBe('2.1');
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(root, old, old);
    expect(await downloadingRegistry(cache).latestVersion()).toBe('2.2');
    writeFileSync(root, JSON.stringify({ $ref: 'v2.1/krakend.json' }));
    utimesSync(root, old, old);
    const down = new SchemaRegistry(
      new SchemaSource({
        cacheDir: cache,
        baseUrl: 'http://127.0.0.1:9/schema/',
        offline: false,
        timeoutMs: 2000,
        maxBytes: 1 << 20,
      }),
    );
    expect(await down.latestVersion()).toBe('2.1');
  });

  it('names what is missing when offline with an empty cache', async () => {
    const registry = downloadingRegistry(path.join(base, 'cache-empty'), true);
    await expect(registry.load('2.1')).rejects.toThrow(
      /v2\.1\/krakend\.json is not cached in .* downloads are off/,
    );
  });
});

describe('pointed errors', () => {
  const config = [
    '{',
    '  "$schema": "https://www.krakend.io/schema/v2.2/krakend.json",',
    '  "version": 3,',
    '  "port": "8080",',
    '  "old_flag": true,',
    '  "endpoints": [',
    '    {',
    '      "endpont": "/users",',
    '      "backend": [{ "url_pattern": "/u", "timeout": "3s", "extra_config": { "qos/ratelimit/router": {} } }],',
    '      "extra_config": {',
    '        "qos/circuit-breaker": { "interval": 60, "timeout": 10, "max_errors": 1 },',
    '        "github.com/devopsfaith/krakend-jose/validator": { "alg": "RS256" },',
    '        "auth/validator": { "alg": "none" }',
    '      }',
    '    }',
    '  ],',
    '  "extra_config": { "auth/api-keys": {}, "telemetry/moesif": {} }',
    '}',
  ].join('\n');

  it('gives each error its pointer, line, column and a hint that explains it', async () => {
    const report = await validateText(config, localRegistry(), { edition: 'ce' });
    const byPointer = Object.fromEntries(report.errors.map((e) => [e.pointer, e]));
    expect(report.valid).toBe(false);
    expect(byPointer['/port']).toMatchObject({
      line: 4,
      column: 11,
      code: 'wrong_type',
      message: 'must be an integer',
    });
    expect(byPointer['/old_flag']).toMatchObject({ line: 5, column: 3, code: 'unknown_key' });
    expect(byPointer['/old_flag']?.hint).toMatch(/in v2\.1 but not in v2\.2/);
    expect(byPointer['/endpoints/0']).toMatchObject({
      line: 7,
      code: 'missing_key',
      message: 'missing required key "endpoint"',
    });
    expect(byPointer['/endpoints/0/endpont']).toMatchObject({
      line: 8,
      column: 7,
      hint: 'did you mean "endpoint"?',
    });
    expect(byPointer['/endpoints/0/backend/0/timeout']?.hint).toMatch(
      /key of the service .* or an endpoint, not of a backend/,
    );
    expect(byPointer['/endpoints/0/backend/0/extra_config/qos~1ratelimit~1router']?.hint).toBe(
      '"qos/ratelimit/router" goes in the extra_config of an endpoint, not of a backend',
    );
    expect(byPointer['/endpoints/0/extra_config/qos~1circuit-breaker']).toMatchObject({
      line: 11,
      column: 9,
    });
    expect(
      byPointer['/endpoints/0/extra_config/github.com~1devopsfaith~1krakend-jose~1validator']?.hint,
    ).toMatch(/KrakenD 1\.x name of "auth\/validator"/);
    expect(byPointer['/endpoints/0/extra_config/auth~1validator/alg']).toMatchObject({
      line: 13,
      code: 'not_allowed_value',
      message: 'must be one of "RS256", "HS256", "ES256"',
    });
  });

  it('makes an Enterprise namespace an error for a CE config and a warning otherwise, from the schema text', async () => {
    const ce = await validateText(config, localRegistry(), { edition: 'ce' });
    const enterprise = ce.errors.filter((e) => e.code === 'enterprise_only').map((e) => e.pointer);
    // "Enterprise only." in the description, and a See: link to an /enterprise/ page, both mark EE.
    expect(enterprise).toEqual(['/extra_config/auth~1api-keys', '/extra_config/telemetry~1moesif']);
    const unspecified = await validateText(config, localRegistry());
    expect(unspecified.errors.some((e) => e.code === 'enterprise_only')).toBe(false);
    expect(unspecified.warnings.filter((w) => w.code === 'enterprise_only')).toHaveLength(2);
    expect(unspecified.requiredEdition).toBe('ee');
  });

  it('reports JSON syntax errors with where they are', async () => {
    const report = await validateText('{\n  "version": 3,\n  "endpoints": [,]\n}', localRegistry());
    expect(report.errors[0]).toMatchObject({ code: 'invalid_json', line: 3, column: 17 });
    const commented = await validateText('{\n  // no comments in JSON\n  "version": 3\n}', localRegistry());
    expect(commented.errors[0]).toMatchObject({ code: 'invalid_json', line: 2, column: 3 });
  });

  it('detects a Flexible Configuration template instead of calling it broken JSON', async () => {
    const template =
      '{\n  "version": 3,\n  "port": {{ .env.port }},\n  "endpoints": [{{ include "endpoints.tmpl" }}]\n}';
    const report = await validateText(template, localRegistry());
    expect(report.errors[0]?.code).toBe('flexible_configuration');
    expect(report.flexibleConfiguration).toMatchObject({
      detected: true,
      settings: ['env'],
      partials: ['endpoints.tmpl'],
    });
  });
});
