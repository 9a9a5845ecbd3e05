import { createServer, type Server, type ServerResponse } from 'node:http';
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

/**
 * Clients of the authorization-code flow with PKCE, for the console's sign-in. Native clients, so that any port of
 * 127.0.0.1 matches the registered loopback redirect URI (RFC 8252 §7.3): the gateway's port is only known once it
 * listens. `elsewhere` gets tokens whose audience is another resource, whatever it asks for.
 */
export const CODE_CLIENTS = {
  'console-public': { secret: undefined },
  'console-confidential': { secret: 'console-secret-for-tests-only' },
  'console-elsewhere': { secret: undefined },
} as const;

export const CALLBACK_URI = 'http://127.0.0.1/console/api/oauth/callback';
export const ELSEWHERE_AUDIENCE = 'https://elsewhere.example';

export interface TestIssuerOptions {
  /**
   * Also run the authorization-code flow: the CODE_CLIENTS and oidc-provider's development login and consent
   * pages (any login name and password sign in), and refresh tokens with every code.
   */
  readonly codeFlow?: boolean;
}

export interface TestIssuer {
  readonly issuer: string;
  /** Every access, refresh and ID token the token endpoint has answered with, as it sent them. */
  readonly issued: readonly string[];
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
export async function startTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

  let provider: Provider | undefined;
  const issued: string[] = [];
  const server: Server = createServer((req, res) => {
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    if (req.url?.startsWith('/token')) recordTokens(res, issued);
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: [
      ...Object.entries(CLIENTS).map(([id, client]) => ({
        client_id: id,
        client_secret: client.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: client.scope,
      })),
      ...(options.codeFlow
        ? Object.entries(CODE_CLIENTS).map(([id, client]) => ({
            client_id: id,
            application_type: 'native' as const,
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code' as const],
            redirect_uris: [CALLBACK_URI],
            scope: 'openid read write admin',
            ...(client.secret
              ? { client_secret: client.secret, token_endpoint_auth_method: 'client_secret_basic' as const }
              : { token_endpoint_auth_method: 'none' as const }),
          }))
        : []),
    ],
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    scopes: ['openid', 'read', 'write', 'admin'],
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: options.codeFlow === true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: (_ctx, _resource, client) => ({
          scope: 'read write admin',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
          ...(client.clientId === 'console-elsewhere' ? { audience: ELSEWHERE_AUDIENCE } : {}),
        }),
      },
    },
  });

  return {
    issuer,
    issued,
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

/** Keeps the tokens of a token endpoint answer as it is sent, so a test can look for them where they must not be. */
function recordTokens(res: ServerResponse, issued: string[]): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk);
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      for (const name of ['access_token', 'refresh_token', 'id_token'])
        if (typeof body[name] === 'string') issued.push(body[name]);
    } catch {
      // not a JSON answer: an error page holds no token
    }
    return end(chunk, ...rest);
  }) as typeof res.end;
}

export interface CodeLogin {
  /** The callback URL the authorization server sent the browser to (with code and state, or an error). */
  readonly callback: string;
}

/**
 * Walks an authorization request through the test issuer's development login and consent pages as a person
 * would, over HTTP with a cookie jar of its own: signs in as `login`, confirms the consent, and returns where the
 * issuer redirects to `redirectPrefix`. With `deny`, cancels at the first page instead (error=access_denied).
 */
export async function loginAtIssuer(
  authorizeUrl: string,
  redirectPrefix: string,
  { login = 'alice', deny = false }: { login?: string; deny?: boolean } = {},
): Promise<string> {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  let url = authorizeUrl;
  let init: RequestInit = {};
  for (let step = 0; step < 20; step++) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookie() },
    });
    remember(response);
    init = {};
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, url).href;
      if (next.startsWith(redirectPrefix)) return next;
      url = next;
      continue;
    }
    const html = await response.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html);
    if (!response.ok || !form?.[1])
      throw new Error(`the issuer answered ${response.status} at ${url}: ${html.slice(0, 300)}`);
    if (deny) {
      url = new URL(`${new URL(url).pathname.replace(/\/$/, '')}/abort`, url).href;
      continue;
    }
    const fields = new URLSearchParams();
    for (const input of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
      fields.set(input[1] as string, input[2] as string);
    if (fields.get('prompt') === 'login') {
      fields.set('login', login);
      fields.set('password', 'any-password');
    }
    url = new URL(form[1], url).href;
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    };
  }
  throw new Error(`the issuer did not redirect to ${redirectPrefix} within 20 steps`);
}
