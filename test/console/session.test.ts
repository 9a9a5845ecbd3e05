import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../src/gateway/console-session.js';
import { BASE, browserRequest, gatewayApp, TOKEN } from './helpers.js';

const ORIGIN = { origin: BASE, 'sec-fetch-site': 'same-origin' };

type App = ReturnType<typeof gatewayApp>;

function signInRequest(token: string, headers: Record<string, string> = ORIGIN): Request {
  return browserRequest('/console/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ token }),
  });
}

/** Signs in as the console's page would; the cookie (name=value) and the CSRF token from the body. */
async function signIn(app: App): Promise<{ cookie: string; csrf: string; response: Response }> {
  const response = await app.fetch(signInRequest(TOKEN));
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const body = (await response.clone().json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0] as string, csrf: body.csrfToken, response };
}

function apiGet(path: string, headers: Record<string, string>): Request {
  return browserRequest(path, { headers: { 'sec-fetch-site': 'same-origin', ...headers } });
}

describe('console sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict, Path=/ session cookie and returns the CSRF token in the body', async () => {
    const app = gatewayApp();
    const { response, cookie, csrf } = await signIn(app);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^rampart-console=[\w-]{43}; /);
    expect(setCookie).toContain('; Path=/');
    expect(setCookie).toContain('; HttpOnly');
    expect(setCookie).toContain('; SameSite=Strict');
    expect(setCookie).not.toContain('Secure');
    expect(setCookie).not.toContain('Domain');
    expect(csrf).toMatch(/^[\w-]{43}$/);
    expect(cookie.split('=')[1]).not.toBe(csrf);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('marks the cookie Secure with the __Host- prefix when the console is reached over https', async () => {
    const app = gatewayApp({
      allowedOrigins: ['rampart.example'],
      console: { publicOrigin: 'https://rampart.example' },
    });
    const response = await app.fetch(
      signInRequest(TOKEN, { origin: 'https://rampart.example', 'sec-fetch-site': 'same-origin' }),
    );
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^__Host-rampart-console=[\w-]{43}; Path=\/; .*HttpOnly; SameSite=Strict; Secure$/,
    );
  });

  it('never sends the token back, in a header or the body', async () => {
    const { response } = await signIn(gatewayApp());
    expect(await response.text()).not.toContain(TOKEN);
    for (const [, value] of response.headers) expect(value).not.toContain(TOKEN);
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const response = await gatewayApp().fetch(signInRequest(`${TOKEN}x`));
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'that token is not valid for this gateway',
    });
  });

  it.each([
    ['no Origin', {}],
    ['another port of the same host (the same site)', { origin: 'http://127.0.0.1:9999' }],
    ['another host', { origin: 'http://evil.example' }],
    ['an opaque origin', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { origin: BASE, 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { origin: BASE, 'sec-fetch-site': 'same-site' }],
  ])('login CSRF: refuses a sign-in with %s', async (_, headers: Record<string, string>) => {
    const response = await gatewayApp().fetch(signInRequest(TOKEN, headers));
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
    // Another host is refused by the gateway's own Origin check (DNS rebinding) before the console's.
    expect(JSON.stringify(await response.json())).toMatch(/cross_origin|Origin/);
  });

  it('login CSRF: refuses a sign-in a plain HTML form could send (not JSON)', async () => {
    const response = await gatewayApp().fetch(
      browserRequest('/console/api/session', {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...ORIGIN },
        body: JSON.stringify({ token: TOKEN }),
      }),
    );
    expect(response.status).toBe(415);
  });

  it('token guessing: rate-limits sign-in attempts with the gateway limiter, with Retry-After', async () => {
    const rateLimiter = new RateLimiterMemory({ points: 600, duration: 60 });
    const app = gatewayApp({ rateLimiter });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await app.fetch(signInRequest(`wrong-${i}`))).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    const limited = await app.fetch(signInRequest(TOKEN));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('set-cookie')).toBeNull();
  });

  it('sends no CORS header, whatever the Origin', async () => {
    const app = gatewayApp();
    for (const origin of [BASE, 'http://127.0.0.1:9999']) {
      const response = await app.fetch(signInRequest(TOKEN, { origin }));
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
});

describe('console session', () => {
  it('lets the signed-in page read the servers with its cookie and CSRF token', async () => {
    const app = gatewayApp({ console: { servers: [{ name: 'fs', kind: 'fs' }] } });
    const { cookie, csrf } = await signIn(app);
    const response = await app.fetch(apiGet('/console/api/servers', { cookie, 'x-rampart-csrf': csrf }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ servers: [{ name: 'fs', kind: 'fs' }] });
  });

  it('CSRF: refuses a request with the cookie but a missing or wrong CSRF token', async () => {
    const app = gatewayApp();
    const { cookie, csrf } = await signIn(app);
    const missing = await app.fetch(apiGet('/console/api/servers', { cookie }));
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: string }).error).toBe('csrf');
    const wrong = await app.fetch(apiGet('/console/api/servers', { cookie, 'x-rampart-csrf': `${csrf}x` }));
    expect(wrong.status).toBe(403);
    // Another session's token is no better.
    const other = await signIn(app);
    const swapped = await app.fetch(apiGet('/console/api/servers', { cookie, 'x-rampart-csrf': other.csrf }));
    expect(swapped.status).toBe(403);
  });

  it('CSRF: refuses a sign-out from another origin, even with the cookie and the token', async () => {
    const app = gatewayApp();
    const { cookie, csrf } = await signIn(app);
    const forged = await app.fetch(
      browserRequest('/console/api/session', {
        method: 'DELETE',
        headers: { cookie, 'x-rampart-csrf': csrf, origin: 'http://127.0.0.1:9999' },
      }),
    );
    expect(forged.status).toBe(403);
    const stillIn = await app.fetch(apiGet('/console/api/servers', { cookie, 'x-rampart-csrf': csrf }));
    expect(stillIn.status).toBe(200);
  });

  it('a signed-out browser reaches no API: no cookie, or an unknown one, is 401', async () => {
    const app = gatewayApp();
    expect((await app.fetch(apiGet('/console/api/servers', {}))).status).toBe(401);
    const forged = await app.fetch(
      apiGet('/console/api/servers', { cookie: 'rampart-console=forged', 'x-rampart-csrf': 'forged' }),
    );
    expect(forged.status).toBe(401);
  });

  it('gives a reloaded page its CSRF token back from the cookie, and only to its own origin', async () => {
    const app = gatewayApp();
    const { cookie, csrf } = await signIn(app);
    const state = await app.fetch(apiGet('/console/api/session', { cookie }));
    expect(await state.json()).toMatchObject({ signedIn: true, authMode: 'local', csrfToken: csrf });
    const crossSite = await app.fetch(
      apiGet('/console/api/session', { cookie, 'sec-fetch-site': 'same-site' }),
    );
    expect(crossSite.status).toBe(403);
    const signedOut = await app.fetch(apiGet('/console/api/session', {}));
    expect(await signedOut.json()).toEqual({ signedIn: false, authMode: 'local' });
  });

  it('sign-out deletes the session on the server and clears the cookie', async () => {
    const sessions = new ConsoleSessions();
    const app = gatewayApp({ console: { sessions } });
    const { cookie, csrf } = await signIn(app);
    expect(sessions.size).toBe(1);
    const out = await app.fetch(
      browserRequest('/console/api/session', {
        method: 'DELETE',
        headers: { cookie, 'x-rampart-csrf': csrf, ...ORIGIN },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(
      /^rampart-console=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/,
    );
    expect(sessions.size).toBe(0);
    // A copy of the cookie kept from before is worth nothing now.
    const replay = await app.fetch(apiGet('/console/api/servers', { cookie, 'x-rampart-csrf': csrf }));
    expect(replay.status).toBe(401);
  });

  it('ends a session left idle, and any session past its maximum age', async () => {
    let now = 1_000_000;
    const sessions = new ConsoleSessions({ idleSeconds: 60, maxAgeSeconds: 300, now: () => now });
    const app = gatewayApp({ console: { sessions } });
    const { cookie, csrf } = await signIn(app);
    const servers = () => app.fetch(apiGet('/console/api/servers', { cookie, 'x-rampart-csrf': csrf }));
    for (let minute = 0; minute < 4; minute++) {
      now += 50_000;
      expect((await servers()).status, `active at ${minute}`).toBe(200);
    }
    now += 110_000; // 310 s after sign-in, though used 110 s ago
    expect((await servers()).status).toBe(401);

    const idle = await signIn(app);
    now += 61_000;
    const late = await app.fetch(
      apiGet('/console/api/servers', { cookie: idle.cookie, 'x-rampart-csrf': idle.csrf }),
    );
    expect(late.status).toBe(401);
    expect(sessions.size).toBe(0);
  });

  it('keeps at most maxSessions, ending the oldest first', async () => {
    const sessions = new ConsoleSessions({ maxSessions: 2 });
    const app = gatewayApp({ console: { sessions } });
    const first = await signIn(app);
    const second = await signIn(app);
    const third = await signIn(app);
    expect(sessions.size).toBe(2);
    const status = async (s: { cookie: string; csrf: string }) =>
      (await app.fetch(apiGet('/console/api/servers', { cookie: s.cookie, 'x-rampart-csrf': s.csrf })))
        .status;
    expect([await status(first), await status(second), await status(third)]).toEqual([401, 200, 200]);
  });

  it('session fixation: signing in again replaces the session the browser held', async () => {
    const sessions = new ConsoleSessions();
    const app = gatewayApp({ console: { sessions } });
    const before = await signIn(app);
    const again = await app.fetch(
      browserRequest('/console/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: before.cookie, ...ORIGIN },
        body: JSON.stringify({ token: TOKEN }),
      }),
    );
    expect(again.status).toBe(200);
    expect(again.headers.get('set-cookie')?.split(';')[0]).not.toBe(before.cookie);
    expect(sessions.size).toBe(1);
    const old = await app.fetch(
      apiGet('/console/api/servers', { cookie: before.cookie, 'x-rampart-csrf': before.csrf }),
    );
    expect(old.status).toBe(401);
  });
});
