import { isObject } from '../schema/documents.js';
import type { BackendSummary, Components, EndpointSummary, ServiceSummary } from './summary.js';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

/** Why a rule fired: where in the config, and what it found there (or did not find). */
export interface Evidence {
  readonly pointer: string;
  readonly explanation: string;
}

export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  /** krakend-audit's own message, word for word, so results read the same as `krakend audit`. */
  readonly message: string;
  check(service: ServiceSummary): Evidence | undefined;
}

const DEPRECATED_SERVER_PLUGIN: Readonly<Record<string, string>> = {
  virtualhost:
    'Avoid using deprecated plugin virtualhost. Please visit https://www.krakend.io/docs/enterprise/service-settings/virtual-hosts/#upgrading-from-the-old-plugin-before-v24 to upgrade to the new virtualhost.',
  'static-filesystem':
    'Avoid using deprecated plugin static-filesystem. Please visit https://www.krakend.io/docs/enterprise/endpoints/serve-static-content/#upgrading-from-the-old-plugin-before-v24 to upgrade to the new static-filesystem.',
  'basic-auth':
    'Avoid using deprecated plugin basic-auth. Please move your configuration to the namespace auth/basic to use the new component. See: https://www.krakend.io/docs/enterprise/authentication/basic-authentication/ .',
  wildcard:
    'Avoid using deprecated plugin wildcard. Please visit https://www.krakend.io/docs/enterprise/endpoints/wildcard/#upgrading-from-the-old-wildcard-plugin-before-v23 to upgrade to the new Wildcard.',
};

// ---- facts the rules share ------------------------------------------------------------------------------

function names(component: Record<string, unknown> | undefined): string[] {
  if (!component) return [];
  const name = component.name;
  if (typeof name === 'string') return [name];
  return Array.isArray(name) ? name.filter((n): n is string => typeof n === 'string') : [];
}

function serverPlugins(s: ServiceSummary): string[] {
  return names(s.components.object('plugin/http-server'));
}

function serverPluginEvidence(s: ServiceSummary, plugin: string): Evidence | undefined {
  if (!serverPlugins(s).includes(plugin)) return undefined;
  return {
    pointer: `${s.components.pointer('plugin/http-server')}/name`,
    explanation: `the service loads the "${plugin}" server plugin`,
  };
}

/** The client plugin of an endpoint: its `name` must be one string. */
function endpointClientPlugin(s: ServiceSummary, plugin: string): Evidence | undefined {
  for (const endpoint of s.endpoints) {
    const component = endpoint.components.object('plugin/http-client');
    if (component && component.name === plugin) {
      return {
        pointer: `${endpoint.components.pointer('plugin/http-client')}/name`,
        explanation: `endpoint ${endpoint.path} uses the "${plugin}" client plugin`,
      };
    }
  }
  return undefined;
}

function modifierPlugin(s: ServiceSummary, plugin: string): Evidence | undefined {
  const holders: Components[] = s.endpoints.flatMap((e) => [
    e.components,
    ...e.backends.map((b) => b.components),
  ]);
  for (const components of holders) {
    const component = components.object('plugin/req-resp-modifier');
    if (component && Array.isArray(component.name) && component.name.includes(plugin)) {
      return {
        pointer: `${components.pointer('plugin/req-resp-modifier')}/name`,
        explanation: `the "${plugin}" request/response modifier plugin is loaded`,
      };
    }
  }
  return undefined;
}

function missingAtService(
  s: ServiceSummary,
  namespaces: readonly string[],
  what: string,
): Evidence | undefined {
  if (namespaces.some((ns) => s.components.has(ns))) return undefined;
  return {
    pointer: '/extra_config',
    explanation: `the service extra_config has no ${what} (${namespaces.join(', ')})`,
  };
}

function presentAtService(s: ServiceSummary, namespace: string, explanation: string): Evidence | undefined {
  const pointer = s.components.pointer(namespace);
  return pointer ? { pointer, explanation } : undefined;
}

function firstEndpoint(
  s: ServiceSummary,
  test: (endpoint: EndpointSummary) => boolean,
  explain: (endpoint: EndpointSummary) => Evidence,
): Evidence | undefined {
  const found = s.endpoints.find(test);
  return found ? explain(found) : undefined;
}

