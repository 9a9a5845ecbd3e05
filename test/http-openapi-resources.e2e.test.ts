import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedText, MAX_DESCRIPTION_CHARS, MAX_SUMMARY_CHARS } from '../src/servers/http/resources.js';
import { connectHttp, type Session } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { type LocalServer, startServer } from './helpers/web.js';

const HUGE = `<script>alert(1)</script>${'x'.repeat(50_000)}`;

/** A spec whose server is a local API that counts every request it gets. */
function spec(origin: string) {
  return {
    openapi: '3.0.3',
    info: { title: 'Shop' },
    servers: [{ url: `${origin}/v1` }],
    security: [{ apiKey: [] }],
    paths: {
      '/orders': {
        get: {
          operationId: 'listOrders',
          summary: 'List orders',
          tags: ['orders', 'read'],
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }],
          responses: {
            '200': {
              description: 'The orders',
              content: {
                'application/json': {
                  schema: { type: 'array', items: { $ref: '#/components/schemas/Order' } },
                },
              },
            },
          },
        },
        post: {
          operationId: 'createOrder',
          summary: 'Place an order',
          tags: ['orders'],
          security: [{ oauth: ['orders:write'] }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
          },
          responses: { '201': { $ref: '#/components/responses/Created' } },
        },
      },
      '/orders/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'getOrder', summary: `Bad\u0007 ${HUGE}`, description: HUGE },
      },
      '/hidden': { delete: { operationId: 'removeAll', summary: 'not an allowed method' } },
    },
    components: {
      schemas: {
        Order: {
          type: 'object',
          required: ['sku'],
          properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        },
      },
      responses: {
        Created: { description: 'Created', content: { 'application/json': { schema: { type: 'object' } } } },
      },
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        oauth: { type: 'oauth2', flows: {} },
      },
    },
  };
}

describe('http server: OpenAPI operations as resources', () => {
  let api: LocalServer;
  let layout: Layout;
  let requests = 0;
  let session: Session;

  const read = async (uri: string) =>
    JSON.parse(((await session.client.readResource({ uri })).contents[0] as { text: string }).text);

  beforeAll(async () => {
    layout = makeLayout();
    api = await startServer('127.0.0.1', (_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const file = path.join(layout.base, 'shop.json');
    writeFileSync(file, JSON.stringify(spec(api.origin)));
    session = await connectHttp({
      openapi: file,
      allowPrivate: ['127.0.0.1/32'],
      allowMethods: ['GET', 'POST'],
    });
  });

  afterAll(async () => {
    await session?.close();
    await api?.close();
    layout?.cleanup();
  });

  it('lists the served operations with id, tool, method, path, summary and tags', async () => {
    const { operations } = await read('openapi://operations');
    expect(operations.map((o: { id: string }) => o.id)).toEqual(['listOrders', 'createOrder', 'getOrder']);
    expect(operations[0]).toEqual({
      id: 'listOrders',
      tool: 'list_orders',
      method: 'GET',
      path: '/orders',
      summary: 'List orders',
      tags: ['orders', 'read'],
    });
  });

  it('reads one operation: parameters, request body, responses and security, without a request to the API', async () => {
    const before = requests;
    const created = await read('openapi://operations/createOrder');
    expect(created.requestBody).toEqual({
      required: true,
      description: '',
      content: {
        'application/json': {
          type: 'object',
          required: ['sku'],
          properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        },
      },
    });
    expect(created.responses).toEqual({
      '201': { description: 'Created', content: { 'application/json': { type: 'object' } } },
    });
    expect(created.security).toEqual([[{ scheme: 'oauth', type: 'oauth2', scopes: ['orders:write'] }]]);
    const listed = await read('openapi://operations/listOrders');
    expect(listed.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        argument: 'limit',
        required: false,
        description: '',
        schema: { type: 'integer', maximum: 100 },
      },
    ]);
    expect(listed.security).toEqual([
      [{ scheme: 'apiKey', type: 'apiKey', in: 'header', name: 'X-API-Key', scopes: [] }],
    ]);
    expect(listed.responses['200'].content['application/json'].items.required).toEqual(['sku']);
    expect(requests).toBe(before);
  });

  it('bounds a huge description and summary and drops control characters; the markup stays text in JSON', async () => {
    const resource = await session.client.readResource({ uri: 'openapi://operations/getOrder' });
    const text = (resource.contents[0] as { text: string }).text;
    expect(text.length).toBeLessThan(10_000);
    const detail = JSON.parse(text);
    expect(detail.summary).toMatch(/^Bad <script>alert\(1\)<\/script>x+… \(cut at 200 characters\)$/);
    expect(detail.description).toMatch(/… \(cut at 2000 characters\)$/);
    expect(detail.summary).not.toContain('\u0007');
  });

  it('refuses an unknown operation id with a clear message, and one the server does not serve', async () => {
    await expect(session.client.readResource({ uri: 'openapi://operations/nope' })).rejects.toThrow(
      /no operation "nope" is served \(see openapi:\/\/operations; 3 operation\(s\)\)/,
    );
    // removeAll is in the spec but its method is not allowed: it is no tool, so no resource either.
    await expect(session.client.readResource({ uri: 'openapi://operations/removeAll' })).rejects.toThrow(
      /no operation "removeAll" is served/,
    );
    await expect(session.client.readResource({ uri: 'openapi://operations/%E0%A4%A' })).rejects.toThrow(
      /not valid percent-encoding/,
    );
  });

  it('completes {id} from the served operations', async () => {
    const { completion } = await session.client.complete({
      ref: { type: 'ref/resource', uri: 'openapi://operations/{id}' },
      argument: { name: 'id', value: 'list' },
    });
    expect(completion.values).toEqual(['listOrders']);
  });
});

describe('http server without OpenAPI', () => {
  it('registers no openapi resources', async () => {
    const fetchOnly = await connectHttp({});
    try {
      const capabilities = fetchOnly.client.getServerCapabilities();
      expect(capabilities?.resources).toBeUndefined();
      await expect(fetchOnly.client.readResource({ uri: 'openapi://operations' })).rejects.toThrow();
    } finally {
      await fetchOnly.close();
    }
  });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: checking that no control character is left.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

describe('boundedText', () => {
  it('never returns more than the bound plus its marker, nor a control character other than \\n and \\t', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (text, max) => {
          const out = boundedText(text, max) as string;
          expect([...out.replace(/… \(cut at \d+ characters\)$/, '')].length).toBeLessThanOrEqual(max);
          expect(CONTROL.test(out)).toBe(false);
          if ([...text].length <= max && !CONTROL.test(text)) expect(out).toBe(text);
        },
      ),
    );
    expect(MAX_SUMMARY_CHARS).toBeLessThan(MAX_DESCRIPTION_CHARS);
  });
});
