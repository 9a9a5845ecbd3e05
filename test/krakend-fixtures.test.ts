import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit } from '../src/servers/krakend/audit/audit.js';
import { DocsLibrary } from '../src/servers/krakend/docs/library.js';
import { buildService } from '../src/servers/krakend/generate.js';
import { SchemaRegistry } from '../src/servers/krakend/schema/registry.js';
import { SchemaSource } from '../src/servers/krakend/schema/source.js';
import { validateText } from '../src/servers/krakend/validate.js';
import { describeWithFixtures, fixture } from './helpers/fixtures.js';
import { serveDirectory } from './helpers/static-site.js';
import type { LocalServer } from './helpers/web.js';

const SLOW_MS = 60_000;

let base: string;
let local: SchemaRegistry;
let site: LocalServer;

function readFixture(...parts: string[]): string {
  return readFileSync(fixture('krakend', ...parts), 'utf8');
}

/** Line and column (from 1) of the n-th occurrence of `needle`. */
function positionOf(text: string, needle: string, occurrence = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

describeWithFixtures(
  'krakend',
  'KrakenD conformance: the published schemas, real configs, audit and docs',
  () => {
    beforeAll(async () => {
      base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-fixtures-')));
      local = new SchemaRegistry(
        new SchemaSource({
          localDir: fixture('krakend', 'schema'),
          cacheDir: path.join(base, 'unused'),
          baseUrl: 'http://127.0.0.1:9/schema/',
          offline: true,
          timeoutMs: 5000,
          maxBytes: 1 << 26,
        }),
      );
      site = await serveDirectory(fixture('krakend', 'schema'), '/schema/');
    });

    afterAll(async () => {
      await site?.close();
      rmSync(base, { recursive: true, force: true });
    });

    const versions = () =>
      readdirSync(fixture('krakend', 'schema'))
        .filter((name) => /^v\d+\.\d+$/.test(name))
        .map((name) => name.slice(1));

    it(
      'loads and compiles every schema version from the fixtures folder, with the draft each declares',
      async () => {
        const found = versions();
        expect(found).toHaveLength(13);
        for (const version of found) {
          const loaded = await local.load(version);
          expect(loaded.draft).toBe(version === '2.13' ? '2019-09' : 'draft-07');
          expect(loaded.catalog.features.length).toBeGreaterThan(20);
        }
      },
      SLOW_MS,
    );

    it(
      'loads every version from a loopback server at krakend.io paths, split files and all, into the cache',
      async () => {
        const registry = new SchemaRegistry(
          new SchemaSource({
            cacheDir: path.join(base, 'cache'),
            baseUrl: `${site.origin}/schema/`,
            offline: false,
            timeoutMs: 5000,
            maxBytes: 1 << 26,
          }),
        );
        expect(await registry.latestVersion()).toBe('2.13');
        for (const version of versions()) {
          const loaded = await registry.load(version);
          expect(loaded.origin).toBe('download');
        }
        const fetched = site.seen.map((r) => r.url);
        expect(fetched).toContain('/schema/v2.1/auth/validator.json');
        expect(fetched).toContain('/schema/v2.13/krakend.json');
        // v2.1–v2.6 are many files each; v2.7+ are one.
        expect(fetched.filter((u) => u.startsWith('/schema/v2.3/')).length).toBeGreaterThan(30);
        expect(fetched.filter((u) => u.startsWith('/schema/v2.9/'))).toEqual(['/schema/v2.9/krakend.json']);
      },
      SLOW_MS,
    );

    it('validates the real configs against their declared versions', async () => {
      const root = await validateText(readFixture('configs', 'krakend-ce-root.json'), local);
      expect(root).toMatchObject({ valid: true, version: '2.5', errors: [] });
      // The playground declares the deprecated v3.json, which points at v2.4.
      const playground = await validateText(
        readFixture('configs', 'playground-community', 'krakend.json'),
        local,
      );
      expect(playground).toMatchObject({
        valid: true,
        version: '2.4',
        versionNote: 'v3.json points at v2.4',
      });
    });

    it('explains the real configs that do not validate', async () => {
      // krakend-ce's test fixture sets `timeout` on two backends; no schema version has it there (KrakenD ignores it).
      const fixtureConfig = await validateText(
        readFixture('configs', 'krakend-ce-tests-fixture.json'),
        local,
      );
      expect(fixtureConfig.version).toBe('2.13');
      expect(fixtureConfig.errors.map((e) => [e.pointer, e.line, e.column])).toEqual([
        ['/endpoints/2/backend/0/timeout', 70, 15],
        ['/endpoints/2/backend/1/timeout', 75, 15],
      ]);
      expect(fixtureConfig.errors[0]?.hint).toMatch(/key of the service .* an endpoint .* not of a backend/);
      // The audit project's example uses KrakenD 1.x namespaces on purpose: each is named with its new name.
      const example = await validateText(readFixture('audit', 'example1.json'), local);
      const legacy = example.errors.filter((e) => e.hint?.includes('KrakenD 1.x name'));
      expect(legacy.length).toBeGreaterThanOrEqual(8);
      expect(example.errors.find((e) => e.pointer === '/allow_insecure_connections')?.hint).toMatch(
        /key of the service \(top level\) in v2\.1–v2\.\d+ but not in v2\.13/,
      );
      const revoker = await validateText(readFixture('audit', 'revoker.json'), local);
      expect(revoker.errors.map((e) => e.hint)).toEqual([
        '"github_com/devopsfaith/bloomfilter" is the KrakenD 1.x name of "auth/revoker"; KrakenD 2 configs use "auth/revoker"',
      ]);
    });

    it('detects the playground Flexible Configuration template and what it reads', async () => {
      const report = await validateText(
        readFixture('configs', 'playground-community', 'krakend-flexible-config.tmpl'),
        local,
      );
      expect(report.valid).toBe(false);
      expect(report.flexibleConfiguration).toMatchObject({
        detected: true,
        settings: ['env', 'loop_example'],
        partials: ['extra_config.tmpl'],
        templates: ['sample_template.tmpl'],
      });
    });

    it('points at mutations of a real config with the right line and column', async () => {
      const original = readFixture('configs', 'krakend-ce-root.json');
      const cases: [string, string, string, string, RegExp | undefined][] = [
        // [replace, with, expected pointer, text at the reported position, hint]
        ['"port": 8080', '"port": "8080"', '/port', '"8080"', undefined],
        [
          '"timeout": "3s",',
          '"timeout": "3s",\n    "timeuot": "3s",',
          '/timeuot',
          '"timeuot"',
          /did you mean "timeout"/,
        ],
        [
          '"auth/validator": {',
          '"telemetry/logging": { "level": "DEBUG" },\n                "auth/validator": {',
          '/endpoints/2/extra_config/telemetry~1logging',
          '"telemetry/logging": { "level": "DEBUG" },',
          /goes in the extra_config of the service/,
        ],
        ['"cache_ttl": "3600s"', '"cache_ttl": 3600', '/cache_ttl', '3600,', undefined],
        ['"method": "GET",', '"method": "FETCH",', '/endpoints/0/method', '"FETCH"', undefined],
      ];
      for (const [from, to, pointer, at, hint] of cases) {
        const text = original.replace(from, to);
        const report = await validateText(text, local);
        const error = report.errors.find((e) => e.pointer === pointer);
        expect(error, `${pointer} in ${JSON.stringify(report.errors)}`).toBeDefined();
        expect({ line: error?.line, column: error?.column }).toEqual(positionOf(text, at));
        if (hint) expect(error?.hint).toMatch(hint);
      }
      const enterprise = original.replace(
        '"qos/ratelimit/router": {',
        '"auth/api-keys": { "roles": ["admin"] },\n                "qos/ratelimit/router": {',
      );
      const ce = await validateText(enterprise, local, { edition: 'ce' });
      const error = ce.errors.find((e) => e.code === 'enterprise_only');
      expect(error).toMatchObject({ pointer: '/endpoints/3/extra_config/auth~1api-keys' });
      expect({ line: error?.line, column: error?.column }).toEqual(positionOf(enterprise, '"auth/api-keys"'));
    });

    it('reads editions from the schema: CE and EE namespaces of v2.13', async () => {
      const { catalog } = await local.load('2.13');
      const edition = (scope: string, namespace: string) =>
        catalog.features.find((f) => f.scope === scope && f.namespace === namespace)?.edition;
      expect(edition('service', 'auth/api-keys')).toBe('ee');
      expect(edition('service', 'telemetry/moesif')).toBe('ee');
      expect(edition('backend', 'backend/conditional')).toBe('ee');
      // CE features a hand-kept list called Enterprise: the schema says otherwise.
      expect(edition('service', 'security/bot-detector')).toBe('ce');
      expect(edition('endpoint', 'auth/signer')).toBe('ce');
      expect(edition('endpoint', 'qos/ratelimit/router')).toBe('ce');
      expect(edition('service', 'telemetry/opentelemetry')).toBe('ce');
    });

    it('audits example1.json exactly as krakend audit does, for each expected case, in order', () => {
      const expected = JSON.parse(readFixture('audit', 'expected.json')) as {
        cases: { config: string; exclude: string[]; severities: string[]; rules: string[] }[];
      };
      expect(expected.cases.length).toBeGreaterThan(0);
      for (const c of expected.cases) {
        const config = JSON.parse(readFixture('audit', c.config));
        const rules = audit(config, { exclude: c.exclude, severities: c.severities }).findings.map(
          (f) => f.rule,
        );
        expect(rules).toEqual(c.rules);
      }
    });

    it('gives revoker.json a stable, explained result', () => {
      const config = JSON.parse(readFixture('audit', 'revoker.json'));
      const first = audit(config).findings;
      expect(audit(JSON.parse(readFixture('audit', 'revoker.json'))).findings).toEqual(first);
      expect(first.map((f) => f.rule)).toEqual([
        '1.2.1',
        '2.1.2',
        '2.1.7',
        '2.2.1',
        '2.2.2',
        '3.1.1',
        '3.1.2',
        '3.1.3',
        '4.1.1',
        '4.2.1',
        '4.3.1',
        '5.2.2',
      ]);
      for (const finding of first) expect(finding.explanation.length).toBeGreaterThan(10);
    });

    it(
      'generates configs that pass validation against every published version',
      async () => {
        for (const version of versions()) {
          const { catalog } = await local.load(version);
          const notes = { catalog, warnings: [] as string[], bestPractices: [] as string[] };
          const config = buildService(
            {
              name: 'generated',
              cors_origins: ['https://app.example.com'],
              endpoints: [
                {
                  path: '/users/{id}',
                  method: 'GET',
                  jwt: { alg: 'RS256', jwk_url: 'https://idp.example.com/jwks.json', audience: ['api'] },
                  rate_limit: { max_rate: 100, client_max_rate: 10, strategy: 'ip' },
                  backends: [
                    {
                      url: 'http://users:8080',
                      url_pattern: '/users/{id}',
                      allow: ['id', 'name'],
                      cache: true,
                    },
                  ],
                },
                {
                  path: '/orders',
                  method: 'POST',
                  backends: [{ host: ['http://orders'], url_pattern: '/orders' }],
                },
              ],
            },
            notes,
          );
          const report = await validateText(JSON.stringify(config, null, 2), local);
          expect(report.errors, `v${version}`).toEqual([]);
          expect(report.version).toBe(version);
        }
      },
      SLOW_MS,
    );

    const QUESTIONS: [string, string][] = [
      ['How do I rate limit requests per IP address on an endpoint?', 'endpoints/rate-limit'],
      ['validate JWT tokens with a JWK URL', 'authorization/jwt-validation'],
      ['enable CORS so browsers can call the API', 'service-settings/cors'],
      ['circuit breaker to stop calling a failing backend', 'backends/circuit-breaker'],
      ['flexible configuration with templates and settings files', 'configuration/flexible-config'],
      ['limit the rate of requests KrakenD sends to a backend', 'backends/rate-limit'],
      ['cache backend responses', 'backends/caching'],
      ['configure TLS certificates for HTTPS', 'service-settings/tls'],
      ['send traces with OpenTelemetry', 'telemetry/opentelemetry'],
      ['expose Prometheus metrics', 'telemetry/prometheus'],
      ['detect and block bots by user agent', 'throttling/botdetector'],
      ['revoke JWT tokens before they expire', 'authorization/revoking-tokens'],
      ['sign tokens issued by the login backend', 'authorization/jwt-signing'],
      ['mutual TLS with client certificates', 'authorization/mutual-authentication'],
      ['Lua scripting to modify requests', 'endpoints/lua'],
      ['pass query strings and headers to the backend', 'endpoints/parameter-forwarding'],
      ['call backends one after another using data from the previous response', 'endpoints/sequential-proxy'],
      ['validate the request body against a JSON schema', 'endpoints/json-schema'],
      ['audit the configuration for security issues', 'configuration/audit'],
      ['check the configuration syntax before deploying', 'configuration/check'],
      ['run KrakenD in Docker', 'deploying/docker'],
      ['deploy KrakenD on Kubernetes', 'deploying/kubernetes'],
      ['send shadow traffic to a test backend', 'backends/shadow-backends'],
      ['send logs to Graylog with GELF', 'logging/graylog-gelf'],
      ['consume messages from a RabbitMQ queue', 'backends/amqp-consumer'],
      ['proxy requests without manipulating the response (no-op)', 'endpoints/no-op'],
      ['OAuth2 client credentials to reach a protected backend', 'authorization/client-credentials'],
      ['health check endpoint', 'service-settings/health'],
      ['override configuration with environment variables', 'configuration/environment-vars'],
      ['set timeouts for slow backends', 'throttling/timeouts'],
    ];

    it(
      'answers realistic questions with the right page in the top 3',
      async () => {
        const docs = new DocsLibrary({
          localDir: fixture('krakend', 'docs'),
          url: 'https://www.krakend.io/llms-full.txt',
          cacheDir: path.join(base, 'docs'),
          maxAgeMs: 7 * 24 * 3600 * 1000,
          offline: true,
          timeoutMs: 5000,
          maxBytes: 1 << 26,
          siteBase: 'https://www.krakend.io/',
        });
        const index = await docs.index();
        expect(index.pages).toBeGreaterThan(100);
        const misses: string[] = [];
        for (const [question, page] of QUESTIONS) {
          const hits = index.query(question, 3);
          const pages = hits.map((h) => h.url.split('#')[0]);
          if (!pages.includes(`https://www.krakend.io/docs/${page}/`))
            misses.push(`${question} → ${pages.join(', ')}`);
          for (const hit of hits) {
            expect(hit.breadcrumb).toContain(hit.title);
            expect(hit.passage.length).toBeGreaterThan(0);
          }
        }
        expect(misses).toEqual([]);
      },
      SLOW_MS,
    );
  },
);
