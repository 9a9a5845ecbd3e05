import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A small KrakenD-shaped schema tree written by the tests themselves, so the krakend server's own tests run on a
 * fresh clone: v2.1 split over files with relative `$ref`s (draft-07), v2.2 bundled into one file with `$defs`
 * keyed by URL (2019-09), and an unversioned root pointing at v2.2, like krakend.io's layout.
 */
type Json = Record<string, unknown>;

const timeunit = { $ref: 'timeunits.json#/$defs/timeunit' };

function splitFiles(version: string): Record<string, Json> {
  const newer = version !== '2.1';
  return {
    'krakend.json': {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Synthetic KrakenD',
      type: 'object',
      required: ['version'],
      properties: {
        $schema: { type: 'string' },
        version: { const: 3 },
        name: { type: 'string' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        timeout: timeunit,
        debug_endpoint: { type: 'boolean' },
        ...(newer ? {} : { old_flag: { type: 'boolean', description: 'Removed after v2.1' } }),
        endpoints: { type: 'array', items: { $ref: 'endpoint.json' } },
        extra_config: { $ref: 'service_extra_config.json' },
      },
      patternProperties: { '^[@$_#]': {} },
      additionalProperties: false,
    },
    'timeunits.json': { $defs: { timeunit: { type: 'string', pattern: '^[0-9.]+(ns|ms|us|µs|s|m|h)$' } } },
    'endpoint.json': {
      type: 'object',
      required: ['endpoint', 'backend'],
      properties: {
        endpoint: { type: 'string', pattern: '^/' },
        method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        timeout: timeunit,
        output_encoding: { enum: ['json', 'no-op', 'string'] },
        input_headers: { type: 'array', items: { type: 'string' } },
        backend: { type: 'array', minItems: 1, items: { $ref: 'backend.json' } },
        extra_config: { $ref: 'endpoint_extra_config.json' },
      },
      additionalProperties: false,
    },
    'backend.json': {
      type: 'object',
      properties: {
        url_pattern: { type: 'string' },
        host: { type: 'array', items: { type: 'string' } },
        method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        extra_config: { $ref: 'backend_extra_config.json' },
      },
      additionalProperties: false,
    },
    'service_extra_config.json': {
      type: 'object',
      properties: {
        'security/cors': { $ref: 'security/cors.json' },
        'auth/api-keys': {
          title: 'API keys',
          description:
            'Enterprise only. Role-based access with API keys.\n\nSee: https://www.krakend.io/docs/enterprise/authentication/api-keys/',
          type: 'object',
        },
        ...(newer
          ? {
              'telemetry/moesif': {
                title: 'Moesif',
                description:
                  'Usage analytics.\n\nSee: https://www.krakend.io/docs/enterprise/governance/moesif/',
                type: 'object',
              },
            }
          : {}),
      },
      patternProperties: { '^[@$_#]': {} },
      additionalProperties: false,
    },
    'endpoint_extra_config.json': {
      type: 'object',
      properties: {
        'auth/validator': { $ref: 'auth/validator.json' },
        'qos/ratelimit/router': {
          title: 'Router rate limit',
          description:
            'Limits requests to an endpoint.\n\nSee: https://www.krakend.io/docs/endpoints/rate-limit/',
          type: 'object',
          properties: { max_rate: { type: 'number' }, client_max_rate: { type: 'number' } },
          additionalProperties: false,
        },
        ...(newer ? { 'qos/new-thing': { title: 'New thing', type: 'object' } } : {}),
      },
      patternProperties: { '^[@$_#]': {} },
      additionalProperties: false,
    },
    'backend_extra_config.json': {
      type: 'object',
      properties: {
        'qos/circuit-breaker': {
          title: 'Circuit breaker',
          type: 'object',
          required: ['interval', 'timeout', 'max_errors'],
          properties: {
            interval: { type: 'integer' },
            timeout: { type: 'integer' },
            max_errors: { type: 'integer' },
          },
        },
      },
      patternProperties: { '^[@$_#]': {} },
      additionalProperties: false,
    },
    'security/cors.json': {
      title: 'CORS',
      description: 'Cross-origin requests.\n\nSee: https://www.krakend.io/docs/service-settings/cors/',
      type: 'object',
      required: ['allow_origins'],
      properties: {
        allow_origins: { type: 'array', items: { type: 'string' } },
        max_age: { $ref: '../timeunits.json#/$defs/timeunit' },
      },
      additionalProperties: false,
    },
    'auth/validator.json': {
      title: 'JWT validation',
      description: 'Validates tokens.\n\nSee: https://www.krakend.io/docs/authorization/jwt-validation/',
      type: 'object',
      required: ['alg'],
      properties: { alg: { enum: ['RS256', 'HS256', 'ES256'] }, jwk_url: { type: 'string' } },
    },
  };
}

/** One file: every relative ref becomes `#/$defs/<url>`, the way krakend.io bundles v2.7 and later. */
function bundle(version: string, files: Record<string, Json>): Json {
  const base = `https://www.krakend.io/schema/v${version}/`;
  const rewrite = (node: unknown, fileUrl: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, fileUrl));
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
        const [file, fragment = ''] = value.split('#');
        const target = new URL(file as string, fileUrl).href;
        out.$ref = `#/$defs/${target.replace(/~/g, '~0').replace(/\//g, '~1')}${fragment}`;
      } else {
        out[key] = rewrite(value, fileUrl);
      }
    }
    return out;
  };
  const { 'krakend.json': root, ...rest } = files;
  const defs: Json = {};
  for (const [name, doc] of Object.entries(rest)) defs[base + name] = rewrite(doc, base + name);
  return {
    ...(rewrite(root, `${base}krakend.json`) as Json),
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $defs: defs,
  };
}

/** Writes the tree under `dir` (v2.1/…, v2.2/krakend.json, krakend.json) and returns `dir`. */
export function writeSyntheticSchemas(dir: string): string {
  const write = (relative: string, json: unknown) => {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(json, null, 2));
  };
  for (const [name, json] of Object.entries(splitFiles('2.1'))) write(`v2.1/${name}`, json);
  write('v2.2/krakend.json', bundle('2.2', splitFiles('2.2')));
  write('krakend.json', {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $ref: 'v2.2/krakend.json',
  });
  return dir;
}
