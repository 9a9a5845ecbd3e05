import { Refusal } from '../../core/errors.js';
import type { Catalog, Scope } from './schema/catalog.js';
import type { SchemaRegistry } from './schema/registry.js';
import { schemaUrlOf } from './schema/versions.js';
import { validateText } from './validate.js';

type Json = Record<string, unknown>;

export interface BackendSpec {
  readonly url?: string | undefined;
  readonly host?: readonly string[] | undefined;
  readonly url_pattern?: string | undefined;
  readonly method?: string | undefined;
  readonly encoding?: string | undefined;
  readonly allow?: readonly string[] | undefined;
  readonly deny?: readonly string[] | undefined;
  readonly mapping?: Readonly<Record<string, string>> | undefined;
  readonly group?: string | undefined;
  readonly target?: string | undefined;
  readonly is_collection?: boolean | undefined;
  readonly circuit_breaker?: boolean | undefined;
  readonly cache?: boolean | undefined;
  readonly rate_limit?: { readonly max_rate: number; readonly capacity?: number | undefined } | undefined;
  readonly extra_config?: Readonly<Json> | undefined;
}

export interface EndpointSpec {
  readonly path: string;
  readonly method?: string | undefined;
  readonly backends: readonly BackendSpec[];
  readonly output_encoding?: string | undefined;
  readonly timeout?: string | undefined;
  readonly input_headers?: readonly string[] | undefined;
  readonly input_query_strings?: readonly string[] | undefined;
  readonly jwt?:
    | {
        readonly alg: string;
        readonly jwk_url: string;
        readonly audience?: readonly string[] | undefined;
        readonly issuer?: string | undefined;
        readonly roles?: readonly string[] | undefined;
      }
    | undefined;
  readonly rate_limit?:
    | {
        readonly max_rate?: number | undefined;
        readonly client_max_rate?: number | undefined;
        readonly strategy?: 'ip' | 'header' | undefined;
        readonly key?: string | undefined;
      }
    | undefined;
  readonly extra_config?: Readonly<Json> | undefined;
}

export interface ServiceSpec {
  readonly name?: string | undefined;
  readonly port?: number | undefined;
  readonly timeout?: string | undefined;
  readonly cache_ttl?: string | undefined;
  readonly endpoints: readonly EndpointSpec[];
  readonly cors_origins?: readonly string[] | undefined;
  readonly security_headers?: boolean | undefined;
  readonly logging?: boolean | undefined;
}

/** What generation needs to know: the target version's catalog, and where warnings go. */
export interface Generation {
  readonly catalog: Catalog;
  readonly warnings: string[];
  readonly bestPractices: string[];
}

function supports(catalog: Catalog, scope: 'backend', namespace: string, property: string): boolean {
  return catalog.byNamespace(namespace).some((f) => f.scope === scope && f.properties.includes(property));
}

/**
 * A namespace the generator adds on its own, fitted to the target version: left out (with a note) when the version
 * does not have it in that scope, and without the settings that version does not know.
 */
function fitToVersion(notes: Generation, scope: Scope, namespace: string, settings: Json): Json | undefined {
  const feature = notes.catalog.byNamespace(namespace).find((f) => f.scope === scope);
  if (!feature) {
    notes.warnings.push(
      `KrakenD v${notes.catalog.version} has no ${namespace} in the ${scope} scope; left out`,
    );
    return undefined;
  }
  if (feature.properties.length === 0) return settings;
  return Object.fromEntries(Object.entries(settings).filter(([key]) => feature.properties.includes(key)));
}

