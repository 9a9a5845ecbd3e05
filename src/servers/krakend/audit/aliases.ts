/**
 * KrakenD 1.x named components after their Go packages; KrakenD 2 renamed them and still accepts the old names as
 * aliases. The audit treats both as one component, and validation hints name the new key for an old one.
 */
const LEGACY_NAMESPACES: Readonly<Record<string, string>> = {
  'github.com/devopsfaith/krakend/transport/http/server/handler': 'plugin/http-server',
  'github.com/devopsfaith/krakend/transport/http/client/executor': 'plugin/http-client',
  'github.com/devopsfaith/krakend/proxy/plugin': 'plugin/req-resp-modifier',
  'github.com/devopsfaith/krakend/proxy': 'proxy',
  'github.com/devopsfaith/krakend/http': 'backend/http',
  'github.com/luraproject/lura/router/gin': 'router',
  'github.com/luraproject/lura/proxy': 'proxy',
  'github.com/devopsfaith/krakend-httpcache': 'qos/http-cache',
  'github.com/devopsfaith/krakend-circuitbreaker/gobreaker': 'qos/circuit-breaker',
  'github.com/devopsfaith/krakend-ratelimit/juju/router': 'qos/ratelimit/router',
  'github.com/devopsfaith/krakend-ratelimit/juju/proxy': 'qos/ratelimit/proxy',
  'github.com/devopsfaith/krakend-jose/validator': 'auth/validator',
  'github.com/devopsfaith/krakend-jose/signer': 'auth/signer',
  'github.com/devopsfaith/bloomfilter': 'auth/revoker',
  'github.com/devopsfaith/krakend-oauth2-clientcredentials': 'auth/client-credentials',
  'github.com/devopsfaith/krakend-botdetector': 'security/bot-detector',
  'github.com/devopsfaith/krakend-httpsecure': 'security/http',
  'github.com/devopsfaith/krakend-cors': 'security/cors',
  'github.com/devopsfaith/krakend-gologging': 'telemetry/logging',
  'github.com/devopsfaith/krakend-gelf': 'telemetry/gelf',
  'github.com/devopsfaith/krakend-logstash': 'telemetry/logstash',
  'github.com/devopsfaith/krakend-metrics': 'telemetry/metrics',
  'github.com/letgoapp/krakend-influx': 'telemetry/influx',
  'github.com/devopsfaith/krakend-opencensus': 'telemetry/opencensus',
  'github.com/devopsfaith/krakend-lua/router': 'modifier/lua-endpoint',
  'github.com/devopsfaith/krakend-lua/proxy': 'modifier/lua-proxy',
  'github.com/devopsfaith/krakend-lua/proxy/backend': 'modifier/lua-backend',
  'github.com/devopsfaith/krakend-martian': 'modifier/martian',
  'github.com/devopsfaith/krakend-cel': 'validation/cel',
  'github.com/devopsfaith/krakend-jsonschema': 'validation/json-schema',
  'github.com/devopsfaith/krakend-amqp/consume': 'backend/amqp/consumer',
  'github.com/devopsfaith/krakend-amqp/produce': 'backend/amqp/producer',
  'github.com/devopsfaith/krakend-pubsub/publisher': 'backend/pubsub/publisher',
  'github.com/devopsfaith/krakend-pubsub/subscriber': 'backend/pubsub/subscriber',
  'github.com/devopsfaith/krakend-lambda': 'backend/lambda',
  'github.com/devopsfaith/krakend/transport/http/client/graphql': 'backend/graphql',
};

/** `github_com/...` and `github.com/...` are both used in the wild for the same legacy name. */
function canonicalLegacy(key: string): string {
  return key.startsWith('github_com/') ? `github.com/${key.slice('github_com/'.length)}` : key;
}

/** The KrakenD 2 name of a legacy namespace, or undefined when `key` is not a legacy name. */
export function currentNamespaceOf(key: string): string | undefined {
  return LEGACY_NAMESPACES[canonicalLegacy(key)];
}

/** The name the audit knows a component by: the KrakenD 2 name whichever spelling the config used. */
export function normalizeNamespace(key: string): string {
  return currentNamespaceOf(key) ?? key;
}
