import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuditSink } from '../core/audit.js';
import { ConfigError } from '../core/config.js';
import { tokensEqual } from '../guards/http.js';
import { expandHome } from '../guards/path.js';
import type { Authenticator } from './auth.js';
import { withConsoleHeaders } from './console-headers.js';
import { crossOriginRefusal, SESSION_COOKIE, sessionIdOf } from './console-request.js';
import type { ConsoleSessions } from './console-session.js';
import { assertSecureUrl } from './oauth.js';

/** The environment variable a confidential console client's secret may come from, when no file is configured. */
export const CONSOLE_CLIENT_SECRET_ENV = 'RAMPART_OAUTH_CONSOLE_CLIENT_SECRET';
/** The path the authorization server sends the browser back to, under the console's origin. */
export const CALLBACK_PATH = '/console/api/oauth/callback';
/** The cookie binding a browser to its pending login (__Host- over https, like the session cookie). */
export const PENDING_COOKIE = {
  http: 'rampart-console-login',
  https: '__Host-rampart-console-login',
} as const;

/** How the console signs people in through the authorization server (authorization code with PKCE). */
export interface ConsoleOAuthSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** A confidential client's secret (client_secret_basic); a public client sends none. */
  readonly clientSecret?: string | undefined;
  readonly scopes: readonly string[];
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** The issuer's key set, to check an ID token's nonce when `openid` is asked for. */
  readonly jwksUri: string;
  /** The gateway's resource URL, sent as the RFC 8707 resource: the audience the access token must carry. */
  readonly resource: string;
  /** `<console origin>/console/api/oauth/callback`, registered with the authorization server. */
  readonly redirectUri: string;
}

/** The sign-in page's messages are keyed by these codes; nothing else is ever put in the URL. */
export type SignInErrorCode =
  | 'access_denied'
  | 'authorization_failed'
  | 'state_mismatch'
  | 'no_pending_login'
  | 'expired'
  | 'exchange_failed'
  | 'token_refused'
  | 'rate_limited'
  | 'unavailable';

/**
 * What one sign-in costs in the gateway's limiter: a tenth of a window's budget, as POST /console/api/session
 * charges for a pasted token under the same key, so both ways of signing in share 10 attempts a window.
 */
export function signInCostOf(limiter: RateLimiterAbstract): number {
  return Math.max(1, Math.floor(limiter.points / 10));
}

const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 1000;
const EXCHANGE_TIMEOUT_MS = 10_000;
const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;

interface PendingLogin {
  readonly state: string;
  readonly verifier: string;
  readonly nonce: string | undefined;
  readonly expiresAt: number;
}

const random = () => randomBytes(32).toString('base64url');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

async function metadataAt(url: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(5_000),
    headers: { accept: 'application/json' },
    redirect: 'error',
  });
  if (!response.ok) return undefined;
  const body: unknown = await response.json();
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
}

/**
 * The issuer's authorization and token endpoints, from its OpenID Connect discovery document or else its RFC 8414
 * metadata. The document must name exactly this issuer, and both endpoints must be https unless on loopback:
 * the code and the verifier travel to them.
 */
export async function discoverConsoleEndpoints(
  issuer: string,
): Promise<{ authorizationEndpoint: string; tokenEndpoint: string }> {
  const base = assertSecureUrl(issuer, 'oauthIssuer');
  const path = base.pathname.replace(/\/$/, '');
  const problems: string[] = [];
  for (const url of [
    `${base.origin}${path}/.well-known/openid-configuration`,
    `${base.origin}/.well-known/oauth-authorization-server${path}`,
  ]) {
    let metadata: Record<string, unknown> | undefined;
    try {
      metadata = await metadataAt(url);
    } catch (error) {
      problems.push(`${url}: ${(error as Error).message}`);
      continue;
    }
    if (!metadata) {
      problems.push(`${url}: no metadata`);
      continue;
    }
    if (metadata.issuer !== issuer)
      throw new ConfigError(`${url} describes issuer ${JSON.stringify(metadata.issuer)}, not ${issuer}`);
    const endpoints: string[] = [];
    for (const name of ['authorization_endpoint', 'token_endpoint'] as const) {
      const value = metadata[name];
      if (typeof value !== 'string')
        throw new ConfigError(`${url} names no ${name}, so the console cannot sign in through ${issuer}`);
      endpoints.push(assertSecureUrl(value, `the issuer metadata ${name}`).href);
    }
    const methods = metadata.code_challenge_methods_supported;
    if (Array.isArray(methods) && !methods.includes('S256'))
      throw new ConfigError(`${issuer} does not support PKCE with S256 (code_challenge_methods_supported)`);
    return { authorizationEndpoint: endpoints[0] as string, tokenEndpoint: endpoints[1] as string };
  }
  throw new ConfigError(`cannot discover the endpoints of ${issuer} (${problems.join('; ')})`);
}

