import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ApiClient,
  type ApiOperationSettings,
  connectTestClient,
  defineOperationTool,
  defineServer,
  openApiClient,
  type TestClient,
} from '../../src/toolkit/index.js';
import { fakeDns, type LocalServer, startServer } from '../helpers/web.js';

/** The toolkit's API client: credentials per operation, never shown, and the guard in front of every call. */
const SECRETS = { KEY: 'key-0123456789', TOKEN: 'token-0123456789', USER: 'ada', PASS: 'pass-0123456789' };
const SETTINGS = {
  baseUrl: 'https://api.example.com',
  allowHosts: ['api.example.com'],
  schemes: {
    key: { type: 'apiKey', in: 'header', name: 'X-Api-Key', env: 'KEY' },
    query: { type: 'apiKey', in: 'query', name: 'api_key', env: 'KEY' },
    token: { type: 'bearer', env: 'TOKEN' },
    login: { type: 'basic', usernameEnv: 'USER', passwordEnv: 'PASS' },
    unset: { type: 'bearer', env: 'NOT_SET_ANYWHERE' },
  },
};

let api: LocalServer;
beforeAll(async () => {
  api = await startServer('127.0.0.1', (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
});
afterAll(() => api.close());

const open: TestClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function client(env: Record<string, string> = SECRETS): ApiClient {
  return openApiClient(SETTINGS, {
    baseUrl: `http://api.test:${api.port}`,
    allowHosts: ['api.test'],
    allowPrivate: ['127.0.0.1/32'],
    env,
    resolver: fakeDns({ 'api.test': [['127.0.0.1']] }),
  });
}

const operation = (security: string[][]): ApiOperationSettings => ({
  method: 'GET',
  path: '/things',
  title: 'Things',
  description: 'Lists things.',
  parameters: [],
  body: false,
  security,
});

async function call(security: string[][], env?: Record<string, string>) {
  const tool = defineOperationTool(client(env), {
    name: 'things',
    operation: operation(security),
    input: z.object({}),
  });
  const mcp = await connectTestClient(defineServer({ name: 'api', version: '1', tools: [tool] }));
  open.push(mcp);
  const before = api.seen.length;
  const result = await mcp.call('things', {});
  return { result, request: api.seen.slice(before)[0] };
}

describe('toolkit openApiClient', () => {
  it('sends only the credentials the operation names (least privilege)', async () => {
    const key = await call([['key']]);
    expect(key.request?.headers['x-api-key']).toBe(SECRETS.KEY);
    expect(key.request?.headers.authorization).toBeUndefined();
    const token = await call([['token']]);
    expect(token.request?.headers.authorization).toBe(`Bearer ${SECRETS.TOKEN}`);
    expect(token.request?.headers['x-api-key']).toBeUndefined();
    const both = await call([['key', 'query']]);
    expect(both.request?.headers['x-api-key']).toBe(SECRETS.KEY);
    expect(both.request?.url).toBe(`/things?api_key=${SECRETS.KEY}`);
    const login = await call([['login']]);
    expect(login.request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`ada:${SECRETS.PASS}`).toString('base64')}`,
    );
    const none = await call([]);
    expect(JSON.stringify(none.request)).not.toMatch(/0123456789/);
  });

  it('takes the first alternative whose variables are all set', async () => {
    const { request } = await call([['unset'], ['token']]);
    expect(request?.headers.authorization).toBe(`Bearer ${SECRETS.TOKEN}`);
  });

  it('refuses an operation whose credentials are not set, naming the variables, before any request', async () => {
    const { result, request } = await call([['unset'], ['login']], {});
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      'things needs credentials the server was not given: set NOT_SET_ANYWHERE, or USER and PASS',
    );
    expect(request).toBeUndefined();
  });

  it('scrubs every credential from what the API answers, and shows none to the model', async () => {
    const { result } = await call([['key', 'query', 'login']]);
    expect(result.isError).toBe(false);
    for (const secret of [SECRETS.KEY, SECRETS.PASS, Buffer.from(`ada:${SECRETS.PASS}`).toString('base64')])
      expect(result.text).not.toContain(secret);
    expect(result.text).toContain('[redacted]');
  });

  it('refuses an empty host allowlist (the guard would read it as any public host)', () => {
    expect(() => openApiClient(SETTINGS, { allowHosts: [] })).toThrow(/may not be empty/);
  });

  it('refuses a base URL off the allowlist, or with an internal address, when it is made', () => {
    expect(() => openApiClient(SETTINGS, { baseUrl: 'https://other.example.com' })).toThrow(
      /not on the allowlist/,
    );
    expect(() => openApiClient(SETTINGS, { baseUrl: 'http://10.0.0.1', allowHosts: ['10.0.0.1'] })).toThrow(
      /private address/,
    );
    expect(() => openApiClient({ ...SETTINGS, schemes: { x: { type: 'digest', env: 'X' } } })).toThrow(
      /api settings\.schemes\.x/,
    );
  });

  it('refuses operation settings that disagree with the input, or that are not an operation', () => {
    const c = client();
    expect(() =>
      defineOperationTool(c, {
        name: 'x',
        operation: { ...operation([]), parameters: [{ name: 'id', in: 'path', arg: 'id' }] },
        input: z.object({}),
      }),
    ).toThrow('operation x: its input and its parameters disagree on argument "id"');
    expect(() =>
      defineOperationTool(c, {
        name: 'x',
        operation: { ...operation([]), method: 'TRACE' },
        input: z.object({}),
      }),
    ).toThrow(/operation x: method/);
    expect(() =>
      defineOperationTool(c, {
        name: 'x',
        operation: { ...operation([]), parameters: [{ name: 'c', in: 'cookie', arg: 'c' }] },
        input: z.object({ c: z.string() }),
      }),
    ).toThrow(/operation x: parameters\.0\.in/);
  });
});
