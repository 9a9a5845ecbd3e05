import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../../src/registry-server/index.js';

const DEPTH = 100_000;
const SCHEMA = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'int' }] });

let base: string;
let registry: RunningRegistry;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-deep-')));
  registry = await startRegistryServer(
    registryServerConfigSchema.parse({ port: 0, sqlitePath: path.join(base, 'r.db'), maxBodyBytes: 1 << 20 }),
  );
});

afterAll(async () => {
  await registry?.close();
  rmSync(base, { recursive: true, force: true });
});

const post = (route: string, body: string) =>
  fetch(`${registry.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body,
  });

describe('registry REST: request bodies nested deeper than the stack', () => {
  it('refuses a body nested 100,000 deep with a clear error, and stores nothing', async () => {
    const body = `{"schema":${JSON.stringify(SCHEMA)},"extra":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
    const response = await post('/subjects/deep-value/versions', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error_code: 400,
      message: 'Request body: objects and arrays nested more than 256 levels deep; the limit is 256',
    });
    expect(await (await fetch(`${registry.url}/subjects`)).json()).toEqual([]);
  });

  it('still takes a body nested within the limit', async () => {
    const response = await post('/subjects/shallow-value/versions', JSON.stringify({ schema: SCHEMA }));
    expect(response.status).toBe(200);
  });
});
