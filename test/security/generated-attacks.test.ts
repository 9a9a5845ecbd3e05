import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../src/core/define.js';
import { generate } from '../../src/generator/index.js';
import { type ApiClientOptions, connectTestClient, type TestClient } from '../../src/toolkit/index.js';
import { type Fixture, sqliteFixture, T_ROWS } from '../helpers/databases.js';
import { sendHugeBody, trickle } from '../helpers/hostile-responses.js';
import { REPO } from '../helpers/mcp.js';
import {
  expectRefused,
  type Layout,
  makeLayout,
  OUTSIDE,
  plantEscapeLinks,
  SECRET,
} from '../helpers/sandbox.js';
import { VIRTUAL_ROOT } from '../helpers/typecheck.js';
import { fakeDns, type LocalServer, REFUSED_SCHEMES, ssrfDns, startServer } from '../helpers/web.js';

/**
 * The servers `rampart new` generates face the attacks Rampart's own fs, db and http servers are tested with
 * (test/security/fs-attacks, sql-attacks and ssrf-attacks), through their generated tools and a real MCP client.
 */
const OUT = path.join(VIRTUAL_ROOT, 'generated-attacks');

async function generatedServer(
  spec: Record<string, unknown>,
): Promise<(...args: never[]) => Promise<ServerDefinition>> {
  const dir = path.join(OUT, String(spec.kind));
  const toolkit = path.join(REPO, 'src/toolkit/index.js');
  for (const [file, text] of generate(spec, { toolkit: '^0.1.0' })) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    const entry = path.relative(path.dirname(target), toolkit);
    writeFileSync(target, text.replaceAll("'rampart-mcp/toolkit'", `'${entry}'`));
  }
  return (await import(path.join(dir, 'src/server.ts'))).createServer;
}

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('a generated fs server refuses what Rampart fs refuses', () => {
  let layout: Layout;
  let client: TestClient;

  beforeAll(async () => {
    layout = makeLayout();
    const { root } = layout;
    plantEscapeLinks(layout);
    mkdirSync(path.join(root, 'sub'));
    const createServer = await generatedServer({ kind: 'fs', name: 'attacked-fs' });
    client = await connectTestClient(
      await (createServer as (o: { roots: string[]; readOnly: boolean }) => Promise<ServerDefinition>)({
        roots: [root],
        readOnly: false,
      }),
    );
  });

  afterAll(async () => {
    await client?.close();
    layout?.cleanup();
  });

  it('refuses an absolute path outside the roots', async () => {
    expectRefused(await client.call('read_file', { path: '/etc/passwd' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: layout.secretFile }), OUTSIDE);
    expectRefused(await client.call('list_directory', { path: '/' }), OUTSIDE);
    expectRefused(
      await client.call('write_file', { path: path.join(layout.outside, 'x.txt'), content: 'x' }),
      OUTSIDE,
    );
    expect(existsSync(path.join(layout.outside, 'x.txt'))).toBe(false);
  });

  it('refuses ../ traversal', async () => {
    expectRefused(await client.call('read_file', { path: '../outside/secret.txt' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: 'sub/../../outside/secret.txt' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: `${layout.root}/../outside/secret.txt` }), OUTSIDE);
    expectRefused(await client.call('write_file', { path: '../outside/new.txt', content: 'x' }), OUTSIDE);
    expect(existsSync(path.join(layout.outside, 'new.txt'))).toBe(false);
  });

  it('refuses a prefix sibling (/x/root vs /x/root_secret)', async () => {
    expectRefused(await client.call('read_file', { path: path.join(layout.sibling, 'secret.txt') }), OUTSIDE);
    expectRefused(await client.call('list_directory', { path: layout.sibling }), OUTSIDE);
  });

  it('refuses a NUL byte in a path', async () => {
    expectRefused(await client.call('read_file', { path: 'hello.txt\0../../etc/passwd' }), /NUL byte/);
    expectRefused(await client.call('write_file', { path: 'evil\0.txt', content: 'x' }), /NUL byte/);
  });

  it('refuses symlinks that point outside, for reading, listing and writing', async () => {
    expectRefused(await client.call('read_file', { path: 'link-to-secret' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: 'link-to-outside/secret.txt' }), OUTSIDE);
    expectRefused(await client.call('list_directory', { path: 'link-to-outside' }), OUTSIDE);
    expectRefused(
      await client.call('write_file', { path: 'link-to-secret', content: 'overwritten' }),
      OUTSIDE,
    );
    expectRefused(
      await client.call('write_file', { path: 'link-to-outside/planted.txt', content: 'x' }),
      OUTSIDE,
    );
    expectRefused(await client.call('write_file', { path: 'dangling', content: 'planted' }), OUTSIDE);
    expect(existsSync(path.join(layout.outside, 'planted.txt'))).toBe(false);
    expect(existsSync(path.join(layout.outside, 'not-yet.txt'))).toBe(false);
  });

  it('never shows the secret', async () => {
    for (const p of ['link-to-secret', '../outside/secret.txt', layout.secretFile])
      expect((await client.call('read_file', { path: p })).text).not.toContain(SECRET);
  });
});

