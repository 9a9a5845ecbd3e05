import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendHugeBody, trickle } from '../helpers/hostile-responses.js';
import { connectHttp, type Session } from '../helpers/mcp.js';
import { fakeDns, type LocalServer, REFUSED_SCHEMES, ssrfDns, startServer } from '../helpers/web.js';

/**
 * The http server's SSRF defences, through a real MCP client, against real servers on loopback addresses.
 * `forbidden` (127.0.0.1) and `forbidden6` (::1) are what an attacker wants to reach; `permitted` (127.0.0.2) and
 * `other` (127.0.0.3) stand in for internet hosts, permitted by an explicit range as an operator would for an
 * internal API. Every refusal is checked to have sent nothing to the forbidden server.
 */
let forbidden: LocalServer;
let forbidden6: LocalServer | undefined;
let permitted: LocalServer;
let other: LocalServer;

const RANGES = ['127.0.0.2/32', '127.0.0.3/32'];
const dns = ssrfDns;

beforeAll(async () => {
  forbidden = await startServer('127.0.0.1', (_req, res) => res.end('internal secret'));
  try {
    forbidden6 = await startServer('::1', (_req, res) => res.end('internal secret'), forbidden.port);
  } catch {
    forbidden6 = undefined; // no IPv6 loopback here; the [::1] case still checks the refusal itself
  }
  permitted = await startServer(
    '127.0.0.2',
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const to = url.searchParams.get('to');
      if (url.pathname === '/redirect' && to) {
        res.writeHead(302, { location: to });
        return res.end();
      }
      if (url.pathname.startsWith('/hop/')) {
        const n = Number(url.pathname.slice(5));
        res.writeHead(302, { location: `/hop/${n + 1}` });
        return res.end();
      }
      if (url.pathname === '/loop-a') {
        res.writeHead(301, { location: '/loop-b' });
        return res.end();
      }
      if (url.pathname === '/loop-b') {
        res.writeHead(301, { location: '/loop-a' });
        return res.end();
      }
      if (url.pathname === '/huge')
        return sendHugeBody(res, (sent) => {
          hugeSent = sent;
        });
      if (url.pathname === '/hang') return; // never answers
      if (url.pathname === '/trickle') return trickle(res);
      res.setHeader('content-type', 'text/plain');
      res.end('permitted says hello');
    },
    forbidden.port,
  );
  other = await startServer('127.0.0.3', (_req, res) => res.end('other host'), forbidden.port);
});

let hugeSent = 0;

afterAll(async () => {
  await Promise.all([forbidden, forbidden6, permitted, other].map((s) => s?.close()));
});

