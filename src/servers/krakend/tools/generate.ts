import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { buildBackend, buildEndpoint, buildService, proveValid, wrapEndpoint } from '../generate.js';
import { type KrakendContext, READ_ONLY, versionArgument } from './shared.js';

const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const extraConfig = z
  .record(z.string(), z.unknown())
  .optional()
  .describe('More extra_config namespaces to include as they are (validated with the rest)');

const backendInput = z.object({
  url: z.string().optional().describe('The upstream base URL, e.g. http://users:8080 (or give `host`)'),
  host: z.array(z.string()).optional().describe('Upstream base URLs to balance over'),
  url_pattern: z
    .string()
    .optional()
    .describe('Path on the upstream, with {params} from the endpoint; default "/"'),
  method: method.optional().describe("HTTP method towards the upstream; default the endpoint's"),
  encoding: z.enum(['json', 'safejson', 'xml', 'rss', 'string', 'no-op']).optional(),
  allow: z.array(z.string()).optional().describe('Response fields to keep'),
  deny: z.array(z.string()).optional().describe('Response fields to drop'),
  mapping: z.record(z.string(), z.string()).optional().describe('Response fields to rename'),
  group: z.string().optional().describe('Wrap this response under a key (when aggregating)'),
  target: z.string().optional().describe('Use only this field of the response'),
  is_collection: z.boolean().optional().describe('The upstream answers with an array'),
  circuit_breaker: z.boolean().optional().describe('Add a circuit breaker (default true)'),
  cache: z.boolean().optional().describe('Cache responses in memory, bounded in items and bytes'),
  rate_limit: z
    .object({ max_rate: z.number().positive(), capacity: z.number().int().positive().optional() })
    .optional()
    .describe('Most requests per second towards this upstream'),
  extra_config: extraConfig,
});

const endpointInput = z.object({
  path: z.string().startsWith('/').describe('The public path, e.g. /v1/users/{id}'),
  method: method.optional().describe('Default GET'),
  backends: z.array(backendInput).min(1),
  output_encoding: z
    .enum(['json', 'json-collection', 'yaml', 'xml', 'negotiate', 'string', 'no-op'])
    .optional(),
  timeout: z.string().optional().describe('A duration like "3s"; default the service timeout'),
  input_headers: z.array(z.string()).optional().describe('Headers passed to the backends'),
  input_query_strings: z.array(z.string()).optional().describe('Query strings passed to the backends'),
  jwt: z
    .object({
      alg: z.string().describe('e.g. RS256'),
      jwk_url: z.string().describe('Where the signing keys are published'),
      audience: z.array(z.string()).optional(),
      issuer: z.string().optional(),
      roles: z.array(z.string()).optional(),
    })
    .optional()
    .describe('Validate a JWT on every request (auth/validator)'),
  rate_limit: z
    .object({
      max_rate: z.number().positive().optional().describe('Requests per second for everyone together'),
      client_max_rate: z.number().positive().optional().describe('Requests per second per client'),
      strategy: z.enum(['ip', 'header']).optional().describe('How clients are told apart'),
      key: z.string().optional().describe('The header, with strategy "header"'),
    })
    .optional(),
  extra_config: extraConfig,
});

const notesOutput = {
  version: z.string().describe('Schema version the output was validated against'),
  warnings: z.array(z.string()),
  best_practices: z.array(z.string()),
};

export function generateTools(ctx: KrakendContext) {
  const start = async (requested: string | undefined, signal: AbortSignal) => {
    const version = requested ?? (await ctx.registry.latestVersion(signal));
    const { catalog } = await ctx.registry.load(version, signal);
    return { version, notes: { catalog, warnings: [] as string[], bestPractices: [] as string[] } };
  };
  return [
    defineTool({
      name: 'generate_basic_config',
      title: 'Generate a KrakenD config',
      description:
        'Generates a complete KrakenD config (service settings, endpoints, backends) with secure defaults: HTTP ' +
        'security headers, hidden version header, structured logging, circuit breakers, and CORS when origins are ' +
        'given. The result is validated against the schema before it is returned, so it always passes ' +
        'validate_config; invalid extra_config you pass in is refused with the reason.',
      input: z.object({
        name: z.string().optional(),
        port: z.number().int().min(1).max(65535).optional().describe('Default 8080'),
        timeout: z.string().optional().describe('Default "3s"'),
        cache_ttl: z.string().optional(),
        endpoints: z.array(endpointInput).min(1),
        cors_origins: z
          .array(z.string())
          .optional()
          .describe('Origins browsers may call from (security/cors)'),
        security_headers: z.boolean().optional().describe('Add security/http (default true)'),
        logging: z.boolean().optional().describe('Add telemetry/logging (default true)'),
        version: versionArgument,
      }),
      output: z.object({ config: z.record(z.string(), z.unknown()), ...notesOutput }),
      annotations: READ_ONLY,
      async handler(args, { signal }) {
        const { version, notes } = await start(args.version, signal);
        const config = buildService(args, notes);
        await proveValid(ctx.registry, config, 'generated config', signal);
        return { config, version, warnings: notes.warnings, best_practices: notes.bestPractices };
      },
      present: (r) => JSON.stringify(r.config, null, 2) + notesText(r),
    }),
    defineTool({
      name: 'generate_endpoint_config',
      title: 'Generate a KrakenD endpoint',
      description:
        'Generates one endpoint object with its backends, optional JWT validation and rate limit, validated ' +
        "against the schema before it is returned. Paste it into the config's `endpoints` list.",
      input: endpointInput.extend({ version: versionArgument }),
      output: z.object({ endpoint_config: z.record(z.string(), z.unknown()), ...notesOutput }),
      annotations: READ_ONLY,
      async handler(args, { signal }) {
        const { version, notes } = await start(args.version, signal);
        const endpoint = buildEndpoint(args, notes);
        await proveValid(ctx.registry, wrapEndpoint(endpoint, version), 'generated endpoint', signal);
        return {
          endpoint_config: endpoint,
          version,
          warnings: notes.warnings,
          best_practices: notes.bestPractices,
        };
      },
      present: (r) => JSON.stringify(r.endpoint_config, null, 2) + notesText(r),
    }),
    defineTool({
      name: 'generate_backend_config',
      title: 'Generate a KrakenD backend',
      description:
        'Generates one backend object (upstream host, path, filtering, circuit breaker, cache, rate limit), ' +
        "validated against the schema before it is returned. Paste it into an endpoint's `backend` list.",
      input: backendInput.extend({ version: versionArgument }),
      output: z.object({ backend_config: z.record(z.string(), z.unknown()), ...notesOutput }),
      annotations: READ_ONLY,
      async handler(args, { signal }) {
        const { version, notes } = await start(args.version, signal);
        const backend = buildBackend(args, notes);
        await proveValid(
          ctx.registry,
          wrapEndpoint({ endpoint: '/generated', backend: [backend] }, version),
          'generated backend',
          signal,
        );
        return {
          backend_config: backend,
          version,
          warnings: notes.warnings,
          best_practices: notes.bestPractices,
        };
      },
      present: (r) => JSON.stringify(r.backend_config, null, 2) + notesText(r),
    }),
  ];
}

function notesText(r: { warnings: string[]; best_practices: string[] }): string {
  const lines = [
    ...r.warnings.map((w) => `warning: ${w}`),
    ...r.best_practices.map((b) => `suggestion: ${b}`),
  ];
  return lines.length > 0 ? `\n\n${lines.join('\n')}` : '';
}
