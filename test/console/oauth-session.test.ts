import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../../src/gateway/serve.js';
import { toolCallBody } from '../helpers/http-client.js';
import { startTestIssuer, type TestIssuer } from '../helpers/oidc.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';
import { postMcpWithSession } from './helpers.js';

/**
 * In OAuth mode the sign-in page also takes a pasted access token issued for the gateway (besides signing in
 * through the authorization server with PKCE, which oauth-pkce.test.ts covers); the session then holds that
 * token's identity and scopes.
 */
describe('console sessions in OAuth mode, against a real authorization server', () => {
  let issuer: TestIssuer;
  let layout: Layout;
  let gateway: RunningGateway;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    layout = makeLayout();
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        oauthIssuer: issuer.issuer,
        tokenFile: path.join(layout.base, 'never-created'),
      }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root] } }],
      source: 'test',
      env: {},
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await issuer?.close();
    layout?.cleanup();
  });

  async function signIn(token: string): Promise<Response> {
    return fetch(`${gateway.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gateway.url },
      body: JSON.stringify({ token }),
    });
  }

  it('signs in with an access token for this gateway, as that client, with its scopes and no longer than it', async () => {
    const token = await issuer.token('reader', 'read', gateway.url);
    const response = await signIn(token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { authMode: string; expiresAt: string; principal: unknown };
    expect(body.authMode).toBe('oauth');
    expect(body.principal).toEqual({ clientId: 'reader', scopes: ['read'] });
    const exp = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp as number;
    expect(Date.parse(body.expiresAt)).toBeLessThanOrEqual(exp * 1000);
  });

  it('refuses a token issued for another resource', async () => {
    const token = await issuer.token('admin', 'admin', 'https://elsewhere.example');
    expect((await signIn(token)).status).toBe(401);
  });

  it('scopes: a session signed in with a read token cannot call a write tool', async () => {
    const response = await signIn(await issuer.token('reader', 'read', gateway.url));
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const call = await postMcpWithSession(
      gateway.url,
      'fs',
      { origin: gateway.url, cookie, 'x-rampart-csrf': csrfToken },
      toolCallBody('create_directory', { path: 'made-by-console-reader' }),
    );
    expect(call.status).toBe(403);
    expect(call.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(existsSync(path.join(layout.root, 'made-by-console-reader'))).toBe(false);
  });
});
