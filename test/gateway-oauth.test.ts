import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/core/config.js';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import { type AuditRecord, auditRecordsWhen } from './helpers/audit.js';
import { connectOverHttp, postMcp, toolCallBody } from './helpers/http-client.js';
import { textOf } from './helpers/mcp.js';
import { startTestIssuer, type TestIssuer } from './helpers/oidc.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('rampart serve (OAuth resource-server mode, against a real authorization server)', () => {
  let issuer: TestIssuer;
  let layout: Layout;
  let gateway: RunningGateway;
  let fsUrl: string;
  let audit: string;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    issuer = await startTestIssuer();
    layout = makeLayout();
    audit = path.join(layout.base, 'audit.jsonl');
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        oauthIssuer: issuer.issuer,
        auditLog: audit,
        tokenFile: path.join(layout.base, 'never-created'),
      }),
      servers: [
        { name: 'fs', kind: 'fs', options: { roots: [layout.root] } },
        { name: 'other', kind: 'fs', options: { roots: [layout.root], readOnly: true } },
      ],
      source: 'test',
      env: {},
    });
    fsUrl = `${gateway.url}/mcp/fs`;
  });

  afterAll(async () => {
    await gateway?.close();
    await issuer?.close();
    layout?.cleanup();
  });

  it('serves a client whose client-credentials token was issued for this gateway', async () => {
    const token = await issuer.token('reader', 'read', gateway.url);
    const client = await connectOverHttp(fsUrl, token);
    const result = await client.callTool({ name: 'read_text_file', arguments: { path: 'hello.txt' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result).text).toContain('hello');
    await client.close();
    // The audit names the token's client, not whatever the client called itself.
    const named = (r: AuditRecord) =>
      r.tool === 'read_text_file' && r.outcome === 'ok' && r.client === 'reader';
    expect((await auditRecordsWhen(audit, named)).some(named)).toBe(true);
    expect(gateway.auth).toEqual({ mode: 'oauth', issuer: issuer.issuer, resource: gateway.url });
  });

  it('answers a request without a token with 401 pointing at RFC 9728 metadata and the scope to ask for', async () => {
    const response = await postMcp(fsUrl, INIT);
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    const metadataUrl = `${gateway.url}/.well-known/oauth-protected-resource/mcp/fs`;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${metadataUrl}"`);
    expect(challenge).toContain('scope="read"');

    const metadata = await (await fetch(metadataUrl)).json();
    expect(metadata).toMatchObject({
      resource: fsUrl,
      authorization_servers: [issuer.issuer],
      scopes_supported: ['read', 'write', 'admin'],
      bearer_methods_supported: ['header'],
    });
    const root = (await (await fetch(`${gateway.url}/.well-known/oauth-protected-resource`)).json()) as {
      resource: string;
    };
    expect(root.resource).toBe(gateway.url);
  });

  it('refuses mount enumeration: an unmounted server gets the same 401 and metadata as a mounted one, and 404 only with a token', async () => {
    const nopeUrl = `${gateway.url}/mcp/nope`;
    const unmounted = await postMcp(nopeUrl, INIT);
    expect(unmounted.status).toBe(401);
    const metadataUrl = `${gateway.url}/.well-known/oauth-protected-resource/mcp/nope`;
    expect(unmounted.headers.get('www-authenticate')).toContain(`resource_metadata="${metadataUrl}"`);
    const mounted = await postMcp(fsUrl, INIT);
    expect(unmounted.headers.get('www-authenticate')?.replace('/nope', '/fs')).toBe(
      mounted.headers.get('www-authenticate'),
    );
    const metadata = await fetch(metadataUrl);
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({
      resource: nopeUrl,
      authorization_servers: [issuer.issuer],
    });
    // A path that can never be a server's name is challenged for the gateway as a whole.
    const odd = await postMcp(`${gateway.url}/mcp/NOT_A_NAME`, INIT);
    expect(odd.status).toBe(401);
    expect((await fetch(`${gateway.url}/.well-known/oauth-protected-resource/mcp/NOT_A_NAME`)).status).toBe(
      404,
    );

    const forNope = await postMcp(nopeUrl, INIT, await issuer.token('reader', 'read', nopeUrl));
    expect(forNope.status).toBe(404);
    const forGateway = await postMcp(nopeUrl, INIT, await issuer.token('reader', 'read', gateway.url));
    expect(forGateway.status).toBe(404);
    // A token for another server is no more use here than it is there.
    const forFs = await postMcp(nopeUrl, INIT, await issuer.token('reader', 'read', fsUrl));
    expect(forFs.status).toBe(401);
  });

  async function expectInvalidToken(token: string, reason: RegExp) {
    const response = await postMcp(fsUrl, INIT, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(reason);
  }

  it('refuses an expired token with 401', async () => {
    const token = await issuer.sign({
      iss: issuer.issuer,
      aud: gateway.url,
      client_id: 'reader',
      scope: 'read',
      iat: now() - 600,
      exp: now() - 120,
    });
    await expectInvalidToken(token, /expired/);
  });

  it('refuses a token issued for another audience with 401', async () => {
    await expectInvalidToken(await issuer.token('reader', 'read', 'https://elsewhere.example/'), /audience/);
  });

  it('refuses a token from another issuer, even one signed with a key the issuer publishes, with 401', async () => {
    const token = await issuer.sign({
      iss: 'https://evil.example',
      aud: gateway.url,
      scope: 'read',
      exp: now() + 300,
    });
    await expectInvalidToken(token, /issuer/);
  });

  it('refuses an unsigned alg:none token with 401', async () => {
    const token = new UnsecuredJWT({ iss: issuer.issuer, aud: gateway.url, scope: 'admin' })
      .setExpirationTime('5m')
      .encode();
    await expectInvalidToken(token, /algorithm|well-formed/);
  });

  it('refuses a tampered token (scope raised after signing) with 401', async () => {
    const [header, payload, signature] = (await issuer.token('reader', 'read', gateway.url)).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    const forged = `${header}.${base64url({ ...claims, scope: 'read write admin' })}.${signature}`;
    await expectInvalidToken(forged, /signature/);
  });

  it('refuses a token without an expiry with 401', async () => {
    const token = await issuer.sign({ iss: issuer.issuer, aud: gateway.url, scope: 'read' });
    await expectInvalidToken(token, /expiry/);
  });

  it('refuses a token whose not-before is in the future with 401', async () => {
    const token = await issuer.sign({
      iss: issuer.issuer,
      aud: gateway.url,
      scope: 'read',
      nbf: now() + 3600,
      exp: now() + 7200,
    });
    await expectInvalidToken(token, /not valid yet/);
  });

  it('refuses a read token calling a write tool with 403 insufficient_scope naming the scope to step up to', async () => {
    const token = await issuer.token('reader', 'read', gateway.url);
    const response = await postMcp(
      fsUrl,
      toolCallBody('create_directory', { path: 'made-by-reader' }),
      token,
    );
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="write"');
    expect(challenge).toContain('resource_metadata=');
  });

  it('lets a write token create, but asks it for admin before a destructive tool', async () => {
    const token = await issuer.token('writer', 'read write', gateway.url);
    const client = await connectOverHttp(fsUrl, token);
    const made = await client.callTool({
      name: 'create_directory',
      arguments: { path: 'made-by-writer' },
    });
    expect(made.isError).toBeFalsy();
    await client.close();
    const response = await postMcp(
      fsUrl,
      toolCallBody('write_file', { path: 'hello.txt', content: 'x' }),
      token,
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="admin"');
    expect(readFileSync(path.join(layout.root, 'hello.txt'), 'utf8')).toContain('hello');
  });

  it('lets an admin token run a destructive tool', async () => {
    const token = await issuer.token('admin', 'admin', gateway.url);
    const client = await connectOverHttp(fsUrl, token);
    const written = await client.callTool({
      name: 'write_file',
      arguments: { path: 'admin.txt', content: 'by admin' },
    });
    expect(written.isError).toBeFalsy();
    expect(readFileSync(path.join(layout.root, 'admin.txt'), 'utf8')).toBe('by admin');
    await client.close();
  });

  it('refuses a token that holds no Rampart scope with 403', async () => {
    const token = await issuer.token('outsider', 'openid', gateway.url);
    const response = await postMcp(fsUrl, INIT, token);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('accepts a token for one server at that server only', async () => {
    const token = await issuer.token('reader', 'read', fsUrl);
    expect((await postMcp(fsUrl, INIT, token)).status).toBe(200);
    expect((await postMcp(`${gateway.url}/mcp/other`, INIT, token)).status).toBe(401);
  });

  it('refuses a valid token in the query string', async () => {
    const token = await issuer.token('reader', 'read', gateway.url);
    const response = await postMcp(`${fsUrl}?access_token=${token}`, INIT);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain(token);
  });

  it('refuses an HS256 token keyed with the issuer public key (algorithm confusion) with 401', async () => {
    const jwks = (await (await fetch(`${issuer.issuer}/jwks`)).json()) as { keys: [{ kid: string }] };
    const header = { alg: 'HS256', typ: 'JWT', kid: jwks.keys[0].kid };
    const payload = { iss: issuer.issuer, aud: gateway.url, scope: 'admin', exp: now() + 300 };
    const { createHmac } = await import('node:crypto');
    const signingInput = `${base64url(header)}.${base64url(payload)}`;
    const mac = createHmac('sha256', JSON.stringify(jwks.keys[0])).update(signingInput).digest('base64url');
    await expectInvalidToken(`${signingInput}.${mac}`, /algorithm/);
  });
});

describe('rampart serve start-up in OAuth mode', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer();
  });
  afterAll(async () => {
    await issuer?.close();
  });

  it('may bind a non-loopback address once OAuth is configured', async () => {
    // 192.0.2.1 (TEST-NET-1) is never assigned: getting as far as the bind proves the guard let it through.
    const attempt = startGateway({
      config: gatewayConfigSchema.parse({
        host: '192.0.2.1',
        port: 0,
        logLevel: 'silent',
        oauthIssuer: issuer.issuer,
        oauthResource: 'https://mcp.example.com',
      }),
      servers: [],
      source: 'test',
      env: {},
    });
    await expect(attempt).rejects.toThrow(/EADDRNOTAVAIL/);
  });

  it('asks for the public resource URL before binding a non-loopback address', async () => {
    const attempt = startGateway({
      config: gatewayConfigSchema.parse({
        host: '192.0.2.1',
        port: 0,
        logLevel: 'silent',
        oauthIssuer: issuer.issuer,
      }),
      servers: [],
      source: 'test',
      env: {},
    });
    await expect(attempt).rejects.toThrow(/oauthResource is required when binding 192\.0\.2\.1/);
  });

  it('names the issuer when its metadata cannot be found', async () => {
    const attempt = startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        oauthIssuer: `${issuer.issuer}/nowhere`,
      }),
      servers: [],
      source: 'test',
      env: {},
    });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(
      /cannot discover the signing keys of http:\/\/127\.0\.0\.1:\d+\/nowhere/,
    );
  });

  it('refuses keys from metadata that describes another issuer (mix-up)', async () => {
    const { createServer } = await import('node:http');
    const impostor = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: 'https://evil.example', jwks_uri: `${issuer.issuer}/jwks` }));
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const port = (impostor.address() as { port: number }).port;
    try {
      const attempt = startGateway({
        config: gatewayConfigSchema.parse({
          port: 0,
          logLevel: 'silent',
          oauthIssuer: `http://127.0.0.1:${port}`,
        }),
        servers: [],
        source: 'test',
        env: {},
      });
      await expect(attempt).rejects.toThrow(/describes issuer "https:\/\/evil\.example", not oauthIssuer/);
    } finally {
      impostor.close();
    }
  });

  it('refuses an issuer on plain http that is not on this machine', async () => {
    const attempt = startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        oauthIssuer: 'http://idp.example.com',
      }),
      servers: [],
      source: 'test',
      env: {},
    });
    await expect(attempt).rejects.toThrow(/must be https/);
  });
});