function firstBackend(
  s: ServiceSummary,
  test: (backend: BackendSummary) => Evidence | undefined,
): Evidence | undefined {
  for (const endpoint of s.endpoints) {
    for (const backend of endpoint.backends) {
      const evidence = test(backend);
      if (evidence) return evidence;
    }
  }
  return undefined;
}

function rootFlag(s: ServiceSummary, key: string, explanation: string): Evidence | undefined {
  return s.root[key] === true ? { pointer: `/${key}`, explanation } : undefined;
}

function count(list: unknown, test: (entry: Record<string, unknown>) => boolean): number {
  return Array.isArray(list) ? list.filter((entry) => isObject(entry) && test(entry)).length : 0;
}

interface OpenTelemetry {
  readonly metrics: number;
  readonly traces: number;
  readonly prometheus: number;
}

function openTelemetry(s: ServiceSummary): OpenTelemetry | undefined {
  const otel = s.components.object('telemetry/opentelemetry');
  if (!otel) return undefined;
  const exporters = isObject(otel.exporters) ? otel.exporters : {};
  return {
    metrics: count(exporters.otlp, (e) => e.disable_metrics !== true),
    traces: count(exporters.otlp, (e) => e.disable_traces !== true),
    prometheus: count(exporters.prometheus, (e) => e.disable_metrics !== true),
  };
}

const METRICS = [
  'telemetry/metrics',
  'telemetry/newrelic',
  'telemetry/ganalytics',
  'telemetry/instana',
  'telemetry/opencensus',
];
const TRACING = ['telemetry/newrelic', 'telemetry/instana', 'telemetry/opencensus'];
const LOGGING = ['telemetry/logging', 'telemetry/gelf', 'telemetry/logstash'];
const SERVICE_RATE_LIMITS = ['qos/ratelimit/service', 'qos/ratelimit/service/redis', 'qos/ratelimit/tiered'];
const ENDPOINT_RATE_LIMITS = [
  'qos/ratelimit/router',
  'qos/ratelimit/router/redis',
  'qos/ratelimit/proxy',
  'qos/ratelimit/tiered',
];
const UNSAFE_SAFE_METHODS = new Set(['GET', 'HEAD']);

function unsafeBackends(endpoint: EndpointSummary): number {
  return endpoint.backends.filter(
    (b) => !UNSAFE_SAFE_METHODS.has(b.method) || b.components.has('backend/grpc'),
  ).length;
}

function timeoutOver(limitMs: number) {
  return (s: ServiceSummary) =>
    firstEndpoint(
      s,
      (e) => e.timeoutMs > limitMs,
      (e) => ({
        pointer: `${e.pointer}/timeout`,
        explanation: `endpoint ${e.path} times out after ${e.timeoutMs} ms (its own timeout, else the service's, else 2 s)`,
      }),
    );
}

function deprecatedService(namespace: string, message: string): Rule {
  return {
    id: '',
    severity: 'HIGH',
    message,
    check: (s) => presentAtService(s, namespace, `the service uses the deprecated ${namespace}`),
  };
}

// ---- the rules, in krakend-audit's order -----------------------------------------------------------------

