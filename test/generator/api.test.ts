import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, generateProject } from '../../src/generator/index.js';
import { REPO } from '../helpers/mcp.js';
import { typecheck } from '../helpers/typecheck.js';

const OPTIONS = { toolkit: '^0.1.0' };
const SPECS = path.join(import.meta.dirname, 'openapi');
const read = (file: string) => readFileSync(path.join(SPECS, file), 'utf8');
const api = (openapi: unknown, extra: Record<string, unknown> = {}) =>
  generateProject(
    {
      kind: 'api',
      name: 'gen-api',
      openapi: typeof openapi === 'string' ? openapi : JSON.stringify(openapi),
      ...extra,
    },
    OPTIONS,
  );
const settingsOf = (files: ReadonlyMap<string, string>) => JSON.parse(files.get('src/api.json') as string);
const toolsOf = (files: ReadonlyMap<string, string>) =>
  [...files.keys()]
    .filter((f) => f.startsWith('src/tools/'))
    .map((f) => f.slice('src/tools/'.length, -3))
    .sort();

/** A minimal valid document with the given paths (and more top-level keys). */
const doc = (paths: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  openapi: '3.0.3',
  info: { title: 'T', version: '1' },
  servers: [{ url: 'https://api.example.com/v1' }],
  paths,
  ...more,
});
const get = (operation: Record<string, unknown>) => ({ get: { responses: {}, ...operation } });

