import { serverProjectFiles } from '../common.js';
import { camelCase, serverKey } from '../names.js';
import { exampleArguments } from '../openapi/examples.js';
import type { JsonSchema } from '../openapi/json.js';
import { envPart } from '../openapi/names.js';
import { primitiveType } from '../openapi/parameters.js';
import { type ApiModel, type ApiOperation, readApi } from '../openapi/read.js';
import type { ApiSpec, GenerateOptions } from '../spec.js';
import { API_HELPER, API_INDEX, ATTACKS_TEST, SERVER_TEST } from './api-fixed.js';
import { apiReadme } from './api-readme.js';
import { toolFile } from './api-tool-file.js';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `gen-api` → `GEN_API`: the prefix of the variables the server reads. */
export function defaultEnvPrefix(name: string): string {
  const part = envPart(serverKey(name)) || 'API';
  return /^[A-Z]/.test(part) ? part.slice(0, 32).replace(/_+$/, '') : `API_${part}`.slice(0, 32);
}

/** The arguments each operation's tool takes, as data: what the model reads, and the schema to validate with. */
function argumentsOf(op: ApiOperation): Record<string, { description: string; schema: JsonSchema }> {
  const out: Record<string, { description: string; schema: JsonSchema }> = {};
  for (const p of op.parameters) {
    const { description: _, ...schema } = p.schema;
    out[p.arg] = { description: p.description, schema };
  }
  if (op.body) {
    const { description, ...schema } = op.body.schema;
    out.body = {
      description:
        typeof description === 'string' && description.trim() !== '' ? description : 'Request body (JSON)',
      schema,
    };
  }
  return out;
}

function settings(spec: ApiSpec, model: ApiModel, prefix: string) {
  const title = model.title.trim() || 'the API';
  return {
    name: serverKey(spec.name),
    description: spec.description,
    title: model.title,
    instructions: [
      spec.description,
      `Tools for ${title}, one per API operation. Arguments are checked against the API's spec before any request.`,
    ]
      .filter(Boolean)
      .join('\n\n'),
    baseUrl: model.baseUrl,
    allowHosts: model.allowHosts,
    env: {
      baseUrl: `${prefix}_BASE_URL`,
      allowHosts: `${prefix}_ALLOW_HOSTS`,
      allowPrivate: `${prefix}_ALLOW_PRIVATE`,
    },
    schemes: model.schemes,
    operations: Object.fromEntries(
      model.operations.map((op) => [
        op.tool,
        {
          method: op.method,
          path: op.path,
          title: op.title,
          description: op.description,
          parameters: op.parameters.map((p) => ({ name: p.name, in: p.in, arg: p.arg })),
          body: op.body !== undefined,
          security: op.security,
          arguments: argumentsOf(op),
        },
      ]),
    ),
  };
}

/** A string any value may be put in for an attack: no enum, pattern or length that would refuse it first. */
function plainString(schema: JsonSchema): boolean {
  const max = schema.maxLength;
  const min = schema.minLength;
  return (
    primitiveType(schema) === 'string' &&
    schema.enum === undefined &&
    schema.pattern === undefined &&
    schema.const === undefined &&
    (typeof max !== 'number' || max >= 16) &&
    (typeof min !== 'number' || min <= 1)
  );
}

/** Which operations the generated attack tests go through (test/examples.json). */
function testPlan(model: ApiModel) {
  const examples = new Map(model.operations.map((op) => [op.tool, exampleArguments(op)] as const));
  const callable = model.operations.filter((op) => 'args' in (examples.get(op.tool) ?? {}));
  const probe = callable.find((op) => op.method === 'GET') ?? callable[0];
  const headers = callable.flatMap((op) =>
    op.parameters
      .filter((p) => p.in === 'header')
      .map((p) => ({ tool: op.tool, arg: p.arg, plain: plainString(p.schema) })),
  );
  const path = callable
    .flatMap((op) =>
      op.parameters
        .filter((p) => p.in === 'path' && plainString(p.schema))
        .map((p) => ({ tool: op.tool, arg: p.arg })),
    )
    .at(0);
  const secured = callable.find((op) => (op.security[0]?.length ?? 0) > 0);
  return {
    probe: probe?.tool ?? null,
    header: headers.find((h) => h.plain) ?? headers[0] ?? null,
    path: path ?? null,
    secured: secured?.tool ?? null,
    operations: Object.fromEntries(examples),
  };
}

function serverFile(model: ApiModel): string {
  const imports = model.operations
    .map((op) => `import { ${camelCase(op.tool)}Tool } from './tools/${op.tool}.js';`)
    .sort((a, b) => (a < b ? -1 : 1));
  return `import {
  type ApiClientOptions,
  defineServer,
  openApiClient,
  type ServerDefinition,
  type ToolDefinition,
} from 'rampart-mcp/toolkit';
import api from './api.json' with { type: 'json' };
${imports.join('\n')}

/**
 * The server: one tool per API operation, every call made through one guarded client (the allowed hosts only,
 * every address checked, redirects re-checked, sizes capped, credentials from the environment).
 */
export function createServer(options: ApiClientOptions = {}): ServerDefinition {
  const client = openApiClient(api, options);
  const tools: ToolDefinition[] = [];
${model.operations.map((op) => `  tools.push(${camelCase(op.tool)}Tool(client));`).join('\n')}
  return defineServer({
    name: api.name,
    version: '0.1.0',
    instructions: api.instructions,
    tools,
    dispose: () => client.close(),
  });
}
`;
}

/** A server with one tool per operation of an OpenAPI document, and tests that call each against a local API. */
export function apiProject(
  spec: ApiSpec,
  options: GenerateOptions,
): { files: Map<string, string>; notes: string[] } {
  const prefix = spec.envPrefix ?? defaultEnvPrefix(spec.name);
  const model = readApi(spec.openapi, spec.source, prefix);
  const data = settings(spec, model, prefix);
  const credentialEnv = Object.fromEntries(
    Object.values(model.schemes)
      .flatMap((s) => (s.type === 'basic' ? [s.usernameEnv, s.passwordEnv] : [s.env]))
      .map((name) => [name, `\${${name}}`]),
  );
  const plan = testPlan(model);
  const files = new Map<string, string>([
    ...serverProjectFiles(spec, options, [], credentialEnv),
    ['src/api.json', json(data)],
    ['src/index.ts', API_INDEX],
    ['src/server.ts', serverFile(model)],
    ['test/local-api.ts', API_HELPER],
    ['test/examples.json', json(plan)],
    ['test/server.test.ts', SERVER_TEST],
    ['test/attacks.test.ts', ATTACKS_TEST],
  ]);
  for (const op of model.operations) files.set(`src/tools/${op.tool}.ts`, toolFile(op));
  files.set('README.md', apiReadme(spec, model, data.env, spec.source, plan));
  return { files, notes: [...model.notes] };
}
