import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type GatewayConfig, gatewayConfigSchema } from '../../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../../src/gateway/serve.js';
import { auditRecordsWhen } from '../helpers/audit.js';
import { toolCallBody } from '../helpers/http-client.js';
import { loginAtIssuer, startTestIssuer, type TestIssuer } from '../helpers/oidc.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';
import { postMcpWithSession } from './helpers.js';

const CALLBACK = '/console/api/oauth/callback';

/** What a browser's navigation to a gateway URL gets back, redirects not followed. */
interface Hop {
  readonly status: number;
  readonly location: string;
  readonly cookies: readonly string[];
  readonly body: string;
  readonly headers: Headers;
}

async function navigate(url: string, cookie = '', site = 'same-origin'): Promise<Hop> {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { cookie, 'sec-fetch-site': site, 'sec-fetch-mode': 'navigate', accept: 'text/html' },
  });
  return {
    status: response.status,
    location: response.headers.get('location') ?? '',
    cookies: response.headers.getSetCookie(),
    body: await response.text(),
    headers: response.headers,
  };
}

const pairOf = (setCookie: string) => setCookie.split(';')[0] as string;
const named = (hop: Hop, name: string) => hop.cookies.find((c) => c.startsWith(`${name}=`));

/**
 * The console signs people in through the authorization server as a backend-for-frontend: the authorization code
 * flow with PKCE runs between the gateway and a real oidc-provider issuer (its development login and consent
 * pages walked over HTTP here, in Chromium in oauth-pkce.browser.test.ts), and the browser gets only cookies.
 */