const scratch = mkdtempSync(path.join(tmpdir(), 'rampart-api-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('rampart new api: the three specs in test/generator/openapi', () => {
  const made = {
    library: api(read('library-3.0.json')),
    weather: api(read('weather-3.1.yaml')),
    shop: api(read('shop-auth-3.0.yaml')),
  };

  it('makes one tool per supported operation of a 3.0 JSON document, naming one without operationId', () => {
    expect(toolsOf(made.library.files)).toEqual([
      'add_book',
      'book_exists',
      'get_book',
      'get_stats',
      'list_books',
      'withdraw_book',
    ]);
    const settings = settingsOf(made.library.files);
    expect(settings.baseUrl).toBe('https://library.example.com/v1');
    expect(settings.allowHosts).toEqual(['library.example.com', 'mirror.library.example.org']);
    expect(settings.operations.book_exists).toMatchObject({ method: 'HEAD', path: '/books/{isbn}' });
    expect(settings.operations.withdraw_book.description).toMatch(/^Deprecated\./);
  });

  it('skips a multipart upload, naming the operation and why', () => {
    expect(made.library.notes).toEqual([
      'PUT /books/{isbn}/cover (uploadCover): skipped, its request body is multipart/form-data; only JSON bodies are supported',
    ]);
    expect(made.library.files.get('README.md')).toMatch(
      /## Not generated\n\n- PUT \/books\/\\\{isbn\\\}\/cover/,
    );
  });

  it('reads a 3.1 YAML document: server variables, type arrays, examples arrays, aliases, $ref parameters', () => {
    const settings = settingsOf(made.weather.files);
    expect(settings.baseUrl).toBe('https://alps.weather.example.net/api');
    expect(toolsOf(made.weather.files)).toEqual(['get_forecast', 'list_stations', 'subscribe_alerts']);
    const forecast = made.weather.files.get('src/tools/get_forecast.ts') as string;
    expect(forecast).toContain(
      'station: z.string().max(12).nullable().describe(args.station.description).optional(),',
    );
    expect(forecast).toContain('days: z.number().int().gt(0).lt(15)');
    expect(settings.operations.list_stations.parameters.map((p: { arg: string }) => p.arg)).toEqual([
      'lat',
      'lon',
      'x_trace_id',
      'units',
    ]);
    const plan = JSON.parse(made.weather.files.get('test/examples.json') as string);
    expect(plan.operations.get_forecast.args.town).toBe('zermatt');
  });

  it('leaves out an optional cookie parameter and callbacks, each with a note naming the operation', () => {
    expect(made.weather.notes).toEqual([
      'GET /forecast/{town} (get-forecast): cookie parameter "session": cookies are not supported; the optional parameter is left out',
      'POST /alerts/subscriptions (subscribeAlerts): its callbacks are not generated (the tool makes the call only)',
    ]);
  });

  it('writes a schema it cannot express exactly as zod code as data for the toolkit to build (a nullable enum)', () => {
    const alerts = made.weather.files.get('src/tools/subscribe_alerts.ts') as string;
    expect(alerts).toContain('body: zodFromJsonSchema(args.body.schema)');
    expect(alerts).toContain('defineOperationTool, zodFromJsonSchema }');
  });

  it('carries path, query, header and body parameters, and apiKey and bearer credentials from the environment', () => {
    const settings = settingsOf(made.shop.files);
    expect(settings.schemes).toEqual({
      apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', env: 'GEN_API_API_KEY' },
      bearerAuth: { type: 'bearer', env: 'GEN_API_BEARER_AUTH' },
    });
    const update = settings.operations.update_order;
    expect(update.parameters).toEqual([
      { name: 'storeId', in: 'path', arg: 'storeId' },
      { name: 'orderId', in: 'path', arg: 'orderId' },
      { name: 'notify', in: 'query', arg: 'notify' },
      { name: 'X-Request-Id', in: 'header', arg: 'x_request_id' },
    ]);
    expect(update.body).toBe(true);
    expect(update.security).toEqual([['apiKey', 'bearerAuth']]);
    expect(settings.operations.create_order.security).toEqual([['apiKey'], ['bearerAuth']]);
    expect(settings.operations.health.security).toEqual([]);
    expect(settings.operations.list_orders.parameters[2]).toEqual({
      name: 'page-size',
      in: 'query',
      arg: 'page_size',
    });
    const mcp = JSON.parse(made.shop.files.get('.mcp.json') as string).mcpServers['gen-api'];
    expect(mcp.env).toEqual({
      GEN_API_API_KEY: `\${GEN_API_API_KEY}`,
      GEN_API_BEARER_AUTH: `\${GEN_API_BEARER_AUTH}`,
    });
    expect(made.shop.notes).toEqual([
      'GET /exports (exportOrders): skipped, its security cannot be met: scheme "oauth" (oauth2 authentication) is not supported',
    ]);
  });

  it('never writes a credential value into the project, only the names of the variables that hold it', () => {
    for (const text of made.shop.files.values()) expect(text).not.toMatch(/Bearer [A-Za-z0-9]/);
    expect(made.shop.files.get('README.md')).toMatch(/`GEN_API_BEARER_AUTH`: a bearer token/);
  });

  it('gives every operation of the three specs example arguments, so each one is called by its tests', () => {
    for (const project of Object.values(made)) {
      const plan = JSON.parse(project.files.get('test/examples.json') as string);
      for (const [tool, example] of Object.entries(plan.operations))
        expect(example, tool).toHaveProperty('args');
    }
    const shop = JSON.parse(made.shop.files.get('test/examples.json') as string);
    expect(shop).toMatchObject({
      probe: 'health',
      header: { tool: 'create_order', arg: 'idempotency_key', plain: true },
      path: { tool: 'update_order', arg: 'orderId' },
      secured: 'list_orders',
    });
    expect(shop.operations.create_order.args.body.lines[0].sku).toBe('ABC-123');
  });

  it('generates each in well under a second', () => {
    for (const file of ['library-3.0.json', 'weather-3.1.yaml', 'shop-auth-3.0.yaml']) {
      const started = performance.now();
      api(read(file));
      expect(performance.now() - started, file).toBeLessThan(1000);
    }
  });

  it('makes projects that typecheck and are Biome clean', () => {
    expect(typecheck(new Map(Object.entries(made).map(([name, p]) => [`api-${name}`, p.files])))).toEqual([]);
    for (const [name, project] of Object.entries(made)) {
      const dir = path.join(scratch, name);
      for (const [file, text] of project.files) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      execFileSync(path.join(REPO, 'node_modules/.bin/biome'), ['check', '--vcs-enabled=false', '.'], {
        cwd: dir,
        stdio: 'pipe',
      });
    }
  }, 120_000);
});