const SQLITE_ATTACKS: readonly (readonly [string, string])[] = [
  ['stacked statements (SELECT 1; DROP TABLE t)', 'SELECT 1; DROP TABLE t'],
  ['a plain DELETE', 'DELETE FROM t'],
  ['COMMIT; DROP TABLE t', 'COMMIT; DROP TABLE t'],
  ['ROLLBACK; DELETE FROM t', 'ROLLBACK; DELETE FROM t'],
  ['a writable CTE', 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d'],
  ['ATTACH DATABASE', "ATTACH DATABASE '/tmp/rampart-generated-attached.sqlite' AS x"],
  ["load_extension('/tmp/evil')", "SELECT load_extension('/tmp/evil')"],
  ['PRAGMA writable_schema = 1', 'PRAGMA writable_schema = 1'],
  ['PRAGMA journal_mode = WAL', 'PRAGMA journal_mode = WAL'],
  ['PRAGMA query_only = 0', 'PRAGMA query_only = 0'],
  ["VACUUM INTO '/tmp/…'", "VACUUM INTO '/tmp/rampart-generated-vacuum.sqlite'"],
  ['a DELETE hidden after a comment', '/* SELECT */ DELETE FROM t'],
];

describe('a generated db server refuses what Rampart db refuses (SQLite)', () => {
  let layout: Layout;
  let fixture: Fixture;
  let client: TestClient;

  beforeAll(async () => {
    layout = makeLayout();
    fixture = await sqliteFixture(layout.base);
    const createServer = (await generatedServer({ kind: 'db', name: 'attacked-db' })) as (
      url: string,
    ) => Promise<ServerDefinition>;
    client = await connectTestClient(await createServer(fixture.url));
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.cleanup();
    layout?.cleanup();
  });

  for (const [name, sql] of SQLITE_ATTACKS) {
    it(`refuses ${name}`, async () => {
      const result = await client.call('query', { sql });
      expect(result.isError, result.text).toBe(true);
      expect(result.text.split('\n')).toHaveLength(1);
      expect(await fixture.countT()).toBe(T_ROWS);
    });
  }

  it('wrote no file on the server', () => {
    expect(existsSync('/tmp/rampart-generated-attached.sqlite')).toBe(false);
    expect(existsSync('/tmp/rampart-generated-vacuum.sqlite')).toBe(false);
  });
});

/**
 * The http server's SSRF attacks (test/security/ssrf-attacks.test.ts) against a generated api server. The API is
 * `permitted.test` (127.0.0.2, a range permitted as an operator would for an internal API); `forbidden`
 * (127.0.0.1, and ::1 where there is one) is what an attacker wants to reach. The model controls only the
 * arguments, so the attacks come as the API's redirects and as the operator's base URL; every forbidden host is put
 * on the allowlist here, so that what refuses them is the address check itself.
 */
const API_SPEC = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Things', version: '1' },
  servers: [{ url: 'https://things.example.com/v1' }],
  components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
  security: [{ token: [] }],
  paths: {
    '/things/{id}': {
      get: {
        operationId: 'getThing',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'The thing' } },
      },
    },
  },
});
const TOKEN = 'generated-api-secret-token';
const RANGES = ['127.0.0.2/32', '127.0.0.3/32'];
const FORBIDDEN_HOSTS = [
  '127.0.0.1',
  '0.0.0.0',
  '::1',
  '::',
  '169.254.169.254',
  'fd00:ec2::254',
  '100.100.100.200',
  '169.254.1.1',
  '10.0.0.1',
  '100.64.0.1',
  'localhost',
  'api.localhost',
];
const NAMES = ['permitted.test', 'other.test', 'internal.test', 'mixed.test', 'rebind.test'];