function add(extra: Json, notes: Generation, scope: Scope, namespace: string, settings: Json): boolean {
  const fitted = fitToVersion(notes, scope, namespace, settings);
  if (fitted) extra[namespace] = fitted;
  return fitted !== undefined;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function buildBackend(spec: BackendSpec, notes: Generation, label = 'backend'): Json {
  const host = spec.host && spec.host.length > 0 ? [...spec.host] : spec.url ? [spec.url] : [];
  if (host.length === 0) throw new Refusal(`${label}: give its base URL as \`url\` or a \`host\` list`);
  const extra: Json = { ...(spec.extra_config ?? {}) };
  const breaker = { interval: 60, timeout: 10, max_errors: 5, log_status_change: true };
  if (
    spec.circuit_breaker !== false &&
    !('qos/circuit-breaker' in extra) &&
    add(extra, notes, 'backend', 'qos/circuit-breaker', breaker)
  ) {
    notes.bestPractices.push(
      `${label}: added a circuit breaker (qos/circuit-breaker: 5 errors in 60 s opens it for 10 s)`,
    );
  }
  if (spec.cache) {
    const bounded =
      supports(notes.catalog, 'backend', 'qos/http-cache', 'max_items') &&
      supports(notes.catalog, 'backend', 'qos/http-cache', 'max_size');
    add(
      extra,
      notes,
      'backend',
      'qos/http-cache',
      bounded ? { max_items: 1000, max_size: 10 * 1024 * 1024 } : {},
    );
    if (!bounded) {
      notes.warnings.push(
        `${label}: KrakenD v${notes.catalog.version} cannot bound a backend cache (no max_items/max_size); audit rule 2.3.1 will report it`,
      );
    }
  }
  if (spec.rate_limit) {
    add(extra, notes, 'backend', 'qos/ratelimit/proxy', {
      max_rate: spec.rate_limit.max_rate,
      capacity: spec.rate_limit.capacity ?? spec.rate_limit.max_rate,
    });
  }
  if (!spec.url_pattern) notes.warnings.push(`${label}: no url_pattern given, using "/"`);
  return {
    host,
    url_pattern: spec.url_pattern ?? '/',
    ...(spec.method ? { method: spec.method.toUpperCase() } : {}),
    ...(spec.encoding ? { encoding: spec.encoding } : {}),
    ...(spec.allow?.length ? { allow: [...spec.allow] } : {}),
    ...(spec.deny?.length ? { deny: [...spec.deny] } : {}),
    ...(spec.mapping && Object.keys(spec.mapping).length > 0 ? { mapping: { ...spec.mapping } } : {}),
    ...(spec.group ? { group: spec.group } : {}),
    ...(spec.target ? { target: spec.target } : {}),
    ...(spec.is_collection ? { is_collection: true } : {}),
    ...(Object.keys(extra).length > 0 ? { extra_config: extra } : {}),
  };
}

export function buildEndpoint(spec: EndpointSpec, notes: Generation): Json {
  if (spec.backends.length === 0) throw new Refusal(`endpoint ${spec.path}: give at least one backend`);
  const method = (spec.method ?? 'GET').toUpperCase();
  const label = `endpoint ${method} ${spec.path}`;
  const backends = spec.backends.map((b, i) => buildBackend(b, notes, `${label} backend ${i}`));
  const extra: Json = { ...(spec.extra_config ?? {}) };
  if (spec.jwt) {
    extra['auth/validator'] = {
      alg: spec.jwt.alg,
      jwk_url: spec.jwt.jwk_url,
      cache: true,
      ...(spec.jwt.audience?.length ? { audience: [...spec.jwt.audience] } : {}),
      ...(spec.jwt.issuer ? { issuer: spec.jwt.issuer } : {}),
      ...(spec.jwt.roles?.length ? { roles: [...spec.jwt.roles], roles_key: 'roles' } : {}),
    };
  } else if (WRITE_METHODS.has(method) && !('auth/validator' in extra)) {
    notes.warnings.push(
      `${label} accepts writes without JWT validation (give \`jwt\` to add auth/validator)`,
    );
  }
  if (spec.rate_limit) {
    extra['qos/ratelimit/router'] = {
      ...(spec.rate_limit.max_rate !== undefined ? { max_rate: spec.rate_limit.max_rate } : {}),
      ...(spec.rate_limit.client_max_rate !== undefined
        ? { client_max_rate: spec.rate_limit.client_max_rate }
        : {}),
      ...(spec.rate_limit.strategy ? { strategy: spec.rate_limit.strategy } : {}),
      ...(spec.rate_limit.key ? { key: spec.rate_limit.key } : {}),
    };
  } else if (!('qos/ratelimit/router' in extra)) {
    notes.bestPractices.push(`${label}: consider a rate limit (\`rate_limit\`, qos/ratelimit/router)`);
  }
  if (spec.input_headers?.includes('*'))
    notes.warnings.push(`${label} forwards every header (audit rule 2.2.3)`);
  if (spec.input_query_strings?.includes('*'))
    notes.warnings.push(`${label} forwards every query string (audit rule 2.2.4)`);
  if (backends.length > 1)
    notes.bestPractices.push(
      `${label} aggregates ${backends.length} backends; give each a group or distinct fields`,
    );
  return {
    endpoint: spec.path,
    method,
    output_encoding: spec.output_encoding ?? 'json',
    ...(spec.timeout ? { timeout: spec.timeout } : {}),
    ...(spec.input_headers?.length ? { input_headers: [...spec.input_headers] } : {}),
    ...(spec.input_query_strings?.length ? { input_query_strings: [...spec.input_query_strings] } : {}),
    backend: backends,
    ...(Object.keys(extra).length > 0 ? { extra_config: extra } : {}),
  };
}

export function buildService(spec: ServiceSpec, notes: Generation): Json {
  if (spec.endpoints.length === 0) throw new Refusal('give at least one endpoint');
  const extra: Json = {};
  if (spec.security_headers !== false) {
    add(extra, notes, 'service', 'security/http', {
      frame_deny: true,
      content_type_nosniff: true,
      browser_xss_filter: true,
      sts_seconds: 31536000,
    });
  }
  if (spec.cors_origins?.length) {
    add(extra, notes, 'service', 'security/cors', {
      allow_origins: [...spec.cors_origins],
      allow_methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      max_age: '12h',
    });
  } else {
    notes.bestPractices.push('no CORS policy: give `cors_origins` if browsers call this API');
  }
  if (spec.logging !== false) {
    add(extra, notes, 'service', 'telemetry/logging', {
      level: 'WARNING',
      prefix: '[KRAKEND]',
      stdout: true,
    });
  }
  add(extra, notes, 'service', 'router', { hide_version_header: true });
  return {
    $schema: schemaUrlOf(notes.catalog.version),
    version: 3,
    ...(spec.name ? { name: spec.name } : {}),
    port: spec.port ?? 8080,
    timeout: spec.timeout ?? '3s',
    ...(spec.cache_ttl ? { cache_ttl: spec.cache_ttl } : {}),
    endpoints: spec.endpoints.map((e) => buildEndpoint(e, notes)),
    extra_config: extra,
  };
}

/** Proves a generated piece against the schema by validating the whole config it sits in. */
export async function proveValid(
  registry: SchemaRegistry,
  config: Json,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  const report = await validateText(JSON.stringify(config, null, 2), registry, {
    ...(signal ? { signal } : {}),
  });
  if (!report.valid) {
    const first = report.errors
      .slice(0, 5)
      .map((e) => `${e.pointer}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`)
      .join('; ');
    throw new Refusal(`the ${what} would not pass validation against v${report.version}: ${first}`);
  }
}

/** A config holding just one endpoint or backend, for validating that piece. */
export function wrapEndpoint(endpoint: Json, version: string): Json {
  return { $schema: schemaUrlOf(version), version: 3, endpoints: [endpoint] };
}