/** The console client's secret: from the configured file, else from the environment, else none (public client). */
export function consoleClientSecret(
  file: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  if (file !== undefined) {
    const full = path.resolve(expandHome(file));
    let text: string;
    try {
      // Like the token file: a link, or a file others can read, is refused.
      const info = lstatSync(full);
      if (info.isSymbolicLink())
        throw new ConfigError(`oauthConsoleClientSecretFile ${full} is a symbolic link; refusing to use it`);
      if ((info.mode & 0o077) !== 0)
        throw new ConfigError(
          `oauthConsoleClientSecretFile ${full} can be read by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
        );
      text = readFileSync(full, 'utf8');
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(
        `oauthConsoleClientSecretFile ${full} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const secret = text.trim();
    if (secret === '') throw new ConfigError(`oauthConsoleClientSecretFile ${full} is empty`);
    return secret;
  }
  const fromEnv = env[CONSOLE_CLIENT_SECRET_ENV]?.trim();
  return fromEnv ? fromEnv : undefined;
}

/** Everything the sign-in routes need from the console and the gateway. */
export interface ConsoleOAuthOptions {
  readonly settings: ConsoleOAuthSettings | undefined;
  readonly sessions: ConsoleSessions;
  readonly auth: Authenticator;
  readonly rateLimiter: RateLimiterAbstract;
  /** What one sign-in attempt costs in the limiter (the same as a pasted token's). */
  readonly signInCost: number;
  readonly audit: AuditSink;
  readonly publicOrigin: string | undefined;
  readonly now?: () => number;
}

function pendingIdOf(request: Request): string | undefined {
  let found: string | undefined;
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === PENDING_COOKIE.https) return value.join('=');
    if (name === PENDING_COOKIE.http) found = value.join('=');
  }
  return found;
}

function redirect(location: string, cookies: readonly string[] = []): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return withConsoleHeaders(new Response(null, { status: 302, headers }));
}

/**
 * /console/api/oauth: the console as a backend-for-frontend client of the authorization server. `GET /` tells
 * the sign-in page whether this sign-in is offered; `GET /start` begins an authorization-code login with PKCE
 * (S256), remembering its verifier, state and nonce here and binding the browser to it with a short-lived
 * cookie; `GET /callback` checks the state against that browser's pending login (one use, ten minutes), trades
 * the code for tokens, verifies the access token exactly as a bearer token is verified, and signs the browser in
 * with a console session. The tokens stay in this process: the session holds the verified identity, the
 * refresh token is dropped, and the browser only ever holds its HttpOnly cookies.
 */
