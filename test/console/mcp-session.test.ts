import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../../src/gateway/serve.js';
import { auditRecordsWhen } from '../helpers/audit.js';
import { toolCallBody } from '../helpers/http-client.js';
import { textOf } from '../helpers/mcp.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';
import { postMcpWithSession, signInOverHttp, TOKEN } from './helpers.js';

/** The official MCP client, sending what the console's page sends: the cookie, the CSRF header, its Origin. */
async function consoleClient(url: string, server: string, headers: Record<string, string>): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp/${server}`), {
    requestInit: { headers },
  });
  const client = new Client({ name: 'console-session-test', version: '1' });
  await client.connect(transport);
  return client;
}

function post(url: string, headers: Record<string, string>): Promise<Response> {
  return postMcpWithSession(url, 'fs', headers, toolCallBody('list_directory', { path: '.' }));
}

describe('console sessions call tools through the gateway path', () => {
  let layout: Layout;
  let gateway: RunningGateway;
  let audit: string;

  beforeAll(async () => {
    layout = makeLayout();
    audit = path.join(layout.base, 'audit.jsonl');
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        auditLog: audit,
        rateLimitRequests: 20,
      }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    layout?.cleanup();
  });

  it('calls a tool with the session, audited as the principal who signed in', async () => {
    const { cookie, csrf } = await signInOverHttp(gateway.url);
    const client = await consoleClient(gateway.url, 'fs', {
      cookie,
      'x-rampart-csrf': csrf,
      origin: gateway.url,
    });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('list_directory');
      const result = textOf(
        await client.callTool({ name: 'list_directory', arguments: { path: layout.root } }),
      );
      expect(result.isError).toBe(false);
      expect(result.text).toContain('hello.txt');
    } finally {
      await client.close();
    }
    const records = await auditRecordsWhen(audit, (r) => r.tool === 'list_directory');
    expect(records.find((r) => r.tool === 'list_directory')).toMatchObject({
      server: 'fs',
      client: 'local',
      outcome: 'ok',
    });
    expect(records.find((r) => r.tool === 'sign_in')).toMatchObject({ server: 'console', outcome: 'ok' });
  });

  it('CSRF: a request with the session cookie but no CSRF header reaches no tool', async () => {
    const { cookie } = await signInOverHttp(gateway.url);
    const response = await post(gateway.url, { cookie, origin: gateway.url });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe('csrf');
  });

  it('CSRF: a page on another port of this host (same site: the cookie is sent) reaches no tool', async () => {
    const { cookie, csrf } = await signInOverHttp(gateway.url);
    const other = new URL(gateway.url);
    other.port = String(Number(other.port) === 65_535 ? 1 : Number(other.port) + 1);
    const attempts: Record<string, string>[] = [
      { cookie, origin: other.origin },
      { cookie, 'x-rampart-csrf': csrf, origin: other.origin },
      { cookie, 'x-rampart-csrf': csrf },
    ];
    for (const headers of attempts) {
      const response = await post(gateway.url, headers);
      expect(response.status, JSON.stringify(Object.keys(headers))).toBe(403);
    }
  });

  it('a signed-out session reaches no tool', async () => {
    const { cookie, csrf } = await signInOverHttp(gateway.url);
    const out = await fetch(`${gateway.url}/console/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-rampart-csrf': csrf, origin: gateway.url },
    });
    expect(out.status).toBe(200);
    const response = await post(gateway.url, { cookie, 'x-rampart-csrf': csrf, origin: gateway.url });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_session');
    // Without a cookie, the gateway asks for its bearer token, as it does of any client.
    const bare = await post(gateway.url, { origin: gateway.url });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('counts a session calls against the principal rate limit, as any client of that principal', async () => {
    const { cookie, csrf } = await signInOverHttp(gateway.url);
    const headers = { cookie, 'x-rampart-csrf': csrf, origin: gateway.url };
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await post(gateway.url, headers)).status);
    expect(statuses).toContain(429);
    // The bearer token is the same principal ("local"): it is out of calls too.
    const bearer = await post(gateway.url, { authorization: `Bearer ${TOKEN}` });
    expect(bearer.status).toBe(429);
  });
});