describe('a generated api server refuses what Rampart http refuses (SSRF)', () => {
  let forbidden: LocalServer;
  let forbidden6: LocalServer | undefined;
  let permitted: LocalServer;
  let other: LocalServer;
  let hugeSent = 0;
  let createServer: (options: ApiClientOptions) => ServerDefinition;
  const open: TestClient[] = [];
  const port = () => forbidden.port;
  const dns = ssrfDns;

  beforeAll(async () => {
    forbidden = await startServer('127.0.0.1', (_req, res) => res.end('internal secret'));
    forbidden6 = await startServer('::1', (_req, res) => res.end('internal secret'), forbidden.port).catch(
      () => undefined,
    );
    permitted = await startServer(
      '127.0.0.2',
      (req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const to = url.searchParams.get('to');
        if (url.pathname.startsWith('/redirect') && to) {
          res.writeHead(302, { location: to });
          return res.end();
        }
        if (url.pathname.startsWith('/loop-a') || url.pathname.startsWith('/loop-b')) {
          res.writeHead(301, { location: url.pathname.startsWith('/loop-a') ? '/loop-b' : '/loop-a' });
          return res.end();
        }
        if (url.pathname.startsWith('/huge'))
          return sendHugeBody(res, (sent) => {
            hugeSent = sent;
          });
        if (url.pathname.startsWith('/hang')) return;
        if (url.pathname.startsWith('/trickle')) return trickle(res);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: url.pathname, authorization: req.headers.authorization ?? null }));
      },
      forbidden.port,
    );
    other = await startServer('127.0.0.3', (_req, res) => res.end('other host'), forbidden.port);
    // The api kind's createServer is synchronous; the helper's type is the async one of fs and db.
    createServer = (await generatedServer({
      kind: 'api',
      name: 'attacked-api',
      openapi: API_SPEC,
    })) as unknown as (options: ApiClientOptions) => ServerDefinition;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await Promise.all([forbidden, forbidden6, permitted, other].map((s) => s?.close()));
  });

  const options = (overrides: ApiClientOptions = {}): ApiClientOptions => ({
    baseUrl: `http://permitted.test:${port()}/v1`,
    allowHosts: [...NAMES, ...FORBIDDEN_HOSTS],
    allowPrivate: RANGES,
    env: { ATTACKED_API_TOKEN: TOKEN },
    resolver: dns(),
    ...overrides,
  });

  async function call(overrides: ApiClientOptions = {}, args: Record<string, unknown> = { id: '1' }) {
    const client = await connectTestClient(createServer(options(overrides)));
    open.push(client);
    return client.call('get_thing', args);
  }

  const viaRedirect = (to: string) => ({
    baseUrl: `http://permitted.test:${port()}/redirect?to=${encodeURIComponent(to)}`,
  });

  function untouched() {
    expect(forbidden.seen).toEqual([]);
    expect(forbidden6?.seen ?? []).toEqual([]);
  }

  it('reaches the permitted API with its credential (the baseline the refusals are measured against)', async () => {
    const result = await call();
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({
      status: 200,
      data: { path: '/v1/things/1', authorization: 'Bearer [redacted]' },
    });
    expect(permitted.seen.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    ['127.0.0.1 (dotted)', '127.0.0.1', /127\.0\.0\.1 is a loopback address/],
    ['127.0.0.1 (decimal)', '2130706433', /127\.0\.0\.1 is a loopback address/],
    ['127.0.0.1 (hex)', '0x7f000001', /127\.0\.0\.1 is a loopback address/],
    ['127.0.0.1 (octal)', '017700000001', /127\.0\.0\.1 is a loopback address/],
    ['127.0.0.1 (dotted hex)', '0x7f.0x0.0x0.0x1', /127\.0\.0\.1 is a loopback address/],
    ['127.0.0.1 (short form 127.1)', '127.1', /127\.0\.0\.1 is a loopback address/],
    ['0.0.0.0', '0.0.0.0', /unspecified/],
    ['[::1]', '[::1]', /loopback/],
    ['[::ffff:127.0.0.1]', '[::ffff:127.0.0.1]', /loopback/],
    ['[::]', '[::]', /unspecified/],
    ['localhost', 'localhost', /local name/],
    ['api.localhost', 'api.localhost', /local name/],
    ['169.254.169.254 (cloud metadata)', '169.254.169.254', /metadata/],
    ['[fd00:ec2::254] (cloud metadata)', '[fd00:ec2::254]', /metadata/],
    ['100.100.100.200 (cloud metadata)', '100.100.100.200', /metadata/],
    ['169.254.1.1', '169.254.1.1', /link-local/],
    ['10.0.0.1', '10.0.0.1', /private/],
    ['100.64.0.1', '100.64.0.1', /carrier-grade NAT/],
    [
      'a name that resolves to 127.0.0.1',
      'internal.test',
      /internal\.test" resolves to a forbidden address: address 127\.0\.0\.1/,
    ],
    ['a name whose addresses mix permitted and internal ones', 'mixed.test', /forbidden address/],
  ])('refuses a redirect to %s, every hop re-checked', async (_what, host, why) => {
    const result = await call(viaRedirect(`http://${host}:${port()}/latest/meta-data/`));
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^redirect to ".*" refused: /);
    expect(result.text).toMatch(why);
    untouched();
  });

  it.each(REFUSED_SCHEMES)('refuses a redirect to the %s scheme', async (to) => {
    const result = await call(viaRedirect(to));
    expect(result.text).toMatch(/scheme "(file|gopher|data|ftp)" is not allowed/);
    untouched();
  });

  it('refuses a redirect that confuses the host with userinfo (http://permitted.test@127.0.0.1/)', async () => {
    for (const to of [
      `http://permitted.test@127.0.0.1:${port()}/`,
      `http://user:pass@permitted.test:${port()}/`,
    ]) {
      const result = await call(viaRedirect(to));
      expect(result.text, to).toMatch(/user name or password/);
    }
    untouched();
  });

  it.each(FORBIDDEN_HOSTS.map((h) => [h]))('refuses %s as the base URL, even on the allowlist', (host) => {
    const base = `http://${host.includes(':') ? `[${host}]` : host}:${port()}/v1`;
    expect(() => createServer(options({ baseUrl: base }))).toThrow(/^base URL ".*" refused: /);
    untouched();
  });

  it('refuses a base URL name that resolves to an internal address, at the call, before connecting', async () => {
    const result = await call({ baseUrl: `http://internal.test:${port()}/v1` });
    expect(result.text).toMatch(
      /resolves to a forbidden address: address 127\.0\.0\.1 is a loopback address/,
    );
    untouched();
  });

  it('defeats DNS rebinding: the connection dials the address that was checked', async () => {
    const rebinding = fakeDns({ 'rebind.test': [['127.0.0.2'], ['127.0.0.1']] });
    const first = await call({ baseUrl: `http://rebind.test:${port()}/v1`, resolver: rebinding });
    expect(first.isError, first.text).toBe(false);
    const second = await call({ baseUrl: `http://rebind.test:${port()}/v1`, resolver: rebinding });
    expect(second.text).toMatch(/resolves to a forbidden address: address 127\.0\.0\.1/);
    expect(rebinding.lookups).toEqual(['rebind.test', 'rebind.test']);
    untouched();
  });

  it('drops the credential on a redirect to another host, even an allowed one', async () => {
    const result = await call(viaRedirect(`http://other.test:${port()}/landing`));
    expect(result.structured).toMatchObject({ content: 'other host' });
    expect(permitted.seen.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const landing = other.seen.find((r) => r.url === '/landing');
    expect(landing?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(landing)).not.toContain(TOKEN);
  });

  it('refuses CRLF and NUL in a header parameter before any request', async () => {
    const before = permitted.seen.length;
    for (const value of ['text/html\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b']) {
      const result = await call({}, { id: '1', x_trace: value });
      expect(result.text).toMatch(/argument "x_trace" contains a line break or NUL/);
    }
    expect(permitted.seen.length).toBe(before);
  });

  it('stops redirect loops', async () => {
    const result = await call({ baseUrl: `http://permitted.test:${port()}/loop-a` });
    expect(result.text).toMatch(/redirect loop/);
  });

  it('stops reading an oversized response at the cap', async () => {
    const result = await call({
      baseUrl: `http://permitted.test:${port()}/huge`,
      maxResponseBytes: 256 * 1024,
    });
    expect(result.structured).toMatchObject({ truncatedAtCap: true });
    expect(result.text).toMatch(/larger than the size cap/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hugeSent).toBeLessThan(16 * 1024 * 1024);
  });

  it.each(['trickle', 'hang'])('stops a server that %ss at the total timeout', async (what) => {
    const began = Date.now();
    const result = await call({ baseUrl: `http://permitted.test:${port()}/${what}`, totalTimeoutMs: 800 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/longer than 800 ms/);
    expect(Date.now() - began).toBeLessThan(3_000);
  });
});
