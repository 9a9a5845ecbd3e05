import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlackHole, startBlackHole } from './helpers/black-hole.js';
import { spawnRampart, type TextResult } from './helpers/mcp.js';

/**
 * A new user's first run: HOME is an empty folder, nothing is cached, and the only network is 127.0.0.1, where
 * the schema and docs addresses either refuse the connection or never answer. Every tool must still answer.
 */
const CONFIG = JSON.stringify(
  {
    $schema: 'https://www.krakend.io/schema/v2.13/krakend.json',
    version: 3,
    timeout: '3 seconds',
    extra_config: { 'auth/api-keys': {}, 'qos/circuit-breaker': {} },
    endpoints: [
      { endpoint: '/users/{id}', backend: [{ host: ['http://users'], url_pattern: '/u/{user}' }] },
      { endpoint: '/users/{name}', backend: [{ host: ['http://users'], url_pattern: '/u/{name}' }] },
    ],
  },
  null,
  2,
);

let base: string;
let project: string;
let refused: string;
let blackHole: BlackHole;

function emptyHome(): string {
  return mkdtempSync(path.join(base, 'home-'));
}

async function call(
  tool: string,
  args: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<{ result: TextResult; ms: number }> {
  const session = await spawnRampart(['krakend', project, '--krakend-binary', path.join(base, 'none')], {
    HOME: emptyHome(),
    RAMPART_KRAKEND_SCHEMA_BASE_URL: `${refused}/schema/`,
    RAMPART_KRAKEND_DOCS_URL: `${refused}/llms-full.txt`,
    // A checkout holds no snapshot unless someone made one; this run is the clone that has none.
    RAMPART_KRAKEND_DOCS_SNAPSHOT_DIR: path.join(base, 'no-snapshot'),
    ...env,
  });
  try {
    const started = performance.now();
    const result = await session.call(tool, args);
    return { result, ms: performance.now() - started };
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-offline-')));
  project = path.join(base, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'krakend.json'), CONFIG);
  // A port that was open a moment ago and is closed now: connections to it are refused at once.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refused = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
  await new Promise((resolve) => probe.close(resolve));
  blackHole = await startBlackHole();
});

afterAll(async () => {
  await blackHole?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('krakend on a first run with no network', () => {
  it('validate_config runs every check Rampart owns and says the schema layer could not run', async () => {
    const { result } = await call('validate_config', { config: 'krakend.json' });
    expect(result.isError, result.text).toBe(false);
    const report = result.structured as {
      valid: boolean;
      complete: boolean;
      errors: { code: string; pointer: string; line: number }[];
      warnings: { code: string; pointer: string }[];
      layers: { layer: string; status: string; detail: string }[];
    };
    expect(report.valid).toBe(false);
    expect(report.complete).toBe(false);
    expect(report.errors.map((e) => [e.code, e.pointer])).toEqual([
      ['not_allowed_value', '/timeout'],
      ['unknown_namespace', '/extra_config/qos~1circuit-breaker'],
      ['not_allowed_value', '/endpoints/0/backend/0/url_pattern'],
      ['duplicate', '/endpoints/1/endpoint'],
    ]);
    expect(report.warnings.map((w) => [w.code, w.pointer])).toEqual([
      ['enterprise_only', '/extra_config/auth~1api-keys'],
    ]);
    const layers = Object.fromEntries(report.layers.map((l) => [l.layer, l]));
    expect(layers.schema).toMatchObject({ status: 'unavailable' });
    expect(layers.schema?.detail).toMatch(/^unavailable offline — run `rampart krakend sync`/);
    expect(layers.structure?.status).toBe('ran');
    expect(layers.namespaces?.detail).toMatch(/Rampart's own list for v2\.13/);
    expect(layers.audit?.status).toBe('ran');
    expect(result.text).toMatch(/schema: unavailable offline — run `rampart krakend sync`/);
  });

  it('validate_config never passes silently: a clean config still names the layer that did not run', async () => {
    const clean = JSON.stringify({
      version: 3,
      endpoints: [{ endpoint: '/a', backend: [{ host: ['https://a.example'], url_pattern: '/a' }] }],
    });
    const { result } = await call('validate_config', { config: clean });
    expect(result.structured).toMatchObject({ valid: true, complete: false });
    expect(result.text).toMatch(/^no errors in the checks that ran \(KrakenD v2\.13\); not every layer ran:/);
    expect(result.text).toMatch(/schema: unavailable offline/);
  });

  it("list_features answers from Rampart's own catalogue, with editions", async () => {
    const { result } = await call('list_features', { ee: true, query: 'api-keys' });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({
      version: '2.13',
      catalog_source: 'rampart',
      features: [expect.objectContaining({ namespace: 'auth/api-keys', edition: 'ee' })],
    });
    expect(result.text).toMatch(/Rampart's own list/);
  });

  it('check_edition_compatibility names the Enterprise namespaces without a schema', async () => {
    const { result } = await call('check_edition_compatibility', { config: 'krakend.json' });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({
      edition: 'ee',
      ee_features: ['auth/api-keys'],
      catalog_source: 'rampart',
      schema_version: '2.13',
    });
  });

  it('audit_security needs nothing from the network', async () => {
    const { result } = await call('audit_security', { config: 'krakend.json' });
    expect(result.isError, result.text).toBe(false);
    expect((result.structured as { rules_evaluated: number }).rules_evaluated).toBeGreaterThan(40);
  });

  it('search_documentation says what to do next instead of failing', async () => {
    const { result } = await call('search_documentation', { query: 'rate limit' });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({ results: [] });
    expect(result.text).toMatch(/^no documentation to search: .*rampart krakend sync/);
    expect(result.text).toMatch(
      /no docs snapshot ships with this copy of Rampart .*npm run snapshot:krakend-docs/,
    );
  });

  it('answers within the download timeout when the network never responds, for every tool', async () => {
    const hole = blackHole.url;
    const env = {
      RAMPART_KRAKEND_SCHEMA_BASE_URL: `${hole}/schema/`,
      RAMPART_KRAKEND_DOCS_URL: `${hole}/llms-full.txt`,
      RAMPART_KRAKEND_DOWNLOAD_TIMEOUT_MS: '1500',
    };
    for (const [tool, args] of [
      ['validate_config', { config: 'krakend.json' }],
      ['list_features', {}],
      ['check_edition_compatibility', { config: 'krakend.json' }],
      ['search_documentation', { query: 'cors' }],
    ] as const) {
      const { result, ms } = await call(tool, args, env);
      expect(result.isError, `${tool}: ${result.text}`).toBe(false);
      // Two waits at most (the unversioned root, then the version), each bounded by the timeout.
      expect(ms, tool).toBeLessThan(2 * 1_500 + 2_000);
    }
  });
});
