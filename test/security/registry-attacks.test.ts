import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryApp } from '../../src/registry-server/api/app.js';
import {
  checkRegistryConfig,
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../../src/registry-server/index.js';
import { Registry } from '../../src/registry-server/registry.js';
import type { RegistryStore } from '../../src/registry-server/store/types.js';

const WRITER = { name: 'writer', secret: 'writer-secret-0123456789' };
const READER = { name: 'reader', secret: 'reader-secret-0123456789', readOnly: true };
const TOKEN = { secret: 'bearer-token-0123456789abcdef' };
const SCHEMA = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'int' }] });

let base: string;
let basic: RunningRegistry;
let bearer: RunningRegistry;

const basicHeader = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

async function request(
  registry: RunningRegistry,
  method: string,
  route: string,
  authorization?: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const response = await fetch(`${registry.url}${route}`, {
    method,
    headers: {
      'content-type': 'application/vnd.schemaregistry.v1+json',
      ...(authorization ? { authorization } : {}),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    challenge: response.headers.get('www-authenticate'),
  };
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-attacks-')));
  basic = await startRegistryServer(
    registryServerConfigSchema.parse({
      port: 0,
      sqlitePath: path.join(base, 'basic.db'),
      auth: 'basic',
      credentials: [WRITER, READER],
      maxBodyBytes: 64 * 1024,
    }),
  );
  bearer = await startRegistryServer(
    registryServerConfigSchema.parse({
      port: 0,
      sqlitePath: path.join(base, 'bearer.db'),
      auth: 'bearer',
      credentials: [TOKEN],
    }),
  );
});

afterAll(async () => {
  await basic?.close();
  await bearer?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('registry-server attacks', () => {
  it('refuses a request without credentials, or with wrong ones, when auth is on', async () => {
    for (const authorization of [
      undefined,
      basicHeader(WRITER.name, 'wrong-password-0123456789'),
      basicHeader('nobody', WRITER.secret),
      `Bearer ${WRITER.secret}`,
      'Basic !!!not-base64',
    ]) {
      const answer = await request(basic, 'GET', '/subjects', authorization);
      expect(answer).toMatchObject({ status: 401, body: { error_code: 401 } });
      expect(answer.challenge).toMatch(/^Basic realm=/);
    }
    expect((await request(bearer, 'GET', '/subjects', `Bearer ${TOKEN.secret}x`)).status).toBe(401);
    expect((await request(bearer, 'GET', '/subjects', basicHeader('x', TOKEN.secret))).status).toBe(401);
    expect((await request(bearer, 'GET', '/subjects', `Bearer ${TOKEN.secret}`)).status).toBe(200);
  });

  it('lets a read-only key read, look up and test, but never register, delete or reconfigure', async () => {
    const writer = basicHeader(WRITER.name, WRITER.secret);
    const reader = basicHeader(READER.name, READER.secret);
    expect(
      (await request(basic, 'POST', '/subjects/t-value/versions', writer, { schema: SCHEMA })).status,
    ).toBe(200);
    expect((await request(basic, 'GET', '/subjects/t-value/versions', reader)).status).toBe(200);
    expect((await request(basic, 'POST', '/subjects/t-value', reader, { schema: SCHEMA })).status).toBe(200);
    expect(
      (
        await request(basic, 'POST', '/compatibility/subjects/t-value/versions/latest', reader, {
          schema: SCHEMA,
        })
      ).status,
    ).toBe(200);
    for (const [method, route, body] of [
      ['POST', '/subjects/t-value/versions', { schema: SCHEMA }],
      ['DELETE', '/subjects/t-value', undefined],
      ['DELETE', '/subjects/t-value/versions/1', undefined],
      ['PUT', '/config', { compatibility: 'NONE' }],
      ['PUT', '/mode/t-value', { mode: 'IMPORT' }],
    ] as const) {
      expect(await request(basic, method, route, reader, body)).toMatchObject({
        status: 403,
        body: { error_code: 403 },
      });
    }
    expect((await request(basic, 'GET', '/subjects/t-value/versions', reader)).body).toEqual([1]);
  });

  it('refuses to start without auth on an address other than loopback, or with auth but no credentials', () => {
    expect(() => checkRegistryConfig(registryServerConfigSchema.parse({ host: '0.0.0.0' }))).toThrow(
      /not a loopback address: set auth to basic or bearer/,
    );
    expect(() =>
      checkRegistryConfig(registryServerConfigSchema.parse({ host: '0.0.0.0', auth: 'bearer' })),
    ).toThrow(/credentials has no secret without a name/);
    expect(() =>
      registryServerConfigSchema.parse({ auth: 'basic', credentials: [{ name: 'a', secret: 'short' }] }),
    ).toThrow(/at least 16 characters/);
  });

  it('refuses an oversized request body without storing anything', async () => {
    const writer = basicHeader(WRITER.name, WRITER.secret);
    const huge = JSON.stringify({ type: 'record', name: 'Big', doc: 'x'.repeat(100 * 1024), fields: [] });
    const answer = await request(basic, 'POST', '/subjects/big-value/versions', writer, { schema: huge });
    expect(answer).toMatchObject({ status: 413, body: { error_code: 42209 } });
    expect(String(answer.body.message)).toContain(String(64 * 1024));
    expect((await request(basic, 'GET', '/subjects', writer)).body).not.toContain('big-value');
  });

  it('refuses a request body that is not a JSON object, naming the problem', async () => {
    const writer = basicHeader(WRITER.name, WRITER.secret);
    const answer = await request(basic, 'POST', '/subjects/x/versions', writer, '{"schema": ');
    expect(answer).toMatchObject({ status: 400, body: { error_code: 400 } });
    expect(String(answer.body.message)).toMatch(/not a JSON object/);
  });

  it('answers a store failure with 50001 and no detail of the store', async () => {
    const failing = new Proxy({} as RegistryStore, {
      get: () => async () => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed at /secret/path/registry.db');
      },
    });
    const app = registryApp(new Registry(failing, { compatibility: 'BACKWARD', mode: 'READWRITE' }), {
      auth: 'none',
      credentials: [],
      maxBodyBytes: 1024,
    });
    const response = await app.fetch(new Request('http://registry/subjects'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error_code: 50001, message: 'Error in the backend data store' });
    expect(text).not.toMatch(/SQLITE|secret/);
  });

  it('cannot overwrite an existing schema id, even in IMPORT mode', async () => {
    const writer = basicHeader(WRITER.name, WRITER.secret);
    expect(
      (await request(basic, 'PUT', '/mode/imported?force=true', writer, { mode: 'IMPORT' })).status,
    ).toBe(200);
    const other = JSON.stringify({ type: 'record', name: 'Other', fields: [] });
    const answer = await request(basic, 'POST', '/subjects/imported/versions', writer, {
      schema: other,
      id: 1,
      version: 1,
    });
    expect(answer).toMatchObject({ status: 422, body: { error_code: 42205 } });
    const fresh = await request(basic, 'POST', '/subjects/imported/versions', writer, {
      schema: other,
      id: 100,
      version: 7,
    });
    expect(fresh).toMatchObject({ status: 200, body: { id: 100 } });
    expect((await request(basic, 'GET', '/subjects/imported/versions', writer)).body).toEqual([7]);
  });
});
