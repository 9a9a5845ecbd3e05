import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, type Session, spawnRampart } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { type LocalServer, startServer } from './helpers/web.js';

const API_KEY = 'k3y-only-the-api-may-see-7f1c';
const KEY_ENV = 'RAMPART_TEST_PETS_KEY';

/** The spec the tests serve; `origin` is the local API's. */
function petSpec(origin: string) {
  return {
    openapi: '3.0.3',
    info: { title: 'Pets' },
    servers: [{ url: `${origin}/v1` }],
    paths: {
      '/pets': {
        get: {
          operationId: 'listPets',
          summary: 'List pets',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
            { name: 'tag', in: 'query', schema: { type: 'string', enum: ['cat', 'dog'] } },
            { name: 'X-Request-Id', in: 'header', schema: { type: 'string' } },
          ],
        },
        post: {
          operationId: 'createPet',
          summary: 'Add a pet',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } },
          },
        },
      },
      '/pets/{petId}': {
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'integer' } }],
        get: { operationId: 'getPetById', summary: 'One pet' },
        delete: { operationId: 'deletePet', summary: 'Remove a pet' },
      },
      '/files/{name}': {
        get: {
          operationId: 'get-file',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        },
      },
      '/echo': { get: { operationId: 'echoHeaders', description: 'Shows the request headers' } },
      '/untitled': { get: { summary: 'no operationId: not served' } },
    },
    components: {
      schemas: {
        NewPet: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1 }, tag: { type: 'string', nullable: true } },
          additionalProperties: false,
        },
      },
    },
  };
}

const PETS = [
  { id: 1, name: 'Tom', tag: 'cat' },
  { id: 2, name: 'Rex', tag: 'dog' },
  { id: 3, name: 'Kit', tag: 'cat' },
];

let api: LocalServer;
let layout: Layout;
let specFile: string;

