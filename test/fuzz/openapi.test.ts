import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { ConfigError } from '../../src/core/config.js';
import { Refusal } from '../../src/core/errors.js';
import type { GuardedClient } from '../../src/servers/http/client.js';
import { Credentials } from '../../src/servers/http/credentials.js';
import { buildRequest, readOperations } from '../../src/servers/http/openapi/operations.js';
import { parseSpec, serverUrl } from '../../src/servers/http/openapi/spec.js';
import { operationTool } from '../../src/servers/http/openapi/tools.js';
import { fuzzParameters, fuzzTimeoutMs, onlyOwnErrors } from './budget.js';
import { anyText, deeplyNested, mutated } from './inputs.js';

const configError = (error: unknown) => error instanceof ConfigError;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** Never called: building a tool only keeps the client for later. */
const client = {} as GuardedClient;
const credentials = new Credentials([], {});

const NAME = fc.constantFrom(
  'id',
  'q',
  'limit',
  'body',
  'X-Trace',
  'Authorization',
  'Host',
  '',
  'a b',
  '__proto__',
);
const REF = fc.constantFrom(
  '#/components/schemas/Pet',
  '#/components/schemas/Loop',
  '#/components/parameters/Id',
  '#/components/requestBodies/Pet',
  '#/nope',
  '#/components/schemas/a~1b',
  'other.yaml#/Pet',
  '',
);
const SCALAR = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
);

const schema = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
    // First: what is used once the depth is reached.
    SCALAR,
    fc.record({ $ref: REF }),
    fc.record(
      {
        type: fc.constantFrom('string', 'integer', 'number', 'boolean', 'array', 'object', 'null', 'nope'),
        format: fc.constantFrom('int64', 'date-time', 'uuid', 'nope'),
        enum: fc.array(SCALAR, { maxLength: 3 }),
        pattern: fc.constantFrom('^[a-z]+$', '(', '\\', '[z-a]'),
        minimum: SCALAR,
        exclusiveMinimum: fc.oneof(fc.boolean(), fc.integer()),
        maximum: SCALAR,
        exclusiveMaximum: fc.oneof(fc.boolean(), fc.integer()),
        nullable: fc.boolean(),
        required: fc.oneof(fc.array(NAME, { maxLength: 2 }), SCALAR),
        properties: fc.dictionary(NAME, tie('node'), { maxKeys: 3 }),
        additionalProperties: fc.oneof(fc.boolean(), tie('node')),
        items: tie('node'),
        allOf: fc.array(tie('node'), { maxLength: 2 }),
        oneOf: fc.array(tie('node'), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  ),
})).node;

const parameter = fc.oneof(
  fc.record(
    {
      name: NAME,
      in: fc.constantFrom('path', 'query', 'header', 'cookie', 'body', 7),
      required: fc.oneof(fc.boolean(), SCALAR),
      schema,
      description: SCALAR,
    },
    { requiredKeys: ['name', 'in'] },
  ),
  fc.record({ $ref: REF }),
  SCALAR,
);

const operation = fc.oneof(
  fc.record(
    {
      operationId: fc.oneof(
        fc.constantFrom('listPets', 'list-pets', 'getPet', '123', '', 'ünïcode', 'a'.repeat(80)),
        SCALAR,
      ),
      summary: SCALAR,
      parameters: fc.oneof(fc.array(parameter, { maxLength: 4 }), SCALAR),
      requestBody: fc.oneof(
        fc.record({
          required: fc.boolean(),
          content: fc.dictionary(
            fc.constantFrom('application/json', 'application/vnd.x+json', 'text/plain'),
            fc.record({ schema }),
          ),
        }),
        fc.record({ $ref: REF }),
        SCALAR,
      ),
    },
    { requiredKeys: [] },
  ),
  SCALAR,
);

const PATH = fc.constantFrom(
  '/pets',
  '/pets/{id}',
  '/pets/{id}/{other}',
  '/{q}',
  '/a b',
  '',
  'pets',
  '/pets/{}',
  '/{',
);

const spec = fc.record(
  {
    openapi: fc.constantFrom('3.0.3', '3.1.0', '2.0', '3.1', 3),
    info: fc.record({ title: SCALAR }),
    servers: fc.oneof(
      fc.array(
        fc.record(
          {
            url: fc.constantFrom(
              'https://api.example.com/v1',
              'https://{env}.example.com',
              '/relative',
              'ftp://x',
              '',
              'http://[bad',
              '{a}{b}',
            ),
            variables: fc.dictionary(
              fc.constantFrom('env', 'a', 'b'),
              fc.record({ default: fc.constantFrom('prod', 'x/y', '', '@evil') }),
            ),
          },
          { requiredKeys: ['url'] },
        ),
        { maxLength: 2 },
      ),
      SCALAR,
    ),
    paths: fc.oneof(
      fc.dictionary(
        PATH,
        fc.oneof(
          fc.record(
            {
              get: operation,
              post: operation,
              delete: operation,
              patch: operation,
              parameters: fc.oneof(fc.array(parameter, { maxLength: 2 }), SCALAR),
            },
            { requiredKeys: [] },
          ),
          SCALAR,
        ),
        { maxKeys: 4 },
      ),
      SCALAR,
    ),
    components: fc.record({
      schemas: fc.record({ Pet: schema, Loop: fc.constant({ $ref: '#/components/schemas/Loop' }) }),
      parameters: fc.record({ Id: parameter }),
      requestBodies: fc.record({
        Pet: fc.record({ content: fc.record({ 'application/json': fc.record({ schema }) }) }),
      }),
    }),
  },
  { requiredKeys: ['openapi', 'paths', 'servers'] },
);

