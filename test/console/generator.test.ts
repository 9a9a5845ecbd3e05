import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditRecord, noAudit } from '../../src/core/audit.js';
import { packageVersion } from '../../src/core/version.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { consoleGenerator, MAX_GENERATE_BYTES, TOOLKIT_ENV } from '../../src/gateway/console-generator.js';
import { ConsoleSessions } from '../../src/gateway/console-session.js';
import { startGateway } from '../../src/gateway/serve.js';
import { generateProject } from '../../src/generator/index.js';
import { auditRecordsWhen } from '../helpers/audit.js';
import { makeLayout } from '../helpers/sandbox.js';
import { type Signed, signInOverHttp, TOKEN } from './helpers.js';

const GENERATE = '/console/api/generate';
const openapi = (file: string) =>
  readFileSync(path.join(import.meta.dirname, '../generator/openapi', file), 'utf8');

/** One spec of each kind, with the options that change what is generated. */
const SPECS: Record<string, Record<string, unknown>> = {
  fs: { kind: 'fs', name: 'con-fs', description: 'Reads the docs.', roots: ['./docs'], readOnly: true },
  custom: {
    kind: 'custom',
    name: 'con-custom',
    tools: [{ name: 'summarize', description: 'Summarizes a text.' }, { name: 'translate' }],
  },
  git: { kind: 'git', name: 'con-git', repository: '.' },
  db: { kind: 'db', name: 'con-db', engine: 'postgres', urlEnv: 'APP_DB_URL', schemas: ['public'] },
  api: { kind: 'api', name: 'con-api', openapi: openapi('weather-3.1.yaml') },
  client: {
    kind: 'client',
    name: 'con-client',
    servers: [
      { name: 'files', target: 'npx rampart fs .' },
      { name: 'remote', target: 'https://mcp.example.com/mcp' },
    ],
  },
};

interface Generated {
  files: { path: string; content: string }[];
  notes: string[];
}