beforeAll(async () => {
  process.env[KEY_ENV] = API_KEY;
  layout = makeLayout();
  api = await startServer('127.0.0.1', (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/openapi.json') return json(200, petSpec(api.origin));
    if (req.headers['x-api-key'] !== API_KEY) return json(401, { error: 'missing or wrong key' });
    if (url.pathname === '/v1/pets' && req.method === 'GET') {
      const tag = url.searchParams.get('tag');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return json(200, PETS.filter((p) => !tag || p.tag === tag).slice(0, limit));
    }
    if (url.pathname === '/v1/pets' && req.method === 'POST')
      return json(201, { id: 4, ...JSON.parse(body) });
    const pet = /^\/v1\/pets\/(\d+)$/.exec(url.pathname);
    if (pet && req.method === 'GET') return json(200, PETS.find((p) => p.id === Number(pet[1])) ?? {});
    if (pet && req.method === 'DELETE') return json(200, { deleted: Number(pet[1]) });
    if (url.pathname.startsWith('/v1/files/')) return json(200, { path: url.pathname });
    if (url.pathname === '/v1/echo') return json(200, { headers: req.headers });
    return json(404, { error: 'no such route' });
  });
  specFile = path.join(layout.base, 'pets.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(specFile, JSON.stringify(petSpec(api.origin)));
});

afterAll(async () => {
  await api?.close();
  layout?.cleanup();
});

const apiConfig = (extra: Record<string, unknown> = {}) => ({
  openapi: `${api.origin}/openapi.json`,
  allowPrivate: ['127.0.0.1/32'],
  allowMethods: ['GET', 'HEAD', 'POST', 'DELETE'],
  credentials: [{ host: `127.0.0.1:${api.port}`, apiKey: { header: 'X-API-Key', key: { env: KEY_ENV } } }],
  ...extra,
});

describe('http server: OpenAPI tools', () => {
  let pets: Session;
  beforeAll(async () => {
    pets = await connectHttp(apiConfig());
  });
  afterAll(async () => pets?.close());

  it('turns every operation with an operationId into a tool, loading the spec from the API', async () => {
    const { tools } = await pets.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'create_pet',
      'delete_pet',
      'echo_headers',
      'get_file',
      'get_pet_by_id',
      'list_pets',
    ]);
    const list = tools.find((t) => t.name === 'list_pets');
    expect(Object.keys(list?.inputSchema.properties ?? {})).toEqual(['limit', 'tag', 'X-Request-Id']);
    expect(list?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    expect(tools.find((t) => t.name === 'delete_pet')?.annotations?.destructiveHint).toBe(true);
  });

  it('calls each operation and returns the parsed response', async () => {
    const list = await pets.call('list_pets', { limit: 2, tag: 'cat', 'X-Request-Id': 'r-1' });
    expect(list.isError).toBe(false);
    expect(list.structured).toMatchObject({
      status: 200,
      format: 'json',
      data: [PETS[0], PETS[2]].slice(0, 2),
    });
    expect(api.seen.at(-1)).toMatchObject({ url: '/v1/pets?limit=2&tag=cat' });
    expect(api.seen.at(-1)?.headers['x-request-id']).toBe('r-1');
    const one = await pets.call('get_pet_by_id', { petId: 2 });
    expect(one.structured).toMatchObject({ data: PETS[1] });
    const created = await pets.call('create_pet', { body: { name: 'Ada', tag: null } });
    expect(created.structured).toMatchObject({ status: 201, data: { id: 4, name: 'Ada', tag: null } });
    expect(api.seen.at(-1)?.headers['content-type']).toBe('application/json');
    const deleted = await pets.call('delete_pet', { petId: 3 });
    expect(deleted.structured).toMatchObject({ data: { deleted: 3 } });
  });

  it('keeps a path argument inside its path segment', async () => {
    const result = await pets.call('get_file', { name: '../../admin?x=1#y' });
    expect(result.structured).toMatchObject({ data: { path: '/v1/files/..%2F..%2Fadmin%3Fx%3D1%23y' } });
  });

  it.each([
    ['list_pets', { limit: 0 }, /limit/],
    ['list_pets', { limit: 'ten' }, /limit/],
    ['list_pets', { tag: 'fish' }, /tag/],
    ['list_pets', { limit: 1, admin: true }, /admin/],
    ['get_pet_by_id', { petId: 'abc' }, /petId/],
    ['get_pet_by_id', {}, /petId/],
    ['create_pet', { body: { tag: 'cat' } }, /name/],
    ['create_pet', { body: { name: 'x', owner: 'y' } }, /owner/],
    ['create_pet', {}, /body/],
  ])('refuses invalid arguments to %s (%j) before any request', async (tool, args, names) => {
    const before = api.seen.length;
    const result = await pets.call(tool, args);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/invalid arguments/);
    expect(result.text).toMatch(names);
    expect(api.seen.length).toBe(before);
  });

  it('sends the credential to the API and shows it nowhere: not in tools, results or errors', async () => {
    const listed = JSON.stringify(await pets.client.listTools());
    expect(listed).not.toContain(API_KEY);
    const echoed = await pets.call('echo_headers', {});
    expect(api.seen.at(-1)?.headers['x-api-key']).toBe(API_KEY);
    expect(JSON.stringify(echoed)).not.toContain(API_KEY);
    expect(echoed.text).toContain('[redacted]');
    const unknown = await pets.call('get_pet_by_id', { petId: 99 });
    expect(JSON.stringify(unknown)).not.toContain(API_KEY);
  });

  it('refuses to start on a spec without a server, and names what is wrong', async () => {
    const { writeFileSync } = await import('node:fs');
    const bad = path.join(layout.base, 'no-server.json');
    writeFileSync(bad, JSON.stringify({ ...petSpec(api.origin), servers: [] }));
    await expect(connectHttp({ openapi: bad })).rejects.toThrow(/no "servers" entry/);
    const swagger = path.join(layout.base, 'swagger.json');
    writeFileSync(swagger, JSON.stringify({ swagger: '2.0', paths: {} }));
    await expect(connectHttp({ openapi: swagger })).rejects.toThrow(/3\.0\.x or 3\.1\.x/);
  });

  it('serves only the methods the operator allowed (GET and HEAD by default)', async () => {
    const readOnly = await connectHttp({ ...apiConfig(), allowMethods: undefined });
    try {
      const { tools } = await readOnly.client.listTools();
      expect(tools.map((t) => t.name)).not.toContain('create_pet');
      expect(tools.map((t) => t.name)).not.toContain('delete_pet');
    } finally {
      await readOnly.close();
    }
  });
});

describe('rampart http --openapi over stdio', () => {
  it('serves the spec file, and the key reaches neither the audit log nor the result', async () => {
    const audit = path.join(layout.base, 'audit.jsonl');
    const config = path.join(layout.base, 'rampart.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      config,
      [
        'http:',
        '  credentials:',
        `    - host: "127.0.0.1:${api.port}"`,
        '      apiKey: { header: X-API-Key, key: { env: RAMPART_TEST_PETS_KEY } }',
      ].join('\n'),
    );
    const session = await spawnRampart(
      [
        'http',
        '--openapi',
        specFile,
        '--allow-private',
        '127.0.0.1',
        '--config',
        config,
        '--audit-log',
        audit,
      ],
      { [KEY_ENV]: API_KEY },
    );
    try {
      const result = await session.call('echo_headers', {});
      expect(result.isError).toBe(false);
      expect(JSON.stringify(result)).not.toContain(API_KEY);
      expect(api.seen.at(-1)?.headers['x-api-key']).toBe(API_KEY);
    } finally {
      await session.close();
    }
    expect(readFileSync(audit, 'utf8')).toContain('echo_headers');
    expect(readFileSync(audit, 'utf8')).not.toContain(API_KEY);
  });
});
