import { normalizeNamespace } from './audit/aliases.js';
import { escapePointer } from './audit/summary.js';
import { namespacesUsed } from './editions.js';
import { versionsKnowing } from './features/builtin.js';
import type { Catalog } from './schema/catalog.js';
import { isObject } from './schema/documents.js';

/** One finding of Rampart's own structural checks: what KrakenD itself would refuse or misread. */
export interface StructureIssue {
  readonly pointer: string;
  readonly message: string;
  readonly code: 'missing_key' | 'wrong_type' | 'not_allowed_value' | 'duplicate' | 'unknown_namespace';
  readonly severity: 'error' | 'warning';
  readonly hint?: string;
  readonly atKey?: boolean;
}

const SERVICE_DURATIONS = [
  'timeout',
  'cache_ttl',
  'read_timeout',
  'write_timeout',
  'idle_timeout',
  'read_header_timeout',
  'idle_connection_timeout',
  'response_header_timeout',
  'expect_continue_timeout',
  'dialer_timeout',
  'dialer_keep_alive',
  'dialer_fallback_delay',
  'dns_cache_ttl',
  'max_shutdown_wait_time',
];
const ENDPOINT_DURATIONS = ['timeout', 'cache_ttl'];
/** Go's time.ParseDuration: one or more number+unit pairs, or a bare 0. */
const GO_DURATION = /^(?:0|(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;
const PARAM = /\{([^{}]*)\}/g;

/**
 * The checks Rampart owns, which need no schema: the syntax version, endpoints and their backends, duplicate
 * routes, `{params}` in URL patterns, hosts, durations, and whether each namespace is known in its place for the
 * target version (from the catalog given: the version's schema, or Rampart's own list).
 */
export function structureIssues(config: Record<string, unknown>, catalog: Catalog): StructureIssue[] {
  const issues: StructureIssue[] = [];
  const add = (issue: StructureIssue) => issues.push(issue);
  if (!('version' in config)) {
    add({
      pointer: '',
      code: 'missing_key',
      severity: 'error',
      message: 'missing required key "version"',
      hint: 'KrakenD 2.x reads "version": 3',
    });
  } else if (config.version !== 3) {
    add({
      pointer: '/version',
      code: 'not_allowed_value',
      severity: 'error',
      message: `version ${JSON.stringify(config.version)} is not 3`,
      hint:
        config.version === 2
          ? 'a KrakenD 1.x config: migrate it to the version 3 syntax'
          : 'KrakenD 2.x reads "version": 3',
    });
  }
  checkDurations(config, SERVICE_DURATIONS, '', add);
  const serviceHosts = Array.isArray(config.host) && config.host.length > 0;
  if (config.host !== undefined) checkHosts(config.host, '/host', undefined, add);
  if (config.endpoints !== undefined && !Array.isArray(config.endpoints)) {
    add({ pointer: '/endpoints', code: 'wrong_type', severity: 'error', message: 'must be an array' });
  } else if (Array.isArray(config.endpoints)) {
    const routes = new Map<string, number>();
    config.endpoints.forEach((endpoint, index) => {
      checkEndpoint(endpoint, `/endpoints/${index}`, routes, serviceHosts, add);
    });
  }
  for (const use of namespacesUsed(config, catalog)) {
    if (use.feature) continue;
    const elsewhere = catalog.byNamespace(normalizeNamespace(use.namespace));
    const known = versionsKnowing(use.namespace, use.scope);
    if (elsewhere.length > 0) {
      add({
        pointer: use.pointer,
        atKey: true,
        code: 'unknown_namespace',
        severity: 'error',
        message: `"${use.namespace}" does not go in the ${use.scope} extra_config`,
        hint: `it belongs to: ${[...new Set(elsewhere.map((f) => f.scope))].join(', ')}`,
      });
    } else if (known) {
      add({
        pointer: use.pointer,
        atKey: true,
        code: 'unknown_namespace',
        severity: 'error',
        message: `"${use.namespace}" is not a ${use.scope} namespace in KrakenD v${catalog.version}`,
        hint: `known in versions ${known}`,
      });
    } else {
      add({
        pointer: use.pointer,
        atKey: true,
        code: 'unknown_namespace',
        severity: 'warning',
        message: `"${use.namespace}" is not a namespace KrakenD v${catalog.version} knows in the ${use.scope} extra_config`,
        hint: 'KrakenD ignores unknown namespaces; check the spelling, or that a plugin registers it',
      });
    }
  }
  return issues;
}

function checkEndpoint(
  endpoint: unknown,
  at: string,
  routes: Map<string, number>,
  serviceHosts: boolean,
  add: (issue: StructureIssue) => void,
): void {
  if (!isObject(endpoint)) {
    add({ pointer: at, code: 'wrong_type', severity: 'error', message: 'an endpoint must be an object' });
    return;
  }
  checkDurations(endpoint, ENDPOINT_DURATIONS, at, add);
  const path = endpoint.endpoint;
  let params = new Set<string>();
  if (typeof path !== 'string') {
    add({
      pointer: path === undefined ? at : `${at}/endpoint`,
      code: path === undefined ? 'missing_key' : 'wrong_type',
      severity: 'error',
      message: path === undefined ? 'missing required key "endpoint"' : 'must be a string',
    });
  } else {
    if (!path.startsWith('/'))
      add({
        pointer: `${at}/endpoint`,
        code: 'not_allowed_value',
        severity: 'error',
        message: `endpoint "${path}" must start with /`,
      });
    params = new Set([...path.matchAll(PARAM)].map((m) => m[1] as string));
    const method = typeof endpoint.method === 'string' ? endpoint.method.toUpperCase() : 'GET';
    // The router cannot tell /a/{id} from /a/{name}: same method and shape is the same route.
    const route = `${method} ${path.replace(PARAM, '{}')}`;
    const first = routes.get(route);
    if (first !== undefined) {
      add({
        pointer: `${at}/endpoint`,
        code: 'duplicate',
        severity: 'error',
        message: `${method} ${path} is already declared by /endpoints/${first}`,
        hint: 'KrakenD refuses to start with two endpoints on one route',
      });
    } else routes.set(route, Number(at.slice(at.lastIndexOf('/') + 1)));
  }
  const backends = endpoint.backend;
  if (!Array.isArray(backends)) {
    add({
      pointer: backends === undefined ? at : `${at}/backend`,
      code: backends === undefined ? 'missing_key' : 'wrong_type',
      severity: 'error',
      message: backends === undefined ? 'missing required key "backend"' : 'must be an array',
    });
    return;
  }
  if (backends.length === 0)
    add({
      pointer: `${at}/backend`,
      code: 'not_allowed_value',
      severity: 'error',
      message: 'an endpoint needs at least one backend',
    });
  backends.forEach((backend, index) => {
    checkBackend(backend, `${at}/backend/${index}`, params, serviceHosts, add);
  });
}

function checkBackend(
  backend: unknown,
  at: string,
  params: ReadonlySet<string>,
  serviceHosts: boolean,
  add: (issue: StructureIssue) => void,
): void {
  if (!isObject(backend)) {
    add({ pointer: at, code: 'wrong_type', severity: 'error', message: 'a backend must be an object' });
    return;
  }
  const pattern = backend.url_pattern;
  if (typeof pattern === 'string') {
    for (const match of pattern.matchAll(PARAM)) {
      const name = match[1] as string;
      // {resp0_id} (sequential proxy) and dotted names ({JWT.sub}) are filled from elsewhere than the path.
      if (params.has(name) || /^resp\d+_/.test(name) || name.includes('.')) continue;
      add({
        pointer: `${at}/url_pattern`,
        code: 'not_allowed_value',
        severity: 'error',
        message: `url_pattern uses {${name}}, which the endpoint path does not declare`,
        hint:
          params.size > 0
            ? `the endpoint declares: ${[...params].map((p) => `{${p}}`).join(', ')}`
            : 'add it to the endpoint path',
      });
    }
  } else if (pattern !== undefined) {
    add({ pointer: `${at}/url_pattern`, code: 'wrong_type', severity: 'error', message: 'must be a string' });
  }
  if (backend.host !== undefined) checkHosts(backend.host, `${at}/host`, backend.sd, add);
  else if (!serviceHosts && !isObject(backend.extra_config))
    add({
      pointer: at,
      code: 'missing_key',
      severity: 'warning',
      message: 'no host here and none at the service level',
      hint: 'set "host" on the backend, or a default "host" list on the service',
    });
}

function checkHosts(hosts: unknown, at: string, sd: unknown, add: (issue: StructureIssue) => void): void {
  if (!Array.isArray(hosts)) {
    add({ pointer: at, code: 'wrong_type', severity: 'error', message: 'must be an array of host URLs' });
    return;
  }
  hosts.forEach((host, index) => {
    const pointer = `${at}/${index}`;
    if (typeof host !== 'string' || host.trim() === '') {
      add({ pointer, code: 'wrong_type', severity: 'error', message: 'a host must be a non-empty string' });
      return;
    }
    if (sd === 'dns' || host.includes('://')) {
      if (host.includes('://') && !URL.canParse(host))
        add({
          pointer,
          code: 'not_allowed_value',
          severity: 'error',
          message: `host "${host}" is not a valid URL`,
        });
      return;
    }
    add({
      pointer,
      code: 'not_allowed_value',
      severity: 'warning',
      message: `host "${host}" has no scheme`,
      hint: 'write it as http://… or https://… (without one, KrakenD assumes http)',
    });
  });
}

function checkDurations(
  object: Record<string, unknown>,
  keys: readonly string[],
  at: string,
  add: (issue: StructureIssue) => void,
): void {
  for (const key of keys) {
    const value = object[key];
    if (value === undefined) continue;
    const pointer = `${at}/${escapePointer(key)}`;
    if (typeof value !== 'string' || !GO_DURATION.test(value)) {
      add({
        pointer,
        code: typeof value === 'string' ? 'not_allowed_value' : 'wrong_type',
        severity: 'error',
        message: `${key} ${JSON.stringify(value)} is not a duration`,
        hint: 'a number and a unit, e.g. "3s", "500ms", "1m30s" (units ns, us, ms, s, m, h)',
      });
    }
  }
}
