import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { createRemoteJWKSet } from 'jose';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuditSink } from '../core/audit.js';
import { tokensEqual } from '../guards/http.js';
import type { Authenticator } from './auth.js';
import { consoleJson, withConsoleHeaders } from './console-headers.js';
import { PENDING_COOKIE, PENDING_TTL_MS, PendingLogins, pendingIdOf } from './console-oauth-pending.js';
import type { ConsoleOAuthSettings } from './console-oauth-settings.js';
import { exchangeCode, nonceProblem } from './console-oauth-tokens.js';
import { consoleError, crossOriginRefusal, SESSION_COOKIE, sessionIdOf } from './console-request.js';
import type { ConsoleSessions } from './console-session.js';

// The gateway starts the sign-in from here: its settings are prepared at start (console-oauth-settings.ts), its
// routes are below, a started login waits in console-oauth-pending.ts and its code is traded in console-oauth-tokens.ts.
export { type ConsoleOAuthSettings, prepareConsoleOAuth } from './console-oauth-settings.js';

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

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

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
  const pending = new PendingLogins(now);
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
    consoleJson(settings ? { available: true, issuer: new URL(settings.issuer).host } : { available: false }),
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
    const { id, login } = pending.open(settings.scopes.includes('openid'));
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
    // One use: whatever this callback brings, the pending login it names is spent.
    const login = pending.take(pendingIdOf(request));
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

    const tokens = await exchangeCode(settings, code, login.verifier);
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

  api.all('*', () => consoleError(404, 'not_found', 'no such console API'));
  return api;
}