describe('console sign-in through the authorization server (code flow with PKCE)', () => {
  let issuer: TestIssuer;
  let layout: Layout;
  const gateways: RunningGateway[] = [];
  let gateway: RunningGateway;
  let auditLog: string;

  async function start(
    overrides: Partial<Record<keyof GatewayConfig, unknown>>,
    env: Record<string, string> = {},
  ): Promise<RunningGateway> {
    const running = await startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        oauthIssuer: issuer.issuer,
        tokenFile: path.join(layout.base, 'never-created'),
        ...overrides,
      }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root] } }],
      source: 'test',
      env,
    });
    gateways.push(running);
    return running;
  }

  /** The sign-in page's link: the gateway's redirect to the issuer and the cookie binding this browser to it. */
  async function begin(on: RunningGateway): Promise<{ authorize: URL; pending: string }> {
    const hop = await navigate(`${on.url}/console/api/oauth/start`);
    expect(hop.status).toBe(302);
    const pending = named(hop, 'rampart-console-login');
    expect(pending).toBeDefined();
    return { authorize: new URL(hop.location), pending: pairOf(pending as string) };
  }

  /** A whole sign-in: start, the issuer's pages as `login`, and the callback in the same browser. */
  async function signIn(on: RunningGateway, login = 'alice') {
    const { authorize, pending } = await begin(on);
    const callback = await loginAtIssuer(authorize.href, `${on.url}${CALLBACK}`, { login });
    return { callback, pending, hop: await navigate(callback, pending, 'cross-site') };
  }

  beforeAll(async () => {
    issuer = await startTestIssuer({ codeFlow: true });
    layout = makeLayout();
    auditLog = path.join(layout.base, 'audit.jsonl');
    gateway = await start({ oauthConsoleClientId: 'console-public', auditLog });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await issuer?.close();
    layout?.cleanup();
  });

  it('offers the sign-in on the page only when a console client is configured, naming the issuer host', async () => {
    const offered = await (await fetch(`${gateway.url}/console/api/oauth`)).json();
    expect(offered).toEqual({ available: true, issuer: new URL(issuer.issuer).host });
    const plain = await start({});
    expect(await (await fetch(`${plain.url}/console/api/oauth`)).json()).toEqual({ available: false });
    expect((await navigate(`${plain.url}/console/api/oauth/start`)).location).toBe(
      '/?signin_error=unavailable',
    );
  });

  it('sends an authorization request with PKCE S256, a fresh state, the resource and the registered redirect URI', async () => {
    const first = await begin(gateway);
    const second = await begin(gateway);
    const query = first.authorize.searchParams;
    expect(`${first.authorize.origin}${first.authorize.pathname}`).toBe(`${issuer.issuer}/auth`);
    expect(Object.fromEntries(query)).toMatchObject({
      response_type: 'code',
      client_id: 'console-public',
      redirect_uri: `${gateway.url}${CALLBACK}`,
      scope: 'read write admin',
      code_challenge_method: 'S256',
      resource: gateway.url,
    });
    expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).not.toBe(second.authorize.searchParams.get('state'));
    expect(query.get('code_challenge')).not.toBe(second.authorize.searchParams.get('code_challenge'));
    // No verifier leaves the gateway: nothing in the request is longer than a challenge.
    expect(first.authorize.href).not.toContain('code_verifier');
    const hop = await navigate(`${gateway.url}/console/api/oauth/start`);
    expect(named(hop, 'rampart-console-login')).toMatch(/; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(hop.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('signs the browser in: a session cookie, the pending login cleared, and the tools under the token identity', async () => {
    const { hop } = await signIn(gateway, 'alice');
    expect(hop.status).toBe(302);
    expect(hop.location).toBe('/');
    const session = named(hop, 'rampart-console');
    expect(session).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(named(hop, 'rampart-console-login')).toMatch(/^rampart-console-login=; Max-Age=0;/);
    const cookie = pairOf(session as string);
    const state = await fetch(`${gateway.url}/console/api/session`, { headers: { cookie } });
    const body = (await state.json()) as {
      signedIn: boolean;
      csrfToken: string;
      principal: { clientId: string; scopes: string[] };
    };
    expect(body.signedIn).toBe(true);
    expect(body.principal).toEqual({ clientId: 'console-public', scopes: ['read', 'write', 'admin'] });
    const call = await postMcpWithSession(
      gateway.url,
      'fs',
      { origin: gateway.url, cookie, 'x-rampart-csrf': body.csrfToken },
      toolCallBody('list_allowed_directories', {}),
    );
    expect(call.status).toBe(200);
    expect(await call.text()).toContain(layout.root);
    const records = await auditRecordsWhen(
      auditLog,
      (r) => r.tool === 'sign_in' && r.client === 'console-public',
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        server: 'console',
        tool: 'sign_in',
        client: 'console-public',
        outcome: 'ok',
      }),
    );
  });

  it('no answer to the browser carries the access, refresh or ID token', async () => {
    const before = issuer.issued.length;
    const { authorize, pending } = await begin(gateway);
    const callback = await loginAtIssuer(authorize.href, `${gateway.url}${CALLBACK}`);
    const hop = await navigate(callback, pending, 'cross-site');
    const cookie = pairOf(named(hop, 'rampart-console') as string);
    const state = await fetch(`${gateway.url}/console/api/session`, { headers: { cookie } });
    const seen = [
      authorize.href,
      callback,
      hop.location,
      hop.body,
      ...hop.cookies,
      ...hop.headers.values(),
      await state.text(),
    ].join('\n');
    const tokens = issuer.issued.slice(before);
    // An access token, a refresh token and an ID token (openid is not asked for: none).
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const token of tokens) expect(seen).not.toContain(token);
  });

  it('refuses a callback whose state was not issued to this browser (login CSRF)', async () => {
    // Mallory signs in at the issuer as herself and keeps the callback instead of following it.
    const mallory = await begin(gateway);
    const planted = await loginAtIssuer(mallory.authorize.href, `${gateway.url}${CALLBACK}`, {
      login: 'mallory',
    });
    // The victim's browser, with a sign-in of its own under way, is made to open Mallory's callback.
    const victim = await begin(gateway);
    const hop = await navigate(planted, victim.pending, 'cross-site');
    expect(hop.location).toBe('/?signin_error=state_mismatch');
    expect(named(hop, 'rampart-console')).toBeUndefined();
    // A browser with no sign-in under way gets nothing either.
    const bare = await navigate(planted, '', 'cross-site');
    expect(bare.location).toBe('/?signin_error=no_pending_login');
    expect(named(bare, 'rampart-console')).toBeUndefined();
    const records = await auditRecordsWhen(auditLog, (r) =>
      String(r.message).includes('not the one issued to this browser'),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ tool: 'sign_in', client: '(unknown)', outcome: 'refused' }),
    );
  });

  it('refuses a replayed authorization code callback', async () => {
    const { callback, pending, hop } = await signIn(gateway);
    expect(named(hop, 'rampart-console')).toBeDefined();
    // The same browser again: its pending login was spent by the first callback.
    const again = await navigate(callback, pending, 'cross-site');
    expect(again.location).toBe('/?signin_error=no_pending_login');
    expect(named(again, 'rampart-console')).toBeUndefined();
    // With a fresh pending login the old code's state does not match it.
    const fresh = await begin(gateway);
    const replayed = await navigate(callback, fresh.pending, 'cross-site');
    expect(replayed.location).toBe('/?signin_error=state_mismatch');
    expect(named(replayed, 'rampart-console')).toBeUndefined();
  });

  it('refuses an answer that names another issuer (RFC 9207 mix-up)', async () => {
    // A gateway of its own, so that the main one stays within its ten sign-ins a window.
    const mixed = await start({ oauthConsoleClientId: 'console-public' });
    const { authorize, pending } = await begin(mixed);
    const callback = new URL(await loginAtIssuer(authorize.href, `${mixed.url}${CALLBACK}`));
    // oidc-provider names itself in every answer; another server's name there means a mix-up.
    expect(callback.searchParams.get('iss')).toBe(issuer.issuer);
    callback.searchParams.set('iss', 'https://other-issuer.example');
    const hop = await navigate(callback.href, pending, 'cross-site');
    expect(hop.location).toBe('/?signin_error=authorization_failed');
    expect(named(hop, 'rampart-console')).toBeUndefined();
  });

  it('refuses a callback after the pending login expired', async () => {
    const { authorize, pending } = await begin(gateway);
    const callback = await loginAtIssuer(authorize.href, `${gateway.url}${CALLBACK}`);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 10 * 60_000 + 1_000);
      const hop = await navigate(callback, pending, 'cross-site');
      expect(hop.location).toBe('/?signin_error=expired');
      expect(named(hop, 'rampart-console')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts every sign-in start in the sign-in limiter: the eleventh in a window is refused', async () => {
    const limited = await start({ oauthConsoleClientId: 'console-public' });
    for (let i = 0; i < 10; i++) await begin(limited);
    const hop = await navigate(`${limited.url}/console/api/oauth/start`);
    expect(hop.location).toBe('/?signin_error=rate_limited');
    expect(named(hop, 'rampart-console-login')).toMatch(/^rampart-console-login=; Max-Age=0;/);
  });

  it('lands a denied sign-in on the sign-in page with access_denied', async () => {
    // A gateway of its own: the tests above spent this window's ten sign-ins.
    const other = await start({ oauthConsoleClientId: 'console-public' });
    const { authorize, pending } = await begin(other);
    const callback = await loginAtIssuer(authorize.href, `${other.url}${CALLBACK}`, { deny: true });
    expect(new URL(callback).searchParams.get('error')).toBe('access_denied');
    const hop = await navigate(callback, pending, 'cross-site');
    expect(hop.location).toBe('/?signin_error=access_denied');
    expect(named(hop, 'rampart-console')).toBeUndefined();
  });

  it('refuses to start a sign-in for a page of another origin', async () => {
    const hop = await navigate(`${gateway.url}/console/api/oauth/start`, '', 'cross-site');
    expect(hop.status).toBe(403);
    expect(named(hop, 'rampart-console-login')).toBeUndefined();
  });

  it('refuses at the callback an access token issued for another audience', async () => {
    const elsewhere = await start({ oauthConsoleClientId: 'console-elsewhere' });
    const { hop } = await signIn(elsewhere);
    expect(hop.location).toBe('/?signin_error=token_refused');
    expect(named(hop, 'rampart-console')).toBeUndefined();
  });

  it('signs in as a confidential client with the secret from a 0600 file, and checks the ID token nonce with openid', async () => {
    const file = path.join(layout.base, 'console-secret');
    writeFileSync(file, 'console-secret-for-tests-only\n', { mode: 0o600 });
    const confidential = await start({
      oauthConsoleClientId: 'console-confidential',
      oauthConsoleClientSecretFile: file,
      oauthConsoleScopes: ['openid', 'read'],
    });
    const { authorize } = await begin(confidential);
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { hop } = await signIn(confidential);
    expect(hop.location).toBe('/');
    const cookie = pairOf(named(hop, 'rampart-console') as string);
    const answer = await fetch(`${confidential.url}/console/api/session`, { headers: { cookie } });
    const state = (await answer.json()) as { principal: unknown };
    expect(state.principal).toEqual({ clientId: 'console-confidential', scopes: ['read'] });
  });

  it('lands a refused code exchange (a wrong client secret) on the sign-in page, and refuses a secret file others can read', async () => {
    const wrong = await start(
      { oauthConsoleClientId: 'console-confidential' },
      { RAMPART_OAUTH_CONSOLE_CLIENT_SECRET: 'not-the-secret' },
    );
    const { hop } = await signIn(wrong);
    expect(hop.location).toBe('/?signin_error=exchange_failed');
    expect(named(hop, 'rampart-console')).toBeUndefined();
    const open = path.join(layout.base, 'open-secret');
    writeFileSync(open, 'console-secret-for-tests-only\n', { mode: 0o644 });
    await expect(
      start({ oauthConsoleClientId: 'console-confidential', oauthConsoleClientSecretFile: open }),
    ).rejects.toThrow(/can be read by others \(mode 644\); run chmod 600 on it/);
  });
});