describe('rampart new api: names', () => {
  it('makes snake_case tool names from operationIds', () => {
    const { files } = api(
      doc({
        '/a': get({ operationId: 'listPetsByID' }),
        '/b': get({ operationId: 'get-user.profile' }),
        '/c': get({ operationId: '2fa_check' }),
      }),
    );
    expect(toolsOf(files)).toEqual(['get_user_profile', 'list_pets_by_id', 'op_2fa_check']);
  });

  it('derives a name from the method and path when the operationId is missing or not usable, and says so', () => {
    const { files, notes } = api(
      doc({
        '/pets/{petId}': {
          parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'integer' } }],
          get: { responses: {} },
          delete: { operationId: 'x'.repeat(60), responses: {} },
          put: { operationId: '日本語', responses: {} },
        },
      }),
    );
    expect(toolsOf(files)).toEqual(['delete_pets_by_pet_id', 'get_pets_by_pet_id', 'put_pets_by_pet_id']);
    expect(notes).toEqual([
      `PUT /pets/{petId} (日本語): operationId "日本語" has no a-z or 0-9 to make a tool name of; it is the tool "put_pets_by_pet_id"`,
      `DELETE /pets/{petId} (${'x'.repeat(60)}): operationId "${'x'.repeat(60)}" as a tool name is longer than 40 characters; it is the tool "delete_pets_by_pet_id"`,
    ]);
  });

  it('refuses two operations that would be the same tool, naming both', () => {
    expect(() =>
      api(doc({ '/a': get({ operationId: 'listPets' }), '/b': get({ operationId: 'list-pets' }) })),
    ).toThrow(
      'openapi: GET /a (listPets) and GET /b (list-pets) would both be the tool "list_pets"; give them different operationIds',
    );
  });

  it('gives parameters that are not identifiers an argument name, keeping the name on the wire', () => {
    const { files } = api(
      doc({
        '/a': get({
          operationId: 'a',
          parameters: [
            { name: 'page-size', in: 'query', schema: { type: 'integer' } },
            { name: '__proto__', in: 'query', schema: { type: 'string' } },
            { name: 'x"); process.exit(1); ("', in: 'query', schema: { type: 'string' } },
            { name: 'id', in: 'query', schema: { type: 'string' } },
            { name: 'id', in: 'header', schema: { type: 'string' } },
          ],
        }),
      }),
    );
    const args = settingsOf(files).operations.a.parameters.map((p: { arg: string; name: string }) => [
      p.name,
      p.arg,
    ]);
    expect(args).toEqual([
      ['page-size', 'page_size'],
      ['__proto__', 'proto'],
      ['x"); process.exit(1); ("', 'x_process_exit_1'],
      ['id', 'query_id'],
      ['id', 'header_id'],
    ]);
    expect(files.get('src/tools/a.ts')).not.toContain('process.exit');
  });

  it('refuses parameters that would still share an argument, naming the operation', () => {
    const { files, notes } = api(
      doc({
        '/a': get({ operationId: 'ok' }),
        '/b': get({
          operationId: 'clash',
          parameters: [
            { name: 'a-b', in: 'query', schema: { type: 'string' } },
            { name: 'a_b', in: 'query', schema: { type: 'string' } },
            { name: 'query_a_b', in: 'query', schema: { type: 'string' } },
          ],
        }),
      }),
    );
    expect(toolsOf(files)).toEqual(['ok']);
    expect(notes[0]).toMatch(
      /^GET \/b \(clash\): skipped, two parameters would both be the argument "query_a_b"/,
    );
  });
});

