import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

/** The clients the test authorization server knows, each allowed the scopes in its name. */
export const CLIENTS = {
  reader: { secret: 'reader-secret-for-tests-only', scope: 'read' },
  writer: { secret: 'writer-secret-for-tests-only', scope: 'read write' },
  admin: { secret: 'admin-secret-for-tests-only', scope: 'read write admin' },
  outsider: { secret: 'outsider-secret-for-tests-only', scope: 'openid' },
} as const;

export interface TestIssuer {
  readonly issuer: string;
  /** A client-credentials access token (a JWT) from the real token endpoint. */
  token(client: keyof typeof CLIENTS, scope: string, resource: string): Promise<string>;
  /** Signs arbitrary claims with the issuer's own key, to build tokens the token endpoint would never issue. */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real OAuth 2.1 / OpenID Connect authorization server (`oidc-provider`) on 127.0.0.1, issuing RFC 9068 JWT
 * access tokens for any resource indicator it is asked for, with the client-credentials grant.
 */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

  let provider: Provider | undefined;
  const server: Server = createServer((req, res) => {
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: Object.entries(CLIENTS).map(([id, client]) => ({
      client_id: id,
      client_secret: client.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: client.scope,
    })),
    scopes: ['openid', 'read', 'write', 'admin'],
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: () => ({
          scope: 'read write admin',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });

  return {
    issuer,
    async token(client, scope, resource) {
      const { secret } = CLIENTS[client];
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }),
      });
      const body = (await response.json()) as { access_token?: string; error_description?: string };
      if (!response.ok || !body.access_token)
        throw new Error(`token endpoint refused ${client}: ${body.error_description}`);
      return body.access_token;
    },
    async sign(claims, header = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt', ...header })
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