describe('console generator API against rampart serve', () => {
  let layout: ReturnType<typeof makeLayout>;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let signed: Signed;
  let auditLog: string;

  beforeAll(async () => {
    layout = makeLayout();
    auditLog = path.join(layout.base, 'audit.jsonl');
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', auditLog }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
    signed = await signInOverHttp(gateway.url);
  });

  afterAll(async () => {
    await gateway?.close();
    layout?.cleanup();
  });

  function session(extra: Record<string, string> = {}): Record<string, string> {
    return { cookie: signed.cookie, 'x-rampart-csrf': signed.csrf, origin: gateway.url, ...extra };
  }

  function generate(body: string, headers: Record<string, string> = session()): Promise<Response> {
    return fetch(`${gateway.url}${GENERATE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  }

  it.each(Object.keys(SPECS))(
    'answers a %s spec with the files and notes generateProject makes',
    async (kind) => {
      const response = await generate(JSON.stringify(SPECS[kind]));
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const answer = (await response.json()) as Generated;
      const expected = generateProject(SPECS[kind], { toolkit: `^${packageVersion()}` });
      expect(answer.notes).toEqual(expected.notes);
      expect(new Map(answer.files.map((f) => [f.path, f.content]))).toEqual(expected.files);
      expect(answer.files.map((f) => f.path)).toContain('package.json');
    },
  );

  it('audits a generation as a console record of its principal, without the OpenAPI text', async () => {
    const response = await generate(JSON.stringify(SPECS.api));
    expect(response.status).toBe(200);
    const isApi = (r: Record<string, unknown>) =>
      r.tool === 'generate' && r.outcome === 'ok' && (r.args as { kind?: string }).kind === 'api';
    const record = (await auditRecordsWhen(auditLog, isApi)).find(isApi);
    expect(record).toMatchObject({ server: 'console', client: 'local', outcome: 'ok' });
    expect(record?.args).toMatchObject({
      kind: 'api',
      name: 'con-api',
      openapi: expect.stringMatching(/characters/),
    });
    expect(readFileSync(auditLog, 'utf8')).not.toContain('openapi: 3.1');
  });

  it('refuses a bad spec with 400 naming the key, and audits the refusal', async () => {
    const response = await generate(
      JSON.stringify({ kind: 'custom', name: 'con-bad', tools: [{ name: 'Not Snake' }] }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_spec');
    expect(body.error_description).toMatch(/^tools\.0\.name: tool name "Not Snake" /);
    const records = await auditRecordsWhen(auditLog, (r) => r.tool === 'generate' && r.outcome === 'refused');
    expect(records.find((r) => r.tool === 'generate' && r.outcome === 'refused')?.message).toMatch(
      /^tools\.0\.name/,
    );
  });

  it.each([
    ['an unknown kind', { kind: 'rocket', name: 'x' }, /^kind: /],
    ['a missing name', { kind: 'fs' }, /^name: /],
    ['an unknown option', { kind: 'git', name: 'x', shell: 'rm -rf /' }, /shell/],
    ['custom without tools', { kind: 'custom', name: 'x', tools: [] }, /^tools: /],
  ])('refuses %s with 400 naming it', async (_what, spec, message) => {
    const response = await generate(JSON.stringify(spec));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(message);
  });

  it('path traversal: a project named ../../etc is refused by the spec, before any file is made', async () => {
    const response = await generate(JSON.stringify({ kind: 'fs', name: '../../etc' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(
      /^name: package name "\.\.\/\.\.\/etc" /,
    );
  });

  it('refuses a body that is not JSON with 400, and one not sent as JSON with 415', async () => {
    const broken = await generate('{"kind": "fs",');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error_description: string }).error_description).toBe(
      'the spec is not JSON',
    );
    const form = await fetch(`${gateway.url}${GENERATE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...session() },
      body: 'kind=fs&name=x',
    });
    expect(form.status).toBe(415);
  });

  it('refuses a body over the cap with 413 without reading it all', async () => {
    const huge = JSON.stringify({
      kind: 'api',
      name: 'con-huge',
      openapi: 'x'.repeat(MAX_GENERATE_BYTES + 1),
    });
    const response = await generate(huge);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(
      /larger than/,
    );
  });

  it('signed out: no session cookie gets 401 from generate and the form schema', async () => {
    const headers = { origin: gateway.url, 'x-rampart-csrf': signed.csrf };
    expect((await generate(JSON.stringify(SPECS.fs), headers)).status).toBe(401);
    expect((await fetch(`${gateway.url}${GENERATE}/schema`, { headers })).status).toBe(401);
  });

  it('CSRF: a session cookie without the CSRF header is refused with 403', async () => {
    const { 'x-rampart-csrf': _, ...noCsrf } = session();
    const response = await generate(JSON.stringify(SPECS.fs), noCsrf);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe('csrf');
  });

  it.each([
    ['another origin', { origin: 'https://evil.example' }],
    ['another port of the same host', { origin: 'http://127.0.0.1:9' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('cross-origin: a POST from %s is refused with 403', async (_what, headers) => {
    const response = await generate(JSON.stringify(SPECS.fs), session(headers));
    // The gateway's own Origin check may answer before the console's: either way, nothing is generated.
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('package.json');
  });

  it('CSRF: a POST without an Origin is refused with 403', async () => {
    const { origin: _, ...noOrigin } = session();
    expect((await generate(JSON.stringify(SPECS.fs), noOrigin)).status).toBe(403);
  });

  it('SSRF: an OpenAPI document given as a URL is refused as not a document, and never fetched', async () => {
    const requests: string[] = [];
    const listener = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(openapi('library-3.0.json'));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/openapi.json`;
      for (const spec of [
        { kind: 'api', name: 'con-ssrf', openapi: url },
        { kind: 'api', name: 'con-ssrf', openapi: url, source: url },
      ]) {
        const response = await generate(JSON.stringify(spec));
        expect(response.status).toBe(400);
        const { error_description } = (await response.json()) as { error_description: string };
        expect(error_description).toBe(
          `openapi: ${url} is a URL, not an OpenAPI document; the console fetches nothing, so upload or paste the document itself`,
        );
      }
      expect(requests).toEqual([]);
    } finally {
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it('serves each kind’s options as a JSON Schema for the form, without the kind itself', async () => {
    const response = await fetch(`${gateway.url}${GENERATE}/schema`, { headers: session() });
    expect(response.status).toBe(200);
    const { kinds } = (await response.json()) as {
      kinds: { kind: string; schema: { properties: Record<string, unknown>; required: string[] } }[];
    };
    expect(kinds.map((k) => k.kind).sort()).toEqual(['api', 'client', 'custom', 'db', 'fs', 'git']);
    for (const { schema } of kinds) {
      expect(schema.properties.kind).toBeUndefined();
      expect(schema.required).toContain('name');
      expect(schema.required).not.toContain('kind');
    }
    const api = kinds.find((k) => k.kind === 'api')?.schema;
    expect(api?.required).toEqual(['name', 'openapi']);
    expect(api?.properties.openapi).toMatchObject({ type: 'string', maxLength: 8 * 1024 * 1024 });
  });

  /** A generator of its own (no gateway around it), with one signed-in session, posting `spec` as that session. */
  function standalone(
    options: { env?: Record<string, string>; points?: number; audit?: AuditRecord[] } = {},
  ) {
    const sessions = new ConsoleSessions();
    const session = sessions.create({ token: 'unused', clientId: 'local', scopes: [] });
    const audit = options.audit
      ? { enabled: true, record: (entry: AuditRecord) => options.audit?.push(entry), close: async () => {} }
      : noAudit;
    const rateLimiter = new RateLimiterMemory({ points: options.points ?? 100, duration: 60 });
    const generator = consoleGenerator({ sessions, audit, rateLimiter }, options.env ?? {});
    return (spec: unknown) =>
      generator.fetch(
        new Request('http://127.0.0.1:8787/', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            origin: 'http://127.0.0.1:8787',
            cookie: `rampart-console=${session.id}`,
            'x-rampart-csrf': session.csrfToken,
          },
          body: JSON.stringify(spec),
        }),
      );
  }

  it('costs a call from the principal’s rate-limit budget, refusing one past it with 429 and Retry-After', async () => {
    const records: AuditRecord[] = [];
    const post = standalone({ points: 2, audit: records });
    expect((await post(SPECS.git)).status).toBe(200);
    expect((await post(SPECS.git)).status).toBe(200);
    const refused = await post(SPECS.git);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error_description: string }).error_description).toMatch(
      /^too many calls; retry in \d+ s$/,
    );
    expect(records.map((r) => r.outcome)).toEqual(['ok', 'ok', 'rate_limited']);
  });

  it('makes projects depend on RAMPART_CONSOLE_TOOLKIT when it is set, as rampart new --toolkit does', async () => {
    const toolkit = 'file:/tmp/rampart-mcp-0.0.0.tgz';
    const response = await standalone({ env: { [TOOLKIT_ENV]: toolkit } })(SPECS.git);
    expect(response.status).toBe(200);
    const { files } = (await response.json()) as Generated;
    const manifest = JSON.parse(files.find((f) => f.path === 'package.json')?.content ?? '{}') as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['rampart-mcp']).toBe(toolkit);
  });
});