const specText = fc
  .tuple(spec, fc.boolean())
  .map(([doc, yaml]) => (yaml ? toYaml(doc) : JSON.stringify(doc)));
const yamlBombs = fc.constantFrom(
  'a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]',
  'openapi: 3.0.0\nservers: [{url: "https://x"}]\npaths: &p {a: *p}',
  '!!js/function "function () {}"',
  '%YAML 9.9\n---\na: 1',
  'a: !!binary "@@@"',
);

/** Loads a spec as `rampart http --openapi` does, up to building every tool. */
function load(text: string) {
  const doc = parseSpec(text, 'fuzz.yaml');
  const server = serverUrl(doc, 'file:///specs/fuzz.yaml');
  const { operations } = readOperations(doc, METHODS);
  return {
    server,
    operations,
    tools: operations.map((op) => operationTool(op, server, client, credentials)),
  };
}

describe('the OpenAPI loader on generated and hostile specs', () => {
  it(
    'never throws anything but ConfigError, from the text up to every tool',
    () => {
      fc.assert(
        fc.property(fc.oneof(specText, mutated(specText), anyText, deeplyNested, yamlBombs), (text) => {
          onlyOwnErrors(() => load(text), configError, 'loading an OpenAPI spec');
        }),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'gives each operation one tool with a unique snake_case name, and requests never leave the spec’s server',
    () => {
      fc.assert(
        fc.property(
          specText,
          fc.array(fc.oneof(anyText, fc.constantFrom('..', '.', '/', '%2e%2e', '@evil.com', '?x=1#')), {
            minLength: 1,
            maxLength: 3,
          }),
          (text, values) => {
            const loaded = onlyOwnErrors(() => load(text), configError, 'loading an OpenAPI spec');
            if (!loaded) return;
            const names = loaded.tools.map((tool) => tool.name);
            expect(new Set(names).size).toBe(names.length);
            for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
            for (const op of loaded.operations) {
              const args = Object.fromEntries(
                op.parameters.map((p, i) => [p.arg, values[i % values.length]]),
              );
              const request = onlyOwnErrors(
                () => buildRequest(op, loaded.server, args),
                (error) => error instanceof Refusal,
                'buildRequest',
              );
              if (!request) continue;
              const url = new URL(request.url);
              expect(url.origin).toBe(loaded.server.origin);
              expect(url.pathname.startsWith(loaded.server.pathname.replace(/\/+$/, ''))).toBe(true);
            }
          },
        ),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(),
  );

  describe('regressions found by fuzzing', () => {
    it('refuses specs nested thousands deep in one line, and a second one does not kill the process', () => {
      for (const text of [
        '['.repeat(20_000) + ']'.repeat(20_000),
        `${'- '.repeat(2_000)}x`,
        '{"a":'.repeat(20_000),
      ]) {
        // Before: the yaml parser overflowed the stack, and the next deep document made V8 abort (out of memory).
        expect(() => parseSpec(text, 'deep.yaml')).toThrow(
          /^openapi deep\.yaml: the spec: objects and arrays nested more than 256 levels deep/,
        );
      }
    });

    it('cuts a recursive schema that uses itself three times per level instead of expanding it 3^12 times', () => {
      const pet = { $ref: '#/components/schemas/Pet' };
      const doc = {
        openapi: '3.0.3',
        servers: [{ url: 'https://api.example.com' }],
        paths: {
          '/p': { get: { operationId: 'find', parameters: [{ name: 'q', in: 'query', schema: pet }] } },
        },
        components: { schemas: { Pet: { type: 'object', properties: { a: pet, b: pet, c: pet } } } },
      };
      // The cut is proven by the size of what is built (uncut, 3^12 copies would not fit in memory); time is not
      // asserted here, as it depends on how busy the machine is.
      const { operations } = load(JSON.stringify(doc));
      expect(JSON.stringify(operations).length).toBeLessThan(1_000_000);
    });

    it('refuses a path item, a parameter or a request body that is not an object, naming where', () => {
      const spec = (paths: unknown) =>
        JSON.stringify({ openapi: '3.0.3', servers: [{ url: 'https://api.example.com' }], paths });
      expect(() => load(spec({ '/pets': null }))).toThrow(/^openapi \/pets: a path item is not an object/);
      expect(() => load(spec({ '/pets': { get: { operationId: 'a', parameters: [null] } } }))).toThrow(
        /^openapi GET \/pets: a parameter is not an object/,
      );
      expect(() => load(spec({ '/pets': { post: { operationId: 'a', requestBody: null } } }))).toThrow(
        /^openapi POST \/pets: its requestBody is not an object/,
      );
    });
  });
});