const TABLE: Rule[] = [
  {
    id: '1.1.1',
    severity: 'HIGH',
    message: 'Implement more secure alternatives than Basic Auth to protect your data.',
    check: (s) =>
      serverPluginEvidence(s, 'basic-auth') ??
      presentAtService(s, 'auth/basic', 'the service enables Basic Authentication (auth/basic)') ??
      firstEndpoint(
        s,
        (e) => e.components.has('auth/basic'),
        (e) => ({
          pointer: e.components.pointer('auth/basic') as string,
          explanation: `endpoint ${e.path} is protected with Basic Authentication`,
        }),
      ),
  },
  {
    id: '1.1.2',
    severity: 'MEDIUM',
    message:
      'Implement stateless authorization methods such as JWT to secure your endpoints as opposed to using API keys.',
    check: (s) => presentAtService(s, 'auth/api-keys', 'the service declares API keys (auth/api-keys)'),
  },
  {
    id: '1.2.1',
    severity: 'HIGH',
    message: 'Prioritize using JWT for endpoint authorization to ensure security.',
    check: (s) =>
      s.endpoints.some((e) => e.components.has('auth/validator'))
        ? undefined
        : {
            pointer: '/endpoints',
            explanation: 'no endpoint validates a JWT (auth/validator in its extra_config)',
          },
  },
  {
    id: '2.1.1',
    severity: 'HIGH',
    message: 'Only allow secure connections (avoid insecure_connections).',
    check: (s) =>
      isObject(s.root.client_tls) && s.root.client_tls.allow_insecure_connections === true
        ? {
            pointer: '/client_tls/allow_insecure_connections',
            explanation: 'KrakenD accepts any certificate from the backends it calls',
          }
        : undefined,
  },
  {
    id: '2.1.2',
    severity: 'HIGH',
    message: 'Enable TLS or use a terminator in front of KrakenD.',
    check: (s) =>
      isObject(s.root.tls) ? undefined : { pointer: '', explanation: 'the service has no tls section' },
  },
  {
    id: '2.1.3',
    severity: 'CRITICAL',
    message: 'TLS is configured but its disable flag prevents from using it.',
    check: (s) =>
      isObject(s.root.tls) && s.root.tls.disabled === true
        ? { pointer: '/tls/disabled', explanation: 'tls is configured but "disabled": true turns it off' }
        : undefined,
  },
  {
    id: '2.1.7',
    severity: 'HIGH',
    message: 'Enable HTTP security header checks (security/http).',
    check: (s) => missingAtService(s, ['security/http'], 'HTTP security headers'),
  },
  {
    id: '2.1.8',
    severity: 'HIGH',
    message: 'Avoid clear text communication (h2c).',
    check: (s) =>
      rootFlag(s, 'use_h2c', 'the service accepts HTTP/2 without TLS (use_h2c)') ??
      (s.components.object('router')?.use_h2c === true
        ? {
            pointer: `${s.components.pointer('router')}/use_h2c`,
            explanation: 'the router accepts HTTP/2 without TLS (use_h2c)',
          }
        : undefined),
  },
  {
    id: '2.1.9',
    severity: 'LOW',
    message: 'Establish secure connections in internal traffic (avoid insecure_connections internally)',
    check: (s) =>
      firstBackend(s, (b) => {
        const client = b.components.object('backend/http/client');
        const tls = client && isObject(client.client_tls) ? client.client_tls : undefined;
        return tls?.allow_insecure_connections === true
          ? {
              pointer: `${b.components.pointer('backend/http/client')}/client_tls/allow_insecure_connections`,
              explanation: 'a backend accepts any certificate from its upstream',
            }
          : undefined;
      }),
  },
  {
    id: '2.2.1',
    severity: 'MEDIUM',
    message: 'Hide the version banner in runtime.',
    check: (s) =>
      s.components.object('router')?.hide_version_header === true
        ? undefined
        : {
            pointer: s.components.pointer('router') ?? '/extra_config',
            explanation:
              'responses carry the X-KrakenD-Version header (router hide_version_header is not true)',
          },
  },
  {
    id: '2.2.2',
    severity: 'HIGH',
    message: 'Enable CORS.',
    check: (s) => missingAtService(s, ['security/cors'], 'CORS policy'),
  },
  {
    id: '2.2.3',
    severity: 'HIGH',
    message: 'Avoid passing all input headers to the backend.',
    check: (s) =>
      firstEndpoint(
        s,
        (e) => e.inputHeaders.includes('*'),
        (e) => ({
          pointer: `${e.pointer}/input_headers`,
          explanation: `endpoint ${e.path} forwards every header`,
        }),
      ),
  },
  {
    id: '2.2.4',
    severity: 'HIGH',
    message: 'Avoid passing all input query strings to the backend.',
    check: (s) =>
      firstEndpoint(
        s,
        (e) => e.inputQueryStrings.includes('*'),
        (e) => ({
          pointer: `${e.pointer}/input_query_strings`,
          explanation: `endpoint ${e.path} forwards every query string`,
        }),
      ),
  },
  {
    id: '2.2.5',
    severity: 'LOW',
    message: 'Avoid exposing gRPC server without services declared.',
    check: (s) => {
      const server = s.components.object('grpc')?.server;
      if (!isObject(server)) return undefined;
      const services = server.services;
      return Array.isArray(services) && services.length > 0
        ? undefined
        : {
            pointer: `${s.components.pointer('grpc')}/server`,
            explanation: 'the gRPC server declares no services',
          };
    },
  },
  {
    id: '2.3.1',
    severity: 'MEDIUM',
    message: 'Limit the amount of cacheable content.',
    check: (s) =>
      firstBackend(s, (b) => {
        if (!b.components.has('qos/http-cache')) return undefined;
        const cache = b.components.object('qos/http-cache') ?? {};
        const bounded =
          typeof cache.max_items === 'number' &&
          cache.max_items > 0 &&
          typeof cache.max_size === 'number' &&
          cache.max_size > 0;
        return bounded
          ? undefined
          : {
              pointer: b.components.pointer('qos/http-cache') as string,
              explanation:
                'a backend cache has no positive max_items and max_size, so it can grow without bound',
            };
      }),
  },
  {
    id: '3.1.1',
    severity: 'LOW',
    message: 'Enable a bot detector.',
    check: (s) =>
      s.components.object('security/bot-detector')
        ? undefined
        : { pointer: '/extra_config', explanation: 'the service extra_config has no security/bot-detector' },
  },
  {
    id: '3.1.2',
    severity: 'HIGH',
    message: 'Implement a rate-limiting strategy and avoid having an All-You-Can-Eat API.',
    check: (s) => {
      const limited =
        s.components.object('qos/ratelimit/router') !== undefined ||
        SERVICE_RATE_LIMITS.some((ns) => s.components.has(ns)) ||
        serverPlugins(s).includes('redis-ratelimit') ||
        s.endpoints.some(
          (e) =>
            ENDPOINT_RATE_LIMITS.some((ns) => e.components.has(ns)) ||
            e.backends.some((b) => b.components.has('qos/ratelimit/proxy')),
        );
      return limited
        ? undefined
        : {
            pointer: '',
            explanation: 'no rate limit at the service, on any endpoint, or towards any backend',
          };
    },
  },
  {
    id: '3.1.3',
    severity: 'HIGH',
    message: 'Protect your backends with a circuit breaker.',
    check: (s) => {
      const protectedAnywhere = s.endpoints.some(
        (e) =>
          e.components.has('qos/circuit-breaker') ||
          e.backends.some(
            (b) => b.components.has('qos/circuit-breaker') || b.components.has('qos/circuit-breaker/http'),
          ),
      );
      return protectedAnywhere
        ? undefined
        : { pointer: '/endpoints', explanation: 'no endpoint or backend declares qos/circuit-breaker' };
    },
  },
  {
    id: '3.3.1',
    severity: 'LOW',
    message: 'Set timeouts to below 3 seconds for improved performance.',
    check: timeoutOver(3000),
  },
  {
    id: '3.3.2',
    severity: 'MEDIUM',
    message: 'Set timeouts to below 5 seconds for improved performance.',
    check: timeoutOver(5000),
  },
  {
    id: '3.3.3',
    severity: 'HIGH',
    message: 'Set timeouts to below 30 seconds for improved performance.',
    check: timeoutOver(30000),
  },
  {
    id: '3.3.4',
    severity: 'CRITICAL',
    message: 'Set timeouts to below 1 minute for improved performance.',
    check: timeoutOver(60000),
  },
  {
    id: '4.1.1',
    severity: 'MEDIUM',
    message: 'Implement a telemetry system for collecting metrics for monitoring and troubleshooting.',
    check: (s) => missingAtService(s, METRICS, 'metrics exporter'),
  },
  {
    id: '4.1.2',
    severity: 'MEDIUM',
    message: 'Give your configuration a name for easy identification in metric tracking.',
    // krakend-audit declares this rule without a condition; it never fires there, and never here.
    check: () => undefined,
  },
  {
    id: '4.1.3',
    severity: 'HIGH',
    message: 'Avoid duplicating telemetry options to prevent system overload.',
    check: (s) => {
      const otel = openTelemetry(s);
      const total =
        METRICS.filter((ns) => s.components.has(ns)).length + (otel ? otel.metrics + otel.prometheus : 0);
      return total > 1
        ? { pointer: '/extra_config', explanation: `${total} metrics exporters are enabled at once` }
        : undefined;
    },
  },
  {
    id: '4.2.1',
    severity: 'MEDIUM',
    message: 'Implement a telemetry system for tracing for monitoring and troubleshooting.',
    check: (s) =>
      TRACING.some((ns) => s.components.has(ns)) || (openTelemetry(s)?.traces ?? 0) > 0
        ? undefined
        : {
            pointer: '/extra_config',
            explanation: 'no tracing exporter (an OpenTelemetry OTLP exporter with traces, New Relic, …)',
          },
  },
  {
    id: '4.3.1',
    severity: 'MEDIUM',
    message: 'Use the improved logging component for better log parsing.',
    check: (s) => missingAtService(s, LOGGING, 'structured logging'),
  },
  {
    id: '5.1.1',
    severity: 'LOW',
    message: 'Follow a RESTful endpoint structure for improved readability and maintainability.',
    check: (s) => rootFlag(s, 'disable_rest', 'disable_rest lets endpoints break RESTful path rules'),
  },
  {
    id: '5.1.2',
    severity: 'LOW',
    message: 'Disable the /__debug/ endpoint for added security.',
    check: (s) => rootFlag(s, 'debug_endpoint', 'the /__debug/ endpoint is on'),
  },
  {
    id: '5.1.3',
    severity: 'LOW',
    message: 'Disable the /__echo/ endpoint for added security.',
    check: (s) => rootFlag(s, 'echo_endpoint', 'the /__echo/ endpoint is on'),
  },
  {
    id: '5.1.4',
    severity: 'LOW',
    message: 'Declare explicit endpoints instead of using wildcards.',
    check: (s) =>
      firstEndpoint(
        s,
        (e) => e.path.endsWith('*'),
        (e) => ({ pointer: `${e.pointer}/endpoint`, explanation: `endpoint ${e.path} is a wildcard` }),
      ),
  },
  {
    id: '5.1.5',
    severity: 'MEDIUM',
    message: 'Declare explicit endpoints instead of using /__catchall.',
    check: (s) =>
      firstEndpoint(
        s,
        (e) => e.path === '/__catchall',
        (e) => ({
          pointer: `${e.pointer}/endpoint`,
          explanation: 'an endpoint catches every unmatched path',
        }),
      ),
  },
  {
    id: '5.1.6',
    severity: 'MEDIUM',
    message: 'Avoid using multiple write methods in endpoint definitions.',
    check: (s) =>
      firstEndpoint(
        s,
        (e) => unsafeBackends(e) > 1,
        (e) => ({
          pointer: `${e.pointer}/backend`,
          explanation: `endpoint ${e.path} calls ${unsafeBackends(e)} backends with writing methods (a backend without a method uses the endpoint's, ${e.method})`,
        }),
      ),
  },
  {
    id: '5.1.7',
    severity: 'MEDIUM',
    message: 'Avoid using sequential proxy.',
    check: (s) =>
      firstEndpoint(
        s,
        (e) => e.components.object('proxy')?.sequential === true,
        (e) => ({
          pointer: `${e.components.pointer('proxy')}/sequential`,
          explanation: `endpoint ${e.path} calls its backends one after another`,
        }),
      ),
  },
  {
    id: '5.2.1',
    severity: 'CRITICAL',
    message: 'Ensure all endpoints have at least one backend for proper functionality.',
    check: (s) =>
      firstEndpoint(
        s,
        (e) => e.backends.length === 0,
        (e) => ({ pointer: `${e.pointer}/backend`, explanation: `endpoint ${e.path} has no backend` }),
      ),
  },
  {
    id: '5.2.2',
    severity: 'LOW',
    message: 'Benefit from the backend for frontend pattern capabilities.',
    check: (s) =>
      s.endpoints.some((e) => e.backends.length > 1)
        ? undefined
        : { pointer: '/endpoints', explanation: 'no endpoint aggregates more than one backend' },
  },
  {
    id: '5.2.3',
    severity: 'LOW',
    message: 'Avoid coupling clients by overusing no-op encoding.',
    check: (s) =>
      s.endpoints.every((e) => e.outputEncoding === 'no-op')
        ? { pointer: '/endpoints', explanation: 'every endpoint uses the no-op output encoding' }
        : undefined,
  },
  {
    id: '6.1.1',
    severity: 'LOW',
    message: 'Ensure Async Agents do not start sequentially to avoid overloading the system (+10 agents).',
    check: (s) =>
      s.root.sequential_start === true && s.asyncAgents >= 10
        ? {
            pointer: '/sequential_start',
            explanation: `${s.asyncAgents} async agents start one after another`,
          }
        : undefined,
  },
  ...(['virtualhost', 'static-filesystem', 'basic-auth', 'wildcard'] as const).map(
    (plugin, index): Rule => ({
      id: `7.1.${index + 1}`,
      severity: 'HIGH',
      message: DEPRECATED_SERVER_PLUGIN[plugin] as string,
      check: (s) => serverPluginEvidence(s, plugin),
    }),
  ),
  {
    id: '7.1.5',
    severity: 'HIGH',
    message:
      'Avoid using deprecated plugin http-proxy. Please visit https://www.krakend.io/docs/enterprise/backends/http-proxy/#migration-from-old-plugin to upgrade to the new options.',
    check: (s) => endpointClientPlugin(s, 'http-proxy'),
  },
  {
    id: '7.1.6',
    severity: 'HIGH',
    message: DEPRECATED_SERVER_PLUGIN['static-filesystem'] as string,
    check: (s) => endpointClientPlugin(s, 'static-filesystem'),
  },
  {
    id: '7.1.7',
    severity: 'HIGH',
    message:
      'Avoid using deprecated plugin no-redirect. Please visit https://www.krakend.io/docs/enterprise/backends/client-redirect/#migration-from-old-plugin to upgrade to the new options.',
    check: (s) => endpointClientPlugin(s, 'no-redirect'),
  },
  {
    id: '7.1.8',
    severity: 'HIGH',
    message:
      'Avoid using deprecated plugin content-replacer. Please visit https://www.krakend.io/docs/enterprise/endpoints/content-replacer/#migration-from-old-plugin to upgrade to the new options.',
    check: (s) => modifierPlugin(s, 'content-replacer'),
  },
  {
    id: '7.1.9',
    severity: 'HIGH',
    message:
      'Avoid using deprecated plugin response-schema-validator. Please visit https://www.krakend.io/docs/enterprise/endpoints/response-schema-validator/#migration-from-old-plugin to upgrade to the new options.',
    check: (s) => modifierPlugin(s, 'response-schema-validator'),
  },
  {
    ...deprecatedService(
      'telemetry/ganalytics',
      'Avoid using deprecated component telemetry/ganalytics. Please visit https://www.krakend.io/docs/telemetry/opentelemetry/ to upgrade to OpenTelemetry',
    ),
    id: '7.2.1',
  },
  {
    ...deprecatedService(
      'telemetry/instana',
      'Avoid using deprecated component telemetry/instana. Please visit https://www.krakend.io/docs/telemetry/opentelemetry/ to upgrade to OpenTelemetry',
    ),
    id: '7.2.2',
  },
  {
    ...deprecatedService(
      'telemetry/opencensus',
      'Avoid using deprecated component telemetry/opencensus. Please visit https://www.krakend.io/docs/telemetry/opencensus/#transition-from-opencensus to upgrade to OpenTelemetry',
    ),
    id: '7.2.3',
  },
  {
    ...deprecatedService(
      'telemetry/influx',
      'Avoid using deprecated component telemetry/influx. Please visit https://www.krakend.io/docs/telemetry/influxdb/ to upgrade to OpenTelemetry',
    ),
    id: '7.2.4',
  },
  {
    id: '7.3.1',
    severity: 'MEDIUM',
    message: "Avoid using 'private_key' and 'public_key' and use the 'keys' array.",
    check: (s) => {
      const tls = isObject(s.root.tls) ? s.root.tls : undefined;
      if (!tls) return undefined;
      const key = ['public_key', 'private_key'].find((k) => typeof tls[k] === 'string' && tls[k] !== '');
      return key
        ? { pointer: `/tls/${key}`, explanation: 'tls names one key pair directly instead of the keys list' }
        : undefined;
    },
  },
];

export const RULES: readonly Rule[] = TABLE;