let open: Session[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function client(config: Record<string, unknown> = {}, resolver = dns()): Promise<Session> {
  const session = await connectHttp({ allowPrivate: RANGES, ...config }, resolver);
  open.push(session);
  return session;
}

function untouched() {
  expect(forbidden.seen).toEqual([]);
  expect(forbidden6?.seen ?? []).toEqual([]);
}

const port = () => forbidden.port;

describe('http server: SSRF attacks', () => {
  it('reaches a permitted host (the baseline the refusals are measured against)', async () => {
    const http = await client();
    const result = await http.call('fetch', { url: `http://permitted.test:${port()}/` });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ status: 200, content: 'permitted says hello' });
  });

  it.each([
    ['dotted', '127.0.0.1'],
    ['decimal', '2130706433'],
    ['hex', '0x7f000001'],
    ['octal', '017700000001'],
    ['dotted hex', '0x7f.0x0.0x0.0x1'],
    ['dotted octal', '0177.0.0.01'],
    ['short form 127.1', '127.1'],
    ['short form 127.0.1', '127.0.1'],
  ])('refuses 127.0.0.1 written in %s form (%s)', async (_form, host) => {
    const http = await client();
    const result = await http.call('fetch', { url: `http://${host}:${port()}/` });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/127\.0\.0\.1 is a loopback address/);
    untouched();
  });

  it.each([
    ['0.0.0.0', /unspecified/],
    ['[::1]', /loopback/],
    ['[::ffff:127.0.0.1]', /loopback/],
    ['[::ffff:7f00:1]', /loopback/],
    ['[::]', /unspecified/],
  ])('refuses %s', async (host, why) => {
    const http = await client();
    const result = await http.call('fetch', { url: `http://${host}:${port()}/` });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(why);
    untouched();
  });

  it.each(['localhost', 'LocalHost.', 'api.localhost', 'a.b.localhost'])(
    'refuses the local name %s',
    async (host) => {
      const http = await client();
      const result = await http.call('fetch', { url: `http://${host}:${port()}/` });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/local name/);
      untouched();
    },
  );

  it.each([
    ['169.254.169.254', /metadata/],
    ['[fd00:ec2::254]', /metadata/],
    ['100.100.100.200', /metadata/],
    ['169.254.1.1', /link-local/],
    ['10.0.0.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
  ])('refuses the internal address %s before connecting', async (host, why) => {
    const http = await client();
    const result = await http.call('fetch', { url: `http://${host}/latest/meta-data/` });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(why);
  });

  it('refuses cloud metadata even when the operator permits all of link-local', async () => {
    const http = await client({ allowPrivate: [...RANGES, '169.254.0.0/16'] });
    const result = await http.call('fetch', { url: 'http://169.254.169.254/latest/meta-data/' });
    expect(result.text).toMatch(/cloud metadata/);
  });

  it('refuses userinfo confusion (http://allowed.test@127.0.0.1/)', async () => {
    const http = await client({ allowHosts: ['permitted.test'] });
    for (const url of [
      `http://permitted.test@127.0.0.1:${port()}/`,
      `http://permitted.test:${port()}@127.0.0.1:${port()}/`,
      `http://user:pass@permitted.test:${port()}/`,
    ]) {
      const result = await http.call('fetch', { url });
      expect(result.isError, url).toBe(true);
      expect(result.text).toMatch(/user name or password/);
    }
    untouched();
  });

  it.each(REFUSED_SCHEMES)('refuses the %s scheme', async (url) => {
    const http = await client();
    const result = await http.call('fetch', { url });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/scheme "(file|gopher|data|ftp)" is not allowed/);
    untouched();
  });

  it('refuses a host off the allowlist, and a name that resolves to an internal address', async () => {
    const http = await client({ allowHosts: ['permitted.test', 'internal.test'] });
    const offList = await http.call('fetch', { url: `http://other.test:${port()}/` });
    expect(offList.text).toMatch(/not on the allowlist/);
    const internal = await http.call('fetch', { url: `http://internal.test:${port()}/` });
    expect(internal.text).toMatch(/internal\.test" resolves to a forbidden address: address 127\.0\.0\.1/);
    expect(other.seen.filter((r) => r.url === '/')).toEqual([]);
    untouched();
  });

  it('refuses a name whose addresses mix permitted and internal ones', async () => {
    const http = await client();
    const result = await http.call('fetch', { url: `http://mixed.test:${port()}/` });
    expect(result.text).toMatch(/forbidden address/);
    untouched();
  });

  it('refuses a redirect from a permitted server to a forbidden one (every hop re-checked)', async () => {
    const http = await client();
    for (const to of [
      `http://127.0.0.1:${port()}/`,
      `http://internal.test:${port()}/`,
      `http://localhost:${port()}/`,
      'http://169.254.169.254/latest/meta-data/',
      'file:///etc/passwd',
    ]) {
      const url = `http://permitted.test:${port()}/redirect?to=${encodeURIComponent(to)}`;
      const result = await http.call('fetch', { url });
      expect(result.isError, to).toBe(true);
      expect(result.text).toMatch(/^redirect to ".*" refused: /);
    }
    untouched();
  });

  it('stops redirect loops and over-long redirect chains', async () => {
    const http = await client({ maxRedirects: 3 });
    const loop = await http.call('fetch', { url: `http://permitted.test:${port()}/loop-a` });
    expect(loop.text).toMatch(/redirect loop/);
    const before = permitted.seen.length;
    const chain = await http.call('fetch', { url: `http://permitted.test:${port()}/hop/0` });
    expect(chain.text).toMatch(/more than 3 redirects/);
    expect(permitted.seen.length - before).toBe(4);
  });

  it('defeats DNS rebinding: the connection dials the address that was checked', async () => {
    // A checker that looked the name up, then let the connection look it up again, would dial 127.0.0.1.
    const rebinding = fakeDns({ 'rebind.test': [['127.0.0.2'], ['127.0.0.1']] });
    const http = await client({}, rebinding);
    const first = await http.call('fetch', { url: `http://rebind.test:${port()}/` });
    expect(first.structured).toMatchObject({ content: 'permitted says hello' });
    expect(rebinding.lookups).toEqual(['rebind.test']);
    // The next connection gets the rebound answer, and that answer is checked before it is dialled.
    const fresh = await client({}, rebinding);
    const second = await fresh.call('fetch', { url: `http://rebind.test:${port()}/` });
    expect(second.text).toMatch(/resolves to a forbidden address: address 127\.0\.0\.1/);
    untouched();
  });

  it('drops Authorization, and the configured credential, on a redirect to another host', async () => {
    process.env.RAMPART_TEST_PERMITTED_TOKEN = 'permitted-secret-token';
    const http = await client({
      allowHeaders: ['accept', 'authorization'],
      credentials: [{ host: 'permitted.test', bearer: { env: 'RAMPART_TEST_PERMITTED_TOKEN' } }],
    });
    const to = `http://other.test:${port()}/landing`;
    const result = await http.call('fetch', {
      url: `http://permitted.test:${port()}/redirect?to=${encodeURIComponent(to)}`,
      headers: { Authorization: 'Bearer caller-token' },
    });
    expect(result.structured).toMatchObject({ content: 'other host' });
    const first = permitted.seen.at(-1);
    expect(first?.headers.authorization).toBe('Bearer permitted-secret-token');
    const landing = other.seen.find((r) => r.url === '/landing');
    expect(landing).toBeDefined();
    expect(landing?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(landing?.headers)).not.toContain('secret');
  });

  it('refuses CRLF and NUL in header values before any request', async () => {
    const http = await client({ allowHeaders: ['accept', 'x-trace'] });
    const before = permitted.seen.length;
    for (const value of ['text/html\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b']) {
      const result = await http.call('fetch', {
        url: `http://permitted.test:${port()}/`,
        headers: { 'X-Trace': value },
      });
      expect(result.text).toMatch(/header "X-Trace" contains a line break or NUL/);
    }
    expect(permitted.seen.length).toBe(before);
  });

  it('refuses headers off the allowlist and methods that are not allowed', async () => {
    const http = await client();
    const header = await http.call('fetch', {
      url: `http://permitted.test:${port()}/`,
      headers: { Cookie: 'a=b' },
    });
    expect(header.text).toMatch(/header "Cookie" is not allowed/);
    const method = await http.call('fetch', { url: `http://permitted.test:${port()}/`, method: 'DELETE' });
    expect(method.isError).toBe(true);
    expect(method.text).toMatch(/method/);
  });

  it('stops reading an oversized response at the cap', async () => {
    const http = await client({ maxResponseBytes: 256 * 1024 });
    const result = await http.call('fetch', { url: `http://permitted.test:${port()}/huge`, max_length: 100 });
    expect(result.structured).toMatchObject({ truncatedAtCap: true, totalLength: 256 * 1024 });
    expect(result.text).toMatch(/larger than the size cap/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The server was cut off long before the 64 MiB it meant to send.
    expect(hugeSent).toBeLessThan(16 * 1024 * 1024);
  });

  it('stops a server that trickles bytes at the total timeout', async () => {
    const http = await client({ totalTimeoutMs: 800 });
    const began = Date.now();
    const result = await http.call('fetch', { url: `http://permitted.test:${port()}/trickle` });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/longer than 800 ms/);
    expect(Date.now() - began).toBeLessThan(3_000);
  });

  it('stops a server that never sends its headers at the total timeout', async () => {
    const http = await client({ totalTimeoutMs: 800 });
    const began = Date.now();
    const result = await http.call('fetch', { url: `http://permitted.test:${port()}/hang` });
    expect(result.text).toMatch(/longer than 800 ms/);
    expect(Date.now() - began).toBeLessThan(3_000);
  });
});