export function consoleOAuthApi(options: ConsoleOAuthOptions): Hono {
  const api = new Hono();
  const { settings, sessions } = options;
  const now = options.now ?? (() => Date.now());
  const pending = new Map<string, PendingLogin>();
  const secure = settings?.redirectUri.startsWith('https:') ?? false;
  const pendingName = secure ? PENDING_COOKIE.https : PENDING_COOKIE.http;
  const flags = `Path=/; HttpOnly${secure ? '; Secure' : ''}`;
  const clearPending = `${pendingName}=; Max-Age=0; ${flags}; SameSite=Lax`;
  const idTokenKeys = settings ? createRemoteJWKSet(new URL(settings.jwksUri)) : undefined;

  const audit = (client: string, started: number, outcome: 'ok' | 'refused', message?: string) =>
    options.audit.record({
      ts: new Date(started).toISOString(),
      server: 'console',
      tool: 'sign_in',
      client,
      args: { method: 'oauth' },
      outcome,
      ms: now() - started,
      ...(message ? { message } : {}),
    });
  /** Back to the sign-in page with a fixed code it has a message for; the pending login is gone either way. */
  const fail = (code: SignInErrorCode, started: number, message: string) => {
    audit('(unknown)', started, 'refused', message);
    return redirect(`/?signin_error=${code}`, [clearPending]);
  };

  api.get('/', () =>
    withConsoleHeaders(
      Response.json(
        settings ? { available: true, issuer: new URL(settings.issuer).host } : { available: false },
        { headers: { 'cache-control': 'no-store' } },
      ),
    ),
  );

  api.get('/start', async (c) => {
    const started = now();
    if (!settings) return redirect('/?signin_error=unavailable');
    // Only the console's own sign-in page starts a login (a link, so Sec-Fetch-Site says same-origin).
    const crossOrigin = crossOriginRefusal(c.req.raw, options.publicOrigin);
    if (crossOrigin) return crossOrigin;
    try {
      await options.rateLimiter.consume('console:sign-in', options.signInCost);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return fail('rate_limited', started, 'too many sign-in attempts');
    }
    for (const [id, login] of pending) if (login.expiresAt <= now()) pending.delete(id);
    while (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string);
    const id = random();
    const login: PendingLogin = {
      state: random(),
      verifier: random(),
      nonce: settings.scopes.includes('openid') ? random() : undefined,
      expiresAt: now() + PENDING_TTL_MS,
    };
    pending.set(id, login);
    const target = new URL(settings.authorizationEndpoint);
    const query = target.searchParams;
    query.set('response_type', 'code');
    query.set('client_id', settings.clientId);
    query.set('redirect_uri', settings.redirectUri);
    query.set('scope', settings.scopes.join(' '));
    query.set('state', login.state);
    query.set('code_challenge', s256(login.verifier));
    query.set('code_challenge_method', 'S256');
    query.set('resource', settings.resource);
    if (login.nonce) query.set('nonce', login.nonce);
    // Lax, not Strict: the authorization server sends the browser back with a top-level cross-site navigation.
    const cookie = `${pendingName}=${id}; Max-Age=${PENDING_TTL_MS / 1000}; ${flags}; SameSite=Lax`;
    return redirect(target.href, [cookie]);
  });

  api.get('/callback', async (c) => {
    const started = now();
    if (!settings) return redirect('/?signin_error=unavailable');
    const request = c.req.raw;
    const params = new URL(request.url).searchParams;
    const id = pendingIdOf(request);
    const login = id ? pending.get(id) : undefined;
    // One use: whatever this callback brings, the pending login it names is spent.
    if (id) pending.delete(id);
    if (!login) return fail('no_pending_login', started, 'no pending login for this browser (replayed?)');
    if (login.expiresAt <= now()) return fail('expired', started, 'the pending login expired');
    const state = params.get('state');
    if (!state || !tokensEqual(state, login.state))
      return fail('state_mismatch', started, 'the state is not the one issued to this browser');
    // RFC 9207: an issuer that names itself in the answer must be ours (a mix-up with another server is refused).
    const iss = params.get('iss');
    if (iss !== null && iss !== settings.issuer)
      return fail('authorization_failed', started, 'the answer names another issuer (iss)');
    const error = params.get('error');
    if (error === 'access_denied')
      return fail('access_denied', started, 'the authorization server denied the sign-in');
    if (error !== null) return fail('authorization_failed', started, 'the authorization server refused');
    const code = params.get('code');
    if (!code) return fail('authorization_failed', started, 'the callback carries no code');

    const tokens = await exchange(settings, code, login.verifier);
    if (typeof tokens === 'string') return fail('exchange_failed', started, tokens);
    if (login.nonce) {
      const problem = await nonceProblem(settings, idTokenKeys, tokens.idToken, login.nonce);
      if (problem) return fail('token_refused', started, problem);
    }
    // The same check as a bearer token's: issuer, signature, audience (this gateway), expiry and a Rampart scope.
    const verdict = await options.auth.authenticate(
      new Request(settings.redirectUri, { headers: { authorization: `Bearer ${tokens.accessToken}` } }),
      undefined,
    );
    if (verdict instanceof Response)
      return fail('token_refused', started, 'the access token is not valid for this gateway');
    const previous = sessionIdOf(request);
    if (previous) sessions.delete(previous);
    const session = sessions.create(verdict);
    audit(verdict.clientId, started, 'ok');
    const maxAge = Math.max(0, Math.floor((session.expiresAt - now()) / 1000));
    const name = secure ? SESSION_COOKIE.https : SESSION_COOKIE.http;
    const sessionCookie = `${name}=${session.id}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
    return redirect('/', [sessionCookie, clearPending]);
  });

  api.all('*', () =>
    withConsoleHeaders(
      Response.json(
        { error: 'not_found', error_description: 'no such console API' },
        { status: 404, headers: { 'cache-control': 'no-store' } },
      ),
    ),
  );
  return api;
}

/** Trades the code for tokens at the token endpoint; the tokens, or why not (for the audit record, not the page). */
async function exchange(
  settings: ConsoleOAuthSettings,
  code: string,
  verifier: string,
): Promise<{ accessToken: string; idToken: string | undefined } | string> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: settings.redirectUri,
    code_verifier: verifier,
    resource: settings.resource,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (settings.clientSecret === undefined) body.set('client_id', settings.clientId);
  else {
    // RFC 6749 §2.3.1: both halves form-urlencoded before they are joined.
    const pair = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  let response: Response;
  let answer: Record<string, unknown>;
  try {
    response = await fetch(settings.tokenEndpoint, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
    });
    const text = await response.text();
    if (text.length > MAX_TOKEN_ANSWER_BYTES) return 'the token endpoint answer is too large';
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return `the token endpoint could not be reached or answered no JSON (${(error as Error).name})`;
  }
  if (!response.ok) {
    const code = typeof answer.error === 'string' ? answer.error.slice(0, 60) : String(response.status);
    return `the token endpoint refused the code (${code})`;
  }
  if (typeof answer.access_token !== 'string' || answer.access_token === '')
    return 'the token endpoint answered no access_token';
  if (typeof answer.token_type !== 'string' || answer.token_type.toLowerCase() !== 'bearer')
    return 'the token endpoint answered a token that is not a Bearer token';
  // A refresh token, if any, is dropped here: the session ends when the access token does.
  return {
    accessToken: answer.access_token,
    idToken: typeof answer.id_token === 'string' ? answer.id_token : undefined,
  };
}

/** With `openid`, the ID token must be the issuer's, for this client, and carry the nonce this login sent. */
async function nonceProblem(
  settings: ConsoleOAuthSettings,
  keys: ReturnType<typeof createRemoteJWKSet> | undefined,
  idToken: string | undefined,
  nonce: string,
): Promise<string | undefined> {
  if (!idToken || !keys) return 'the token endpoint answered no ID token for an openid sign-in';
  try {
    const { payload } = await jwtVerify(idToken, keys, {
      issuer: settings.issuer,
      audience: settings.clientId,
      requiredClaims: ['exp', 'nonce'],
    });
    if (typeof payload.nonce !== 'string' || !tokensEqual(payload.nonce, nonce))
      return "the ID token's nonce is not the one this login sent";
    return undefined;
  } catch (error) {
    return `the ID token is not valid (${(error as Error).name})`;
  }
}

/** The configuration keys the console's OAuth sign-in reads (see gatewayConfigSchema). */
export interface ConsoleOAuthConfig {
  readonly oauthIssuer?: string | undefined;
  readonly oauthConsoleClientId?: string | undefined;
  readonly oauthConsoleClientSecretFile?: string | undefined;
  readonly oauthConsoleScopes: readonly string[];
}

/**
 * At start, before anything is opened: with `oauthConsoleClientId` set, the issuer's endpoints (discovered and
 * checked now, so a wrong issuer fails the start, not a person's sign-in) and the client's secret. The answer
 * completes the settings once the gateway knows its resource URL (which may be the address just bound).
 */
export async function prepareConsoleOAuth(
  config: ConsoleOAuthConfig,
  jwksUri: string | undefined,
  env: Record<string, string | undefined>,
): Promise<((resource: string) => ConsoleOAuthSettings) | undefined> {
  if (config.oauthConsoleClientId === undefined) return undefined;
  if (config.oauthIssuer === undefined || jwksUri === undefined)
    throw new ConfigError('oauthConsoleClientId signs people in through oauthIssuer: set oauthIssuer too');
  const issuer = config.oauthIssuer;
  const clientId = config.oauthConsoleClientId;
  const clientSecret = consoleClientSecret(config.oauthConsoleClientSecretFile, env);
  const endpoints = await discoverConsoleEndpoints(issuer);
  return (resource) => ({
    issuer,
    clientId,
    clientSecret,
    scopes: config.oauthConsoleScopes,
    ...endpoints,
    jwksUri,
    resource,
    redirectUri: `${new URL(resource).origin}${CALLBACK_PATH}`,
  });
}
