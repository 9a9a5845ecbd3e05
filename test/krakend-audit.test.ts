import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audit } from '../src/servers/krakend/audit/audit.js';
import { parseGoDuration } from '../src/servers/krakend/audit/duration.js';
import { RULES } from '../src/servers/krakend/audit/rules.js';

// biome-ignore lint/suspicious/noExplicitAny: the cases mutate loose JSON configs in place
type Json = Record<string, any>;

/** A config that follows every recommendation: the audit finds nothing in it. */
function hardened(): Json {
  return {
    $schema: 'https://www.krakend.io/schema/v2.13/krakend.json',
    version: 3,
    timeout: '3s',
    tls: { keys: [{ public_key: '/etc/tls/cert.pem', private_key: '/etc/tls/key.pem' }] },
    extra_config: {
      'security/http': { frame_deny: true },
      'security/cors': { allow_origins: ['https://app.example.com'] },
      'security/bot-detector': { deny: ['curl'] },
      router: { hide_version_header: true },
      'telemetry/metrics': { collection_time: '60s' },
      'telemetry/opentelemetry': {
        exporters: { otlp: [{ name: 'traces', host: 'otel', disable_metrics: true }] },
      },
      'telemetry/logging': { level: 'WARNING' },
    },
    endpoints: [
      {
        endpoint: '/users/{id}',
        extra_config: { 'auth/validator': { alg: 'RS256' }, 'qos/ratelimit/router': { max_rate: 10 } },
        backend: [
          {
            host: ['http://users'],
            url_pattern: '/u/{id}',
            extra_config: { 'qos/circuit-breaker': { interval: 60 } },
          },
          { host: ['http://orders'], url_pattern: '/o/{id}' },
        ],
      },
    ],
  };
}

function ids(config: Json, options: Parameters<typeof audit>[1] = {}): string[] {
  return audit(config, options).findings.map((f) => f.rule);
}

function mutate(change: (c: Json) => void): Json {
  const config = hardened();
  change(config);
  return config;
}

const endpoint = (c: Json) => c.endpoints[0];
const backend = (c: Json) => c.endpoints[0].backend[0];

