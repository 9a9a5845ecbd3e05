import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaSource } from '../../src/servers/krakend/schema/source.js';
import { writeSyntheticSchemas } from '../helpers/krakend-schemas.js';
import { connectKrakend, type Session } from '../helpers/mcp.js';
import { startServer } from '../helpers/web.js';

let base: string;
let project: string;
let session: Session;

const TOOLS = [
  'validate_config',
  'audit_security',
  'check_edition_compatibility',
  'detect_runtime_environment',
];
const TOO_DEEP = 'objects and arrays nested more than 256 levels deep; the limit is 256';

const nested = (depth: number, close = true) =>
  `{"version": 3, "extra_config": {"x": ${'['.repeat(depth)}${close ? ']'.repeat(depth) : ''}}}`;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-deep-')));
  project = path.join(base, 'project');
  mkdirSync(project);
  session = await connectKrakend({
    roots: [project],
    schemaDir: writeSyntheticSchemas(path.join(base, 'schema')),
    dataDir: path.join(base, 'data'),
    offline: true,
  });
});

afterAll(async () => {
  await session?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('krakend configs nested deeper than the stack (jsonc-parser and ajv recurse)', () => {
  it('refuses a config nested 10,000 and 100,000 deep, valid or broken, inline, with a clear error', async () => {
    for (const depth of [10_000, 100_000]) {
      for (const config of [nested(depth), nested(depth, false)]) {
        for (const tool of TOOLS) {
          const result = await session.call(tool, { config });
          expect(result, `${tool} at ${depth}`).toMatchObject({
            isError: true,
            text: `the inline config: ${TOO_DEEP}`,
          });
        }
      }
    }
  });

  it('refuses a config file nested 10,000 deep, naming it', async () => {
    writeFileSync(path.join(project, 'deep.json'), nested(10_000));
    const result = await session.call('validate_config', { config: 'deep.json' });
    expect(result).toMatchObject({ isError: true, text: `"deep.json": ${TOO_DEEP}` });
  });

  it('is not fooled by closers hidden in comments or strings', async () => {
    const config = `{"x": ${'[/* ]]] */ "]]",'.repeat(10_000)}0${']'.repeat(10_000)}}`;
    expect(await session.call('validate_config', { config })).toMatchObject({
      isError: true,
      text: `the inline config: ${TOO_DEEP}`,
    });
  });

  it('still validates a config nested within the limit', async () => {
    const result = await session.call('validate_config', { config: nested(200) });
    expect(result.text).not.toContain(TOO_DEEP);
    expect(result.text).not.toContain('internal error');
  });

  it('refuses a schema document nested 10,000 deep from the mirror, and caches nothing', async () => {
    const site = await startServer('127.0.0.1', (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(`{"definitions": {"x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`);
    });
    const cacheDir = path.join(base, 'deep-cache');
    try {
      const source = new SchemaSource({
        cacheDir,
        baseUrl: `${site.origin}/schema/`,
        offline: false,
        timeoutMs: 2_000,
        maxBytes: 1 << 20,
      });
      await expect(source.read('v2.13/krakend.json')).rejects.toThrow(TOO_DEEP);
      expect(existsSync(path.join(cacheDir, 'v2.13/krakend.json'))).toBe(false);
    } finally {
      await site.close();
    }
  });
});
