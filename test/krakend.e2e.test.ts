import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSchemas } from './helpers/krakend-schemas.js';
import { connectKrakend, type Session, spawnRampart, type TextResult } from './helpers/mcp.js';
import { type LocalServer, startServer } from './helpers/web.js';

let base: string;
let project: string;
let schemaDir: string;
let docsDir: string;
let session: Session;

const CONFIG = `{
  "$schema": "https://www.krakend.io/schema/v2.2/krakend.json",
  "version": 3,
  "port": 8080,
  "timeout": "10s",
  "extra_config": { "security/cors": { "allow_origins": ["*"] }, "auth/api-keys": {} },
  "endpoints": [
    {
      "endpoint": "/users/{id}",
      "input_headers": ["*"],
      "backend": [{ "host": ["http://users"], "url_pattern": "/u/{id}" }]
    }
  ]
}`;

const PAGES: Record<string, string> = {
  'endpoints/rate-limit.md':
    '---\ntitle: Endpoint Rate Limit\nmenu:\n  main:\n    parent: "090 Traffic Management"\nmeta:\n  namespace:\n  - qos/ratelimit/router\n---\nLimit how many requests an endpoint accepts.\n\n## Per client\nUse `client_max_rate` with the `ip` strategy to limit each IP address.\n',
  'backends/circuit-breaker.md':
    '---\ntitle: Circuit Breaker\n---\nStop calling a failing backend.\n\n## Configuration\nSet `max_errors` and `interval`.\n',
  'service-settings/CORS.md':
    '---\ntitle: CORS\n---\n{{< note >}}\nBrowsers need it.\n{{< /note >}}\nCross-origin resource sharing for browser clients.\n',
};

function structured<T = Record<string, unknown>>(result: TextResult): T {
  expect(result.isError, result.text).toBe(false);
  return result.structured as T;
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-e2e-')));
  project = path.join(base, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'krakend.json'), CONFIG);
  writeFileSync(path.join(base, 'outside.json'), CONFIG);
  schemaDir = writeSyntheticSchemas(path.join(base, 'schema'));
  docsDir = path.join(base, 'docs');
  for (const [file, text] of Object.entries(PAGES)) {
    mkdirSync(path.dirname(path.join(docsDir, file)), { recursive: true });
    writeFileSync(path.join(docsDir, file), text);
  }
  session = await connectKrakend({
    roots: [project],
    schemaDir,
    docsDir,
    dataDir: path.join(base, 'data'),
    offline: true,
    krakendBinary: path.join(base, 'no-krakend-here'),
  });
});