/** Each rule, a config that breaks exactly that recommendation, and what the audit must say about it. */
const CASES: [string, (c: Json) => void, string[]][] = [
  ['1.1.1', (c) => (endpoint(c).extra_config['auth/basic'] = { users: {} }), ['1.1.1']],
  ['1.1.2', (c) => (c.extra_config['auth/api-keys'] = { keys: [] }), ['1.1.2']],
  ['1.2.1', (c) => delete endpoint(c).extra_config['auth/validator'], ['1.2.1']],
  ['2.1.1', (c) => (c.client_tls = { allow_insecure_connections: true }), ['2.1.1']],
  ['2.1.2', (c) => delete c.tls, ['2.1.2']],
  ['2.1.3', (c) => (c.tls.disabled = true), ['2.1.3']],
  ['2.1.7', (c) => delete c.extra_config['security/http'], ['2.1.7']],
  ['2.1.8', (c) => (c.extra_config.router.use_h2c = true), ['2.1.8']],
  [
    '2.1.9',
    (c) =>
      (backend(c).extra_config['backend/http/client'] = { client_tls: { allow_insecure_connections: true } }),
    ['2.1.9'],
  ],
  ['2.2.1', (c) => delete c.extra_config.router, ['2.2.1']],
  ['2.2.2', (c) => delete c.extra_config['security/cors'], ['2.2.2']],
  ['2.2.3', (c) => (endpoint(c).input_headers = ['*']), ['2.2.3']],
  ['2.2.4', (c) => (endpoint(c).input_query_strings = ['*']), ['2.2.4']],
  ['2.2.5', (c) => (c.extra_config.grpc = { server: { services: [] } }), ['2.2.5']],
  ['2.3.1', (c) => (backend(c).extra_config['qos/http-cache'] = { max_items: 100 }), ['2.3.1']],
  ['3.1.1', (c) => delete c.extra_config['security/bot-detector'], ['3.1.1']],
  ['3.1.2', (c) => delete endpoint(c).extra_config['qos/ratelimit/router'], ['3.1.2']],
  ['3.1.3', (c) => delete backend(c).extra_config, ['3.1.3']],
  ['3.3.1', (c) => (endpoint(c).timeout = '4s'), ['3.3.1']],
  ['3.3.2', (c) => (c.timeout = '6s'), ['3.3.1', '3.3.2']],
  ['3.3.3', (c) => (endpoint(c).timeout = '31s'), ['3.3.1', '3.3.2', '3.3.3']],
  ['3.3.4', (c) => (endpoint(c).timeout = '1m0.5s'), ['3.3.1', '3.3.2', '3.3.3', '3.3.4']],
  ['4.1.1', (c) => delete c.extra_config['telemetry/metrics'], ['4.1.1']],
  [
    '4.1.3',
    (c) => (c.extra_config['telemetry/opentelemetry'].exporters.prometheus = [{ name: 'p' }]),
    ['4.1.3'],
  ],
  [
    '4.2.1',
    (c) => (c.extra_config['telemetry/opentelemetry'].exporters.otlp[0].disable_traces = true),
    ['4.2.1'],
  ],
  ['4.3.1', (c) => delete c.extra_config['telemetry/logging'], ['4.3.1']],
  ['5.1.1', (c) => (c.disable_rest = true), ['5.1.1']],
  ['5.1.2', (c) => (c.debug_endpoint = true), ['5.1.2']],
  ['5.1.3', (c) => (c.echo_endpoint = true), ['5.1.3']],
  ['5.1.4', (c) => (endpoint(c).endpoint = '/users/*'), ['5.1.4']],
  ['5.1.5', (c) => (endpoint(c).endpoint = '/__catchall'), ['5.1.5']],
  // A backend without a method writes with its endpoint's: two of them under a POST endpoint.
  ['5.1.6', (c) => (endpoint(c).method = 'POST'), ['5.1.6']],
  ['5.1.7', (c) => (endpoint(c).extra_config.proxy = { sequential: true }), ['5.1.7']],
  ['5.2.1', (c) => c.endpoints.push({ endpoint: '/empty', backend: [] }), ['5.2.1']],
  ['5.2.2', (c) => endpoint(c).backend.pop(), ['5.2.2']],
  ['5.2.3', (c) => (c.output_encoding = 'no-op'), ['5.2.3']],
  [
    '6.1.1',
    (c) => Object.assign(c, { sequential_start: true, async_agent: Array.from({ length: 10 }, () => ({})) }),
    ['6.1.1'],
  ],
  ['7.1.1', (c) => (c.extra_config['plugin/http-server'] = { name: ['virtualhost'] }), ['7.1.1']],
  ['7.1.2', (c) => (c.extra_config['plugin/http-server'] = { name: 'static-filesystem' }), ['7.1.2']],
  ['7.1.3', (c) => (c.extra_config['plugin/http-server'] = { name: ['basic-auth'] }), ['1.1.1', '7.1.3']],
  ['7.1.4', (c) => (c.extra_config['plugin/http-server'] = { name: ['wildcard'] }), ['7.1.4']],
  ['7.1.5', (c) => (endpoint(c).extra_config['plugin/http-client'] = { name: 'http-proxy' }), ['7.1.5']],
  [
    '7.1.6',
    (c) => (endpoint(c).extra_config['plugin/http-client'] = { name: 'static-filesystem' }),
    ['7.1.6'],
  ],
  ['7.1.7', (c) => (endpoint(c).extra_config['plugin/http-client'] = { name: 'no-redirect' }), ['7.1.7']],
  [
    '7.1.8',
    (c) => (backend(c).extra_config['plugin/req-resp-modifier'] = { name: ['content-replacer'] }),
    ['7.1.8'],
  ],
  [
    '7.1.9',
    (c) => (endpoint(c).extra_config['plugin/req-resp-modifier'] = { name: ['response-schema-validator'] }),
    ['7.1.9'],
  ],
  // Deprecated exporters still count as metrics exporters, so a second one is also a duplicate.
  ['7.2.1', (c) => (c.extra_config['telemetry/ganalytics'] = {}), ['4.1.3', '7.2.1']],
  ['7.2.2', (c) => (c.extra_config['telemetry/instana'] = {}), ['4.1.3', '7.2.2']],
  ['7.2.3', (c) => (c.extra_config['telemetry/opencensus'] = { exporters: {} }), ['4.1.3', '7.2.3']],
  ['7.2.4', (c) => (c.extra_config['telemetry/influx'] = { address: 'http://influx' }), ['7.2.4']],
  ['7.3.1', (c) => (c.tls = { public_key: '/cert.pem', private_key: '/key.pem' }), ['7.3.1']],
];

