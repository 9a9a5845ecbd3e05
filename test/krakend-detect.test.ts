import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlackHole, startBlackHole } from './helpers/black-hole.js';
import { writeSyntheticSchemas } from './helpers/krakend-schemas.js';
import { spawnRampart, type TextResult } from './helpers/mcp.js';

/** An Enterprise namespace (auth/api-keys) in a config that names its version. */
const CONFIG = JSON.stringify({
  $schema: 'https://www.krakend.io/schema/v2.2/krakend.json',
  version: 3,
  extra_config: { 'auth/api-keys': {} },
  endpoints: [{ endpoint: '/a', backend: [{ host: ['http://a'], url_pattern: '/a' }] }],
});

/** The same, plus a namespace no list knows: only a schema could say what it is. */
const UNKNOWN = JSON.stringify({
  $schema: 'https://www.krakend.io/schema/v2.2/krakend.json',
  version: 3,
  extra_config: { 'auth/api-keys': {}, 'acme/custom': {} },
  endpoints: [],
});

interface Detected {
  target_version: string;
  edition: string;
  edition_source: string;
  execution_mode: string;
  unchecked: string[];
  commands: unknown[];
}

let base: string;
let project: string;
let blackHole: BlackHole;

/** A fresh HOME with nothing in it: no cached schema, no docs. */
function emptyHome(): string {
  return mkdtempSync(path.join(base, 'home-'));
}

async function detect(
  args: string[],
  env: Record<string, string>,
  config = 'krakend.json',
): Promise<{ result: TextResult; ms: number }> {
  const session = await spawnRampart(
    ['krakend', project, '--krakend-binary', path.join(base, 'none'), ...args],
    env,
  );
  try {
    const started = performance.now();
    const result = await session.call('detect_runtime_environment', { config });
    return { result, ms: performance.now() - started };
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-detect-')));
  project = path.join(base, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'krakend.json'), CONFIG);
  writeFileSync(path.join(project, 'unknown.json'), UNKNOWN);
  blackHole = await startBlackHole();
});

afterAll(async () => {
  await blackHole?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('detect_runtime_environment without the schema', () => {
  it("answers offline with an empty HOME, the edition from Rampart's built-in list", async () => {
    const { result, ms } = await detect(['--offline'], { HOME: emptyHome() });
    expect(result.isError, result.text).toBe(false);
    const detected = result.structured as unknown as Detected;
    expect(detected).toMatchObject({
      target_version: '2.2',
      edition: 'ee',
      edition_source: 'rampart',
      execution_mode: expect.stringMatching(/schema_only|docker/),
      unchecked: [],
    });
    expect(detected.commands).toHaveLength(3);
    expect(result.text).toMatch(/target: KrakenD EE v2\.2/);
    expect(result.text).toMatch(/edition: from Rampart's built-in namespace list/);
    expect(ms).toBeLessThan(3_000);
  });

  it('names, as unchecked, a namespace the built-in list does not know', async () => {
    const { result } = await detect(['--offline'], { HOME: emptyHome() }, 'unknown.json');
    const detected = result.structured as unknown as Detected;
    expect(detected).toMatchObject({ edition: 'ee', edition_source: 'rampart' });
    expect(detected.unchecked).toEqual([
      expect.stringMatching(
        /^edition of acme\/custom: not in Rampart's built-in list for v2\.2, .*it is not in cache .*\(offline\)/,
      ),
    ]);
    expect(result.text).toMatch(/not checked: edition of acme\/custom/);
  });

  it('answers within the download timeout when the schema source never responds', async () => {
    const { result, ms } = await detect(
      ['--schema-base-url', `${blackHole.url}/schema/`],
      { HOME: emptyHome(), RAMPART_KRAKEND_DOWNLOAD_TIMEOUT_MS: '1500' },
      'unknown.json',
    );
    expect(result.isError, result.text).toBe(false);
    const detected = result.structured as unknown as Detected;
    expect(detected).toMatchObject({ target_version: '2.2', edition: 'ee', edition_source: 'rampart' });
    expect(detected.unchecked[0]).toMatch(/could not be downloaded \(no answer within 1500 ms\)/);
    expect(ms).toBeLessThan(1_500 + 2_000);
  });

  it('reports the edition, with nothing unchecked, once the schema is local', async () => {
    const schemaDir = writeSyntheticSchemas(path.join(base, 'schema'));
    const { result } = await detect(['--offline', '--schema-dir', schemaDir], { HOME: emptyHome() });
    expect(result.structured).toMatchObject({
      target_version: '2.2',
      edition: 'ee',
      edition_source: 'schema',
      unchecked: [],
    });
    expect(result.text).toMatch(/target: KrakenD EE v2\.2/);
  });
});