describe('the console client refuses authorization servers it cannot trust', () => {
  let metadata: Server;
  let origin: string;

  beforeAll(async () => {
    // A loopback issuer whose metadata sends the code and the verifier to plain http on the network.
    metadata = createServer((req, res) => {
      const body =
        req.url === '/jwks'
          ? { keys: [] }
          : {
              issuer: origin,
              jwks_uri: `${origin}/jwks`,
              authorization_endpoint: 'http://auth.example.net/authorize',
              token_endpoint: 'http://auth.example.net/token',
              code_challenge_methods_supported: ['S256'],
            };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => metadata.close(() => resolve())));

  const serve = (oauthIssuer: string) =>
    startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        oauthIssuer,
        oauthConsoleClientId: 'console',
        tokenFile: '/nonexistent/never-created',
      }),
      servers: [],
      source: 'test',
      env: {},
    });

  it('refuses an authorization server that is plain http off loopback', async () => {
    await expect(serve('http://issuer.example.net')).rejects.toThrow(
      'oauthIssuer http://issuer.example.net must be https (plain http is accepted only on loopback)',
    );
    await expect(serve(origin)).rejects.toThrow(
      'the issuer metadata authorization_endpoint http://auth.example.net/authorize must be https (plain http is accepted only on loopback)',
    );
  });

  it('refuses oauthConsoleClientId without oauthIssuer', async () => {
    await expect(
      startGateway({
        config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', oauthConsoleClientId: 'console' }),
        servers: [],
        source: 'test',
        env: { RAMPART_TOKEN: 'a-local-token-long-enough-0123456789' },
      }),
    ).rejects.toThrow('oauthConsoleClientId signs people in through oauthIssuer: set oauthIssuer too');
  });
});