describe('krakend audit rules', () => {
  it('finds nothing in a config that follows every recommendation', () => {
    expect(audit(hardened()).findings).toEqual([]);
  });

  it.each(CASES)(
    'rule %s fires on the config that breaks it, and nothing else does',
    (_id, change, expected) => {
      const config = mutate(change);
      expect(ids(config)).toEqual(expected);
    },
  );

  it('covers every rule but 4.1.2, which krakend-audit declares without a condition', () => {
    const covered = new Set(CASES.map(([id]) => id));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual(['4.1.2']);
  });

  it('says where and why each finding fired', () => {
    const [finding] = audit(mutate((c) => (endpoint(c).timeout = '4s'))).findings;
    expect(finding).toMatchObject({
      rule: '3.3.1',
      severity: 'LOW',
      message: 'Set timeouts to below 3 seconds for improved performance.',
      pointer: '/endpoints/0/timeout',
    });
    expect(finding?.explanation).toMatch(/4000 ms/);
  });

  it('reads KrakenD 1.x namespaces as their KrakenD 2 names', () => {
    const config = mutate((c) => {
      c.extra_config['github_com/devopsfaith/krakend-cors'] = c.extra_config['security/cors'];
      delete c.extra_config['security/cors'];
      const validator = endpoint(c).extra_config['auth/validator'];
      delete endpoint(c).extra_config['auth/validator'];
      endpoint(c).extra_config['github.com/devopsfaith/krakend-jose/validator'] = validator;
    });
    expect(ids(config)).toEqual([]);
  });

  it('refuses unknown rule ids and severities instead of matching nothing', () => {
    expect(() => audit(hardened(), { exclude: ['9.9.9'] })).toThrow(/unknown rule id 9\.9\.9/);
    expect(() => audit(hardened(), { severities: ['SEVERE'] })).toThrow(/severity "SEVERE" is not one of/);
  });

  it('filters like krakend audit: excluded or unrequested rules are skipped, order is kept', () => {
    const everything = mutate((c) => {
      delete c.tls;
      c.debug_endpoint = true;
      endpoint(c).timeout = '2m';
    });
    const all = audit(everything).findings;
    fc.assert(
      fc.property(
        fc.subarray(RULES.map((r) => r.id)),
        fc.subarray(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'], { minLength: 1 }),
        (exclude, severities) => {
          const filtered = ids(everything, { exclude, severities: severities.map((s) => s.toLowerCase()) });
          const expected = all
            .filter((f) => !exclude.includes(f.rule) && severities.includes(f.severity))
            .map((f) => f.rule);
          expect(filtered).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Go durations', () => {
  it('reads what KrakenD reads and nothing else', () => {
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('0')).toBe(0);
    for (const bad of ['', '10', 's', '1 s', '1d', '-', 'ms5']) expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('sums its parts (property)', () => {
    const unit = fc.constantFrom(['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(10_000), unit), { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map(([n, [u]]) => `${n}${u}`).join('');
        const expected = parts.reduce((sum, [n, [, ms]]) => sum + n * (ms as number), 0);
        expect(parseGoDuration(text)).toBe(expected);
      }),
    );
  });
});