describe('rampart new api: what it refuses or leaves out, and says so', () => {
  it.each([
    ['a Swagger 2 document', { swagger: '2.0', paths: {} }, /3\.0\.x or 3\.1\.x/],
    ['a document without servers', { openapi: '3.0.3', paths: {} }, /no "servers" entry/],
    [
      'a relative server URL from a file',
      doc({}, { servers: [{ url: '/v1' }] }),
      /is not an absolute http\(s\) URL/,
    ],
    [
      'a server URL with a password',
      doc({}, { servers: [{ url: 'https://u:p@api.example.com' }] }),
      /user name/,
    ],
    [
      'a server that is not http(s)',
      doc({}, { servers: [{ url: 'ftp://files.example.com' }] }),
      /absolute http\(s\)/,
    ],
    [
      'a document with no usable operation',
      doc({ '/a': { post: { requestBody: { required: true, content: { 'text/plain': {} } } } } }),
      /no operation can be generated \(POST \/a: skipped/,
    ],
    [
      'a remote $ref',
      doc({ '/a': get({ parameters: [{ $ref: 'https://evil.example.com/p.json' }] }) }),
      /only local \$refs/,
    ],
  ])('%s', (_what, document, message) => {
    expect(() => api(document)).toThrow(message);
  });

  it('resolves a relative server URL against the URL the document came from', () => {
    const { files } = api(doc({ '/a': get({}) }, { servers: [{ url: '/v2' }] }), {
      source: 'https://docs.example.com/specs/openapi.json',
    });
    expect(settingsOf(files)).toMatchObject({
      baseUrl: 'https://docs.example.com/v2',
      allowHosts: ['docs.example.com'],
    });
  });

  it('refuses an alias bomb and deep nesting instead of expanding them', () => {
    const bomb = [
      'openapi: 3.0.3',
      'paths: {}',
      "servers: [{ url: 'https://a.example.com' }]",
      'l0: &l0 [x, x, x, x, x, x]',
    ];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `l${i}: &l${i} [${Array(6)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    expect(() => api(bomb.join('\n'))).toThrow(/resource exhaustion/);
    expect(() => api(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toThrow(/nest/);
  });

  it('acts on no YAML tag and keeps __proto__ a plain key', () => {
    const yaml = `openapi: 3.0.3
servers: [{ url: 'https://api.example.com' }]
x-tag: !!js/function "function () { globalThis.pwned = 1 }"
paths:
  /a:
    get:
      operationId: a
      summary: !custom 'still text'
      parameters:
        - { name: __proto__, in: query, schema: { type: string } }
`;
    const { files } = api(yaml);
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(settingsOf(files).operations.a.title).toBe('still text');
  });

  it('skips or leaves out each construct it cannot send as declared, naming the operation', () => {
    const { notes } = api(
      doc({
        '/ok': get({ operationId: 'ok' }),
        '/deep': get({
          operationId: 'deep',
          parameters: [
            { name: 'f', in: 'query', required: true, style: 'deepObject', schema: { type: 'object' } },
          ],
        }),
        '/cookie': get({
          operationId: 'cookie',
          parameters: [{ name: 's', in: 'cookie', required: true, schema: { type: 'string' } }],
        }),
        '/content': get({
          operationId: 'content',
          parameters: [{ name: 'q', in: 'query', required: true, content: { 'application/json': {} } }],
        }),
        '/matrix/{id}': get({
          operationId: 'matrix',
          parameters: [
            { name: 'id', in: 'path', required: true, style: 'matrix', schema: { type: 'string' } },
          ],
        }),
        '/reserved': get({
          operationId: 'reserved',
          parameters: [{ name: 'Authorization', in: 'header', required: true, schema: { type: 'string' } }],
        }),
        '/undeclared/{id}': get({ operationId: 'undeclared' }),
        '/own': get({ operationId: 'own', servers: [{ url: 'https://elsewhere.example.com' }] }),
        '/form': {
          post: {
            operationId: 'form',
            requestBody: { content: { 'application/x-www-form-urlencoded': {} } },
            responses: {},
          },
        },
        '/trace': { trace: { operationId: 'trace', responses: {} } },
      }),
    );
    expect(notes).toEqual([
      'GET /deep (deep): skipped, query parameter "f": only a string, number, integer or boolean is supported here (or, in a query, an array of them)',
      'GET /cookie (cookie): skipped, cookie parameter "s": cookies are not supported',
      'GET /content (content): skipped, query parameter "q": a "content" encoding is not supported',
      'GET /matrix/{id} (matrix): skipped, path parameter "id": style matrix is not supported',
      'GET /reserved (reserved): skipped, header parameter "Authorization": not a header an argument may set',
      'GET /undeclared/{id} (undeclared): skipped, its path parameter "id" is not declared',
      'GET /own (own): skipped, it names its own servers; only the top-level servers are generated',
      'POST /form (form): its request body is application/x-www-form-urlencoded; only JSON bodies are supported; the optional body is left out',
      'TRACE /trace: skipped (TRACE is not generated)',
    ]);
  });

  it('supports apiKey in the query and HTTP basic; skips OAuth-only operations and keeps their public twins', () => {
    const { files, notes } = api(
      doc(
        {
          '/q': get({ operationId: 'q', security: [{ queryKey: [] }] }),
          '/b': get({ operationId: 'b', security: [{ basicAuth: [] }] }),
          '/o': get({ operationId: 'o', security: [{ oauth: [] }] }),
          '/either': get({ operationId: 'either', security: [{ oauth: [] }, {}] }),
          '/cookie': get({ operationId: 'cookie_key', security: [{ cookieKey: [] }] }),
        },
        {
          components: {
            securitySchemes: {
              queryKey: { type: 'apiKey', in: 'query', name: 'api_key' },
              basicAuth: { type: 'http', scheme: 'Basic' },
              oauth: { type: 'oauth2', flows: {} },
              cookieKey: { type: 'apiKey', in: 'cookie', name: 'k' },
            },
          },
        },
      ),
    );
    expect(settingsOf(files).schemes).toEqual({
      queryKey: { type: 'apiKey', in: 'query', name: 'api_key', env: 'GEN_API_QUERY_KEY' },
      basicAuth: {
        type: 'basic',
        usernameEnv: 'GEN_API_BASIC_AUTH_USERNAME',
        passwordEnv: 'GEN_API_BASIC_AUTH_PASSWORD',
      },
    });
    expect(toolsOf(files)).toEqual(['b', 'either', 'q']);
    expect(settingsOf(files).operations.either.security).toEqual([]);
    expect(notes).toEqual([
      'GET /o (o): skipped, its security cannot be met: scheme "oauth" (oauth2 authentication) is not supported',
      'GET /either (either): a security alternative is left out: scheme "oauth" (oauth2 authentication) is not supported',
      'GET /cookie (cookie_key): skipped, its security cannot be met: scheme "cookieKey" (an API key in cookie) is not supported',
    ]);
  });

  it('takes the prefix of the variables from --env-prefix, and refuses one that is not a variable name', () => {
    const document = doc(
      { '/q': get({ operationId: 'q', security: [{ k: [] }] }) },
      {
        components: { securitySchemes: { k: { type: 'http', scheme: 'bearer' } } },
      },
    );
    expect(settingsOf(api(document, { envPrefix: 'SHOP' }).files).schemes.k.env).toBe('SHOP_K');
    expect(() => api(document, { envPrefix: 'shop; rm -rf /' })).toThrow(/envPrefix/);
    expect(
      generate({ kind: 'api', name: '9lives', openapi: JSON.stringify(document) }, OPTIONS).get(
        'src/api.json',
      ),
    ).toContain('"API_9LIVES_BASE_URL"');
  });
});

describe('rampart new api: schemas as zod code', () => {
  const toolFor = (schema: Record<string, unknown>) =>
    api(
      doc({
        '/a': {
          post: {
            operationId: 'a',
            requestBody: { required: true, content: { 'application/json': { schema } } },
            responses: {},
          },
        },
      }),
    ).files.get('src/tools/a.ts') as string;

  it('writes plain objects, arrays, bounds and enums out, reading every string from the data', () => {
    const code = toolFor({
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, pattern: '^[a-z]+$', description: 'x' },
        kind: { type: 'string', enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        price: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.01 },
      },
    });
    expect(code).toContain(`  body: z.strictObject({
    name: z.string().min(1).regex(new RegExp(args.body.schema.properties.name.pattern)).describe(args.body.schema.properties.name.description),
    kind: z.enum(args.body.schema.properties.kind.enum).optional(),
    tags: z.array(z.string()).max(3).optional(),
    price: z.number().gt(0).multipleOf(0.01).optional(),
  }).describe(args.body.description),`);
    expect(code).not.toContain('^[a-z]+$');
  });

  it.each([
    ['a combinator', '{"oneOf": [{"type": "string"}, {"type": "integer"}]}'],
    ['a key that is not an identifier', '{"type": "object", "properties": {"a-b": {"type": "string"}}}'],
    ['a __proto__ key', '{"type": "object", "properties": {"__proto__": {"type": "string"}}}'],
    ['an unusual keyword', '{"type": "array", "items": {"type": "string"}, "uniqueItems": true}'],
    ['a pattern that does not compile', '{"type": "string", "pattern": "("}'],
    ['an enum that is not all strings', '{"type": "integer", "enum": [1, 2]}'],
    ['a bound that is not a number', '{"type": "integer", "minimum": "1"}'],
  ])('leaves a schema with %s to the toolkit, built from the data', (_what, schema) => {
    const body = JSON.parse(`{"type": "object", "properties": {"v": ${schema}}}`);
    expect(toolFor(body)).toContain(
      'body: zodFromJsonSchema(args.body.schema).describe(args.body.description)',
    );
  });
});