afterAll(async () => {
  await session?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('krakend server over MCP', () => {
  it('offers the KrakenD MCP server tools, read-only, each with an output schema', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'audit_security',
      'check_edition_compatibility',
      'detect_runtime_environment',
      'generate_backend_config',
      'generate_basic_config',
      'generate_endpoint_config',
      'list_features',
      'refresh_documentation_index',
      'search_documentation',
      'validate_config',
    ]);
    for (const tool of tools) {
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.annotations?.destructiveHint, tool.name).toBe(false);
    }
  });

  it('validate_config reads a file inside the roots and reports pointed errors', async () => {
    const ok = structured(await session.call('validate_config', { config: 'krakend.json', edition: 'ee' }));
    expect(ok).toMatchObject({ valid: true, version: '2.2', schema_origin: 'local', required_edition: 'ee' });
    const bad = await session.call('validate_config', {
      config:
        '{\n  "version": 3,\n  "port": -1,\n  "endpoints": [{ "endpoint": "/a", "backend": [], "extra_config": { "qos/new-thing": {} } }]\n}',
    });
    const result = structured<{ valid: boolean; errors: { pointer: string; line: number; hint?: string }[] }>(
      bad,
    );
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => [e.pointer, e.line])).toEqual([
      ['/port', 3],
      ['/endpoints/0/backend', 4],
    ]);
    expect(bad.text).toMatch(/error 3:11 \/port: must be >= 0/);
    expect(bad.text).toMatch(/krakend check: not run \(no krakend binary installed/);
  });

  it('validate_config names the Enterprise namespaces of a CE config', async () => {
    const result = structured<{ errors: { code: string; pointer: string }[] }>(
      await session.call('validate_config', { config: CONFIG, edition: 'ce' }),
    );
    expect(result.errors.map((e) => [e.code, e.pointer])).toEqual([
      ['enterprise_only', '/extra_config/auth~1api-keys'],
    ]);
  });

  it('validate_config validates the rendered file of a Flexible Configuration template', async () => {
    const template = '{\n  "version": 3,\n  "port": {{ .service.port }},\n  "endpoints": []\n}';
    const result = structured<{ valid: boolean; flexible_configuration: { settings: string[] } }>(
      await session.call('validate_config', {
        config: template,
        rendered: '{"version": 3, "port": 8080, "endpoints": []}',
      }),
    );
    expect(result.valid).toBe(true);
    expect(result.flexible_configuration.settings).toEqual(['service']);
  });

  it('audit_security reports krakend-audit findings with where they fired', async () => {
    const result = await session.call('audit_security', { config: CONFIG });
    const audit = structured<{
      findings: { rule: string; line: number; pointer: string }[];
      passed: boolean;
    }>(result);
    expect(audit.passed).toBe(false);
    expect(audit.findings.map((f) => f.rule)).toEqual([
      '1.1.2',
      '1.2.1',
      '2.1.2',
      '2.1.7',
      '2.2.1',
      '2.2.3',
      '3.1.1',
      '3.1.2',
      '3.1.3',
      '3.3.1',
      '3.3.2',
      '4.1.1',
      '4.2.1',
      '4.3.1',
      '5.2.2',
    ]);
    expect(audit.findings.find((f) => f.rule === '2.2.3')).toMatchObject({
      pointer: '/endpoints/0/input_headers',
      line: 10,
    });
    expect(result.text).toMatch(/^1\.1\.2\t\[MEDIUM\]\tImplement stateless authorization/);
    const critical = structured<{ findings: unknown[] }>(
      await session.call('audit_security', { config: CONFIG, severities: ['critical'], exclude: ['3.3.1'] }),
    );
    expect(critical.findings).toEqual([]);
  });

  it('refuses bad audit input with a clear line', async () => {
    const notJson = await session.call('audit_security', { config: '{"version": 3,,}' });
    expect(notJson).toMatchObject({ isError: true });
    expect(notJson.text).toMatch(/the inline config is not valid JSON at line 1, column 15/);
    const template = await session.call('audit_security', { config: '{"port": {{ .env.port }}}' });
    // A template is rendered first now; what it renders to must still be JSON.
    expect(template).toMatchObject({ isError: true });
    expect(template.text).toMatch(/the inline config \(rendered\) is not valid JSON at line 1, column 10/);
    const severity = await session.call('audit_security', { config: CONFIG, severities: ['URGENT'] });
    expect(severity.text).toMatch(/severity "URGENT" is not one of CRITICAL, HIGH, MEDIUM, LOW/);
  });

  it('check_edition_compatibility and list_features read editions from the schema', async () => {
    const edition = structured<{ edition: string; ee_features: string[] }>(
      await session.call('check_edition_compatibility', { config: 'krakend.json' }),
    );
    expect(edition).toMatchObject({ edition: 'ee', ee_features: ['auth/api-keys'] });
    const ee = structured<{ features: { namespace: string }[] }>(
      await session.call('list_features', { ee: true }),
    );
    expect(ee.features.map((f) => f.namespace)).toEqual(['auth/api-keys', 'telemetry/moesif']);
    const query = structured<{ features: { namespace: string; scopes: string[] }[] }>(
      await session.call('list_features', { query: 'rate limit', version: '2.1' }),
    );
    expect(query.features).toMatchObject([{ namespace: 'qos/ratelimit/router', scopes: ['endpoint'] }]);
  });

  it('search_documentation finds the page, with breadcrumb, section URL and passage', async () => {
    const result = structured<{ results: { url: string; breadcrumb: string; passage: string }[] }>(
      await session.call('search_documentation', { query: 'limit requests per IP address', max_results: 2 }),
    );
    expect(result.results[0]).toMatchObject({
      url: 'https://www.krakend.io/docs/endpoints/rate-limit/#per-client',
      breadcrumb: 'Traffic Management › Endpoint Rate Limit › Per client',
    });
    expect(result.results[0]?.passage).toMatch(/client_max_rate/);
    const cors = structured<{ results: { url: string; passage: string }[] }>(
      await session.call('search_documentation', { query: 'cors browser' }),
    );
    expect(cors.results[0]?.url).toBe('https://www.krakend.io/docs/service-settings/cors/');
    expect(cors.results[0]?.passage).not.toMatch(/\{\{</);
  });

  it('generated configs, endpoints and backends pass validate_config', async () => {
    const generated = structured<{ config: Record<string, unknown>; version: string }>(
      await session.call('generate_basic_config', {
        endpoints: [
          {
            path: '/users/{id}',
            jwt: { alg: 'RS256', jwk_url: 'https://idp/jwks.json' },
            backends: [{ url: 'http://users', url_pattern: '/u/{id}' }],
          },
        ],
        cors_origins: ['https://app.example.com'],
        security_headers: false,
        logging: false,
      }),
    );
    expect(generated.version).toBe('2.2');
    const check = structured<{ valid: boolean }>(
      await session.call('validate_config', { config: JSON.stringify(generated.config) }),
    );
    expect(check.valid).toBe(true);
    const endpoint = await session.call('generate_endpoint_config', {
      path: '/orders',
      method: 'POST',
      backends: [{ url: 'http://orders' }],
    });
    expect(structured<{ warnings: string[] }>(endpoint).warnings.join()).toMatch(
      /writes without JWT validation/,
    );
    const backend = structured<{ backend_config: Record<string, unknown> }>(
      await session.call('generate_backend_config', {
        url: 'http://users',
        url_pattern: '/users',
        version: '2.1',
      }),
    );
    expect(backend.backend_config).toMatchObject({
      host: ['http://users'],
      extra_config: { 'qos/circuit-breaker': {} },
    });
  });

  it('generation refuses extra_config the schema rejects instead of returning an invalid config', async () => {
    const result = await session.call('generate_backend_config', {
      url: 'http://users',
      extra_config: { 'qos/ratelimit/router': { max_rate: 1 } },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/would not pass validation .*qos~1ratelimit~1router: unknown key/);
  });

  it('refresh_documentation_index picks up a changed docs folder, and says when nothing changed', async () => {
    writeFileSync(
      path.join(docsDir, 'backends', 'lambda.md'),
      '---\ntitle: AWS Lambda\n---\nInvoke Lambda functions.\n',
    );
    const updated = structured<{ updated: boolean; pages: number }>(
      await session.call('refresh_documentation_index', {}),
    );
    expect(updated).toMatchObject({ updated: true, pages: 4 });
    const again = structured<{ updated: boolean; message: string }>(
      await session.call('refresh_documentation_index', {}),
    );
    expect(again).toMatchObject({ updated: false, message: 'the folder is unchanged' });
    const hit = structured<{ results: { title: string }[] }>(
      await session.call('search_documentation', { query: 'lambda functions' }),
    );
    expect(hit.results[0]?.title).toBe('AWS Lambda');
  });

  it('detect_runtime_environment reports no binary and schema-only mode', async () => {
    const result = structured<{ execution_mode: string; target_version: string; commands: unknown[] }>(
      await session.call('detect_runtime_environment', { config: 'krakend.json' }),
    );
    expect(result).toMatchObject({
      execution_mode: expect.stringMatching(/schema_only|docker/),
      target_version: '2.2',
    });
  });
});

describe('krakend cross-checks with an installed binary', () => {
  let withBinary: Session;

  beforeAll(async () => {
    const fake = path.join(base, 'bin', 'krakend');
    mkdirSync(path.dirname(fake), { recursive: true });
    writeFileSync(
      fake,
      [
        '#!/bin/sh',
        'case "$1" in',
        '  version) echo "KrakenD Version: 2.2.4"; echo "Go Version: go1.22" ;;',
        '  check) echo "Syntax OK!" ;;',
        `  audit) echo '{"recommendations":[{"rule":"1.1.2","severity":"MEDIUM","message":"m"}],"stats":{}}' >&2; exit 1 ;;`,
        'esac',
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
    withBinary = await connectKrakend({
      roots: [project],
      schemaDir,
      docsDir,
      dataDir: path.join(base, 'data-2'),
      offline: true,
      krakendBinary: fake,
    });
  });

  afterAll(() => withBinary?.close());

  it('runs krakend check beside the schema validation, and finds a matching version', async () => {
    const result = structured<{ native_check: Record<string, unknown> }>(
      await withBinary.call('validate_config', { config: 'krakend.json' }),
    );
    expect(result.native_check).toMatchObject({
      ran: true,
      version: '2.2.4',
      passed: true,
      output: 'Syntax OK!',
    });
    const runtime = structured<Record<string, unknown>>(
      await withBinary.call('detect_runtime_environment', { config: 'krakend.json' }),
    );
    expect(runtime).toMatchObject({
      execution_mode: 'native',
      version_match: true,
      krakend: { version: '2.2.4' },
    });
  });

  it('compares its findings with krakend audit and says when they differ', async () => {
    const result = structured<{ native_check: Record<string, unknown> }>(
      await withBinary.call('audit_security', { config: 'krakend.json' }),
    );
    expect(result.native_check).toMatchObject({ ran: true, rules: ['1.1.2'], agrees: false });
  });
});

describe('krakend docs refresh', () => {
  let site: LocalServer;
  let llms =
    '# [Rate limit](https://www.krakend.io/docs/endpoints/rate-limit/)\nLimit requests.\n## Per IP\nstrategy ip\n';
  let version = 1;

  beforeAll(async () => {
    site = await startServer('127.0.0.1', (req, res) => {
      const etag = `"v${version}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { etag, 'content-type': 'text/plain' }).end(llms);
    });
  });

  afterAll(() => site?.close());

  it('downloads llms-full.txt, re-checks with its ETag when stale, and swaps in a changed index', async () => {
    const docs = await connectKrakend({
      roots: [project],
      schemaDir,
      dataDir: path.join(base, 'data-docs'),
      docsUrl: `${site.origin}/llms-full.txt`,
      docsMaxAgeDays: 1e-9,
    });
    try {
      const first = structured<{ results: { url: string }[] }>(
        await docs.call('search_documentation', { query: 'per ip' }),
      );
      expect(first.results[0]?.url).toBe('https://www.krakend.io/docs/endpoints/rate-limit/#per-ip');
      const unchanged = structured<{ updated: boolean; message: string }>(
        await docs.call('refresh_documentation_index', {}),
      );
      expect(unchanged).toMatchObject({ updated: false, message: 'unchanged (304 Not Modified)' });
      expect(site.seen.at(-1)?.headers['if-none-match']).toBe('"v1"');
      llms +=
        '# [Circuit breaker](https://www.krakend.io/docs/backends/circuit-breaker/)\nStop calling failing backends.\n';
      version = 2;
      const updated = structured<{ updated: boolean; pages: number }>(
        await docs.call('refresh_documentation_index', {}),
      );
      expect(updated).toMatchObject({ updated: true, pages: 2 });
      const second = structured<{ results: { url: string }[] }>(
        await docs.call('search_documentation', { query: 'failing backends' }),
      );
      expect(second.results[0]?.url).toBe('https://www.krakend.io/docs/backends/circuit-breaker/');
    } finally {
      await docs.close();
    }
    // A new process with downloads off answers from the cached index.
    const offline = await connectKrakend({
      roots: [project],
      schemaDir,
      dataDir: path.join(base, 'data-docs'),
      docsUrl: `${site.origin}/llms-full.txt`,
      offline: true,
    });
    try {
      const cached = structured<{ results: { url: string }[] }>(
        await offline.call('search_documentation', { query: 'failing backends' }),
      );
      expect(cached.results[0]?.url).toBe('https://www.krakend.io/docs/backends/circuit-breaker/');
    } finally {
      await offline.close();
    }
  });
});

describe('rampart krakend over stdio', () => {
  it('serves validate_config from the built CLI with offline schemas', async () => {
    const cli = await spawnRampart([
      'krakend',
      project,
      '--offline',
      '--schema-dir',
      schemaDir,
      '--docs-dir',
      docsDir,
      '--data-dir',
      path.join(base, 'data-cli'),
    ]);
    try {
      const result = structured<{ valid: boolean; version: string }>(
        await cli.call('validate_config', { config: path.join(project, 'krakend.json') }),
      );
      expect(result).toMatchObject({ valid: true, version: '2.2' });
    } finally {
      await cli.close();
    }
  });
});
