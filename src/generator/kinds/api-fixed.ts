// The fixed files of a generated api project: no text from the spec or the user is in them; what they work on
// (operations, examples, which operation each attack goes through) is read from src/api.json and test/examples.json.

/** The entry point: the operator's overrides from the environment, then stdio. */
export const API_INDEX = `#!/usr/bin/env node
import { type ServerDefinition, serveStdio } from 'rampart-mcp/toolkit';
import api from './api.json' with { type: 'json' };
import { createServer } from './server.js';

// The operator's overrides come from the environment, never from the model: the base URL (a staging server,
// say), the hosts calls may reach, and the non-public ranges an internal API lives in. Credentials too.
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
const baseUrl = process.env[api.env.baseUrl];
const allowHosts = list(process.env[api.env.allowHosts]);
const allowPrivate = list(process.env[api.env.allowPrivate]);

let server: ServerDefinition;
try {
  server = createServer({
    ...(baseUrl ? { baseUrl } : {}),
    ...(allowHosts.length > 0 ? { allowHosts } : {}),
    allowPrivate,
  });
} catch (error) {
  console.error(\`\${api.name}: \${(error as Error).message}\`);
  process.exit(2);
}
// serveStdio calls the server's dispose (which closes its connections) when stdin ends or a signal comes.
await serveStdio(server);
`;

/** The tests' local API (loopback, routed by the spec's operations) and their helpers. */
export const API_HELPER = `import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiClientOptions, connectTestClient, type Resolver, type TestClient } from 'rampart-mcp/toolkit';
import api from '../src/api.json' with { type: 'json' };
import { createServer } from '../src/server.js';
import plan from './examples.json' with { type: 'json' };

/**
 * A local stand-in for the API, on 127.0.0.1: it routes each request to the operation whose method and path it
 * matches, records it, and answers with what it received (headers included, so that a credential the server
 * failed to scrub would show). \`/__redirect?to=…\` redirects, \`/__huge\` sends 64 MiB.
 */
export interface LocalApi {
  readonly port: number;
  readonly received: Received[];
  /** Bytes \`/__huge\` wrote before the client hung up. */
  readonly huge: { sent: number };
  close(): Promise<void>;
}

export interface Received {
  /** The operation the request matched, if any. */
  readonly tool: string | undefined;
  readonly method: string;
  readonly url: URL;
  /** Path parameters, decoded. */
  readonly params: Record<string, string>;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly { readonly name: string; readonly in: string; readonly arg: string }[];
  readonly body: boolean;
  readonly security: readonly (readonly string[])[];
}

interface Example {
  readonly args?: Record<string, unknown>;
  readonly missing?: string;
}

export const operations: Record<string, Operation> = api.operations;
export const examples: Record<string, Example> = plan.operations;
const schemes: Record<string, Record<string, string>> = api.schemes;
const basePath = new URL(api.baseUrl).pathname.replace(/\\/+$/, '');

/** Test names: \`api.test\` and \`other.test\` are the API (both allowed), \`evil.test\` is not allowed. */
const NAMES: Record<string, string> = {
  'api.test': '127.0.0.1',
  'other.test': '127.0.0.1',
  'evil.test': '127.0.0.1',
  'metadata.test': '169.254.169.254',
};

export const resolver: Resolver = async (host) => {
  const address = NAMES[host];
  if (!address) throw Object.assign(new Error(\`getaddrinfo ENOTFOUND \${host}\`), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

/** A distinct secret per credential variable (a basic scheme's user name is not a secret). */
export const CREDENTIALS: Record<string, string> = {};
for (const [name, scheme] of Object.entries(schemes)) {
  if (scheme.usernameEnv) CREDENTIALS[scheme.usernameEnv] = 'ada';
  const secretEnv = scheme.passwordEnv ?? scheme.env;
  if (secretEnv) CREDENTIALS[secretEnv] = \`secret-\${name.length}-\${Math.random().toString(36).slice(2)}\`;
}

/** What each scheme puts on the wire, which must never reach the model. */
function wireSecret(scheme: Record<string, string>): string {
  if (scheme.type === 'basic') {
    const user = CREDENTIALS[scheme.usernameEnv ?? ''];
    const password = CREDENTIALS[scheme.passwordEnv ?? ''];
    return Buffer.from(\`\${user}:\${password}\`).toString('base64');
  }
  return CREDENTIALS[scheme.env ?? ''] ?? '';
}

/** Every value that must never reach the model: each secret, and each as the wire carries it. */
export function secrets(): string[] {
  return Object.values(schemes)
    .flatMap((s) => [wireSecret(s), CREDENTIALS[s.passwordEnv ?? s.env ?? ''] ?? ''])
    .filter((secret) => secret !== '');
}

function sent(scheme: Record<string, string>, request: Received): boolean {
  const secret = wireSecret(scheme);
  if (scheme.type === 'basic') return request.headers.authorization === \`Basic \${secret}\`;
  if (scheme.type === 'bearer') return request.headers.authorization === \`Bearer \${secret}\`;
  if (scheme.in === 'query') return request.url.searchParams.get(scheme.name ?? '') === secret;
  return request.headers[(scheme.name ?? '').toLowerCase()] === secret;
}

function templateRoute(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split(/\\{([^}]*)\\}/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^\${}()|[\\]\\\\]/g, '\\\\$&');
      names.push(part);
      return '([^/]+)';
    })
    .join('');
  const prefix = basePath.replace(/[.*+?^\${}()|[\\]\\\\]/g, '\\\\$&');
  return { pattern: new RegExp(\`^\${prefix}\${source}$\`), names };
}

const ROUTES = Object.entries(operations).map(([tool, op]) => ({ tool, method: op.method, ...templateRoute(op.path) }));

function pump(res: http.ServerResponse, huge: { sent: number }): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const write = () => {
    while (huge.sent < 64 * 1024 * 1024) {
      huge.sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    res.end();
  };
  write();
}

function answer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: string,
  record: Received[],
  huge: { sent: number },
) {
  const url = new URL(req.url ?? '/', 'http://api.test');
  const method = req.method ?? 'GET';
  const route = ROUTES.find((r) => r.method === method && r.pattern.test(url.pathname));
  const match = route?.pattern.exec(url.pathname);
  const params = Object.fromEntries(
    (route?.names ?? []).map((name, i) => [name, decodeURIComponent(match?.[i + 1] ?? '')]),
  );
  record.push({ tool: route?.tool, method, url, params, headers: req.headers, body });
  if (url.pathname.startsWith('/__redirect')) {
    res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
    return res.end();
  }
  if (url.pathname.startsWith('/__huge')) return pump(res, huge);
  const status = route ? 200 : 404;
  res.writeHead(status, { 'content-type': 'application/json' });
  const echo = { operation: route?.tool ?? null, params, query: [...url.searchParams], headers: req.headers, body };
  res.end(method === 'HEAD' ? undefined : JSON.stringify(echo));
}

export async function startApi(): Promise<LocalApi> {
  const received: Received[] = [];
  const huge = { sent: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8'), received, huge));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    huge,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The server as the tests run it: the API at api.test (other.test allowed too), loopback permitted for it. */
export function serverOptions(local: LocalApi, overrides: ApiClientOptions = {}): ApiClientOptions {
  return {
    baseUrl: \`http://api.test:\${local.port}\${basePath}\`,
    allowHosts: ['api.test', 'other.test'],
    allowPrivate: ['127.0.0.1/32'],
    env: CREDENTIALS,
    resolver,
    ...overrides,
  };
}

/** A base URL on the local API that redirects every call to \`to\`. */
export function redirectingTo(local: LocalApi, to: string): string {
  return \`http://api.test:\${local.port}/__redirect?to=\${encodeURIComponent(to)}\`;
}

const open: TestClient[] = [];

/** A client for a server made with these options; closed by \`closeAll\`. */
export async function connect(local: LocalApi, overrides: ApiClientOptions = {}, maxArgBytes?: number) {
  const client = await connectTestClient(createServer(serverOptions(local, overrides)), {
    ...(maxArgBytes ? { maxArgBytes } : {}),
  });
  open.push(client);
  return client;
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((client) => client.close()));
}

/** Calls the operation with its example arguments and checks each one arrived where the spec puts it. */
export async function expectOperation(client: TestClient, local: LocalApi, tool: string): Promise<void> {
  const op = operations[tool];
  const args = examples[tool]?.args;
  assert.ok(op && args, \`no operation or example for \${tool}\`);
  const before = local.received.length;
  const result = await client.call(tool, args);
  assert.equal(result.isError, false, result.text);
  assert.equal(result.structured?.status, 200, result.text);
  const [request, ...more] = local.received.slice(before);
  assert.ok(request, 'the API received nothing');
  assert.equal(more.length, 0);
  assert.equal(request.tool, tool, \`\${request.method} \${request.url.pathname} matched no \${tool}\`);
  for (const p of op.parameters) {
    const value: unknown = args[p.arg];
    if (value === undefined) continue;
    if (p.in === 'path') assert.equal(request.params[p.name], String(value));
    else if (p.in === 'query')
      assert.deepEqual(request.url.searchParams.getAll(p.name), (Array.isArray(value) ? value : [value]).map(String));
    else assert.equal(request.headers[p.name.toLowerCase()], String(value));
  }
  if (op.body && args.body !== undefined) assert.deepEqual(JSON.parse(request.body), args.body);
  // The first alternative whose credentials are all set is the one sent; no other scheme's secret travels.
  const chosen = op.security[0] ?? [];
  for (const [name, scheme] of Object.entries(schemes)) {
    if (chosen.includes(name)) assert.ok(sent(scheme, request), \`\${tool} did not send the \${name} credential\`);
    else assert.ok(!JSON.stringify(request).includes(wireSecret(scheme)), \`\${tool} sent \${name} unasked\`);
  }
  for (const secret of secrets()) assert.ok(!result.text.includes(secret), 'a credential reached the model');
  if (chosen.length > 0 && op.method !== 'HEAD') assert.match(result.text, /\\[redacted\\]/);
}
`;

/** Every operation called through a real MCP client against the local API. */
export const SERVER_TEST = `import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from 'rampart-mcp/toolkit';
import { closeAll, connect, examples, expectOperation, type LocalApi, operations, startApi } from './local-api.js';

describe('the api server, through a real MCP client, against a local API', () => {
  let local: LocalApi;
  let client: TestClient;

  before(async () => {
    local = await startApi();
    client = await connect(local);
  });

  after(async () => {
    await closeAll();
    await local.close();
  });

  it('lists one tool per operation', async () => {
    assert.deepEqual((await client.toolNames()).sort(), Object.keys(operations).sort());
  });

  for (const [tool, example] of Object.entries(examples)) {
    if (example.missing) {
      it.todo(\`\${tool}: give an example value for "\${example.missing}" in test/examples.json\`);
      continue;
    }
    it(\`\${tool} sends each argument where the spec puts it\`, () => expectOperation(client, local, tool));
  }
});
`;

/** The attacks, each named, through the operations test/examples.json picks. */
export const ATTACKS_TEST = `import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer } from '../src/server.js';
import plan from './examples.json' with { type: 'json' };
import {
  closeAll,
  connect,
  examples,
  type LocalApi,
  redirectingTo,
  secrets,
  serverOptions,
  startApi,
} from './local-api.js';

interface Target {
  readonly tool: string;
  readonly arg: string;
}

// The operations the attacks go through, chosen by the generator (test/examples.json): \`probe\` is one any
// call can be made with; \`header\` and \`path\` carry a plain string header or path parameter.
// Cast, not annotated: TypeScript would narrow a \`null\` in the JSON to \`null\` for good.
const probe = plan.probe as string | null;
const header = plan.header as (Target & { readonly plain: boolean }) | null;
const path = plan.path as Target | null;
const secured = plan.secured as string | null;
const argsOf = (tool: string) => examples[tool]?.args ?? {};
const noProbe = probe === null && 'no operation has example arguments (see test/examples.json)';

describe('the attacks the api server refuses', () => {
  let local: LocalApi;
  let internal: LocalApi;

  before(async () => {
    local = await startApi();
    // An internal service on the same machine: what an attacker wants to reach.
    internal = await startApi();
  });

  after(async () => {
    await closeAll();
    await Promise.all([local.close(), internal.close()]);
  });

  const call = async (overrides: Parameters<typeof connect>[1], args = argsOf(probe ?? '')) =>
    (await connect(local, overrides)).call(probe ?? '', args);

  it('refuses SSRF to 127.0.0.1 when it is not the allowed host (a redirect to an internal port)', {
    skip: noProbe,
  }, async () => {
    const result = await call({ baseUrl: redirectingTo(local, \`http://127.0.0.1:\${internal.port}/internal\`) });
    assert.equal(result.isError, true);
    assert.match(result.text, /host "127\\.0\\.0\\.1" is not on the allowlist/);
    assert.equal(internal.received.length, 0);
  });

  it('refuses SSRF to loopback the operator did not permit (the API name resolves to 127.0.0.1)', {
    skip: noProbe,
  }, async () => {
    const before = local.received.length;
    const result = await call({ allowPrivate: [] });
    assert.equal(result.isError, true);
    assert.match(result.text, /resolves to a forbidden address: address 127\\.0\\.0\\.1 is a loopback address/);
    assert.equal(local.received.length, before);
  });

  it('refuses 127.0.0.1 as the base URL unless the operator allows that host and its range', () => {
    const base = \`http://127.0.0.1:\${internal.port}\`;
    assert.throws(() => createServer(serverOptions(local, { baseUrl: base })), /not on the allowlist/);
    const hostOnly = { baseUrl: base, allowHosts: ['127.0.0.1'], allowPrivate: [] };
    assert.throws(() => createServer(serverOptions(local, hostOnly)), /loopback address/);
    assert.equal(internal.received.length, 0);
  });

  it('refuses SSRF to 169.254.169.254 (cloud metadata) by redirect, by name and as the base URL', {
    skip: noProbe,
  }, async () => {
    const redirected = await call({ baseUrl: redirectingTo(local, 'http://169.254.169.254/latest/meta-data/') });
    assert.equal(redirected.isError, true);
    assert.match(redirected.text, /^redirect to "http:\\/\\/169\\.254\\.169\\.254\\/latest\\/meta-data\\/" refused/);
    const linkLocal = { allowHosts: ['metadata.test', '169.254.169.254'], allowPrivate: ['169.254.0.0/16'] };
    const named = await call({ ...linkLocal, baseUrl: 'http://metadata.test/latest' });
    assert.equal(named.isError, true);
    assert.match(named.text, /169\\.254\\.169\\.254 is a cloud metadata endpoint/);
    const direct = { ...linkLocal, baseUrl: 'http://169.254.169.254/latest' };
    assert.throws(() => createServer(serverOptions(local, direct)), /cloud metadata endpoint/);
  });

  it('refuses a redirect to a host that is not on the allowlist', { skip: noProbe }, async () => {
    const result = await call({ baseUrl: redirectingTo(local, \`http://evil.test:\${local.port}/stolen\`) });
    assert.equal(result.isError, true);
    assert.match(result.text, /host "evil\\.test" is not on the allowlist/);
    assert.equal(local.received.filter((r) => r.url.pathname === '/stolen').length, 0);
  });

  it('sends no credential along a redirect to another host, even an allowed one', {
    skip: secured === null && 'no operation needs credentials',
  }, async () => {
    if (!secured) return;
    const before = local.received.length;
    const client = await connect(local, { baseUrl: redirectingTo(local, \`http://other.test:\${local.port}/__landing\`) });
    const result = await client.call(secured, argsOf(secured));
    assert.equal(result.isError, false, result.text);
    const [first, landing] = local.received.slice(before);
    const carries = (request: unknown) => secrets().some((secret) => JSON.stringify(request).includes(secret));
    assert.ok(carries(first), 'the first hop carried no credential');
    assert.equal(landing?.url.pathname, '/__landing');
    assert.ok(!carries(landing), 'a credential followed the redirect');
  });

  it('refuses header injection (CR/LF in a header parameter)', {
    skip: header === null && 'the API has no header parameter',
  }, async () => {
    if (!header) return;
    const client = await connect(local);
    const before = local.received.length;
    for (const value of ['x\\r\\nX-Injected: 1', 'x\\ny', 'x\\ry', 'x\\0y']) {
      const result = await client.call(header.tool, { ...argsOf(header.tool), [header.arg]: value });
      assert.equal(result.isError, true, JSON.stringify(value));
      if (header.plain) assert.match(result.text, /line break or NUL/);
    }
    assert.equal(local.received.length, before);
  });

  it('keeps a path parameter inside its segment (.. and ../ traversal)', {
    skip: path === null && 'the API has no plain string path parameter',
  }, async () => {
    if (!path) return;
    const client = await connect(local);
    const dots = await client.call(path.tool, { ...argsOf(path.tool), [path.arg]: '..' });
    assert.equal(dots.isError, true);
    assert.match(dots.text, /not a valid path segment/);
    const before = local.received.length;
    const climb = await client.call(path.tool, { ...argsOf(path.tool), [path.arg]: '../../admin' });
    assert.equal(climb.isError, false, climb.text);
    const [request] = local.received.slice(before);
    assert.equal(request?.tool, path.tool);
    assert.ok(Object.values(request?.params ?? {}).includes('../../admin'));
  });

  it('stops reading an oversized response at the size cap', { skip: noProbe }, async () => {
    const result = await call({ baseUrl: \`http://api.test:\${local.port}/__huge\`, maxResponseBytes: 64 * 1024 });
    assert.equal(result.isError, false, result.text);
    assert.equal(result.structured?.truncatedAtCap, true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(local.huge.sent < 16 * 1024 * 1024, \`the API sent \${local.huge.sent} bytes\`);
  });

  it('refuses an operation that needs credentials when none are set', {
    skip: secured === null && 'no operation needs credentials',
  }, async () => {
    if (!secured) return;
    const before = local.received.length;
    const result = await (await connect(local, { env: {} })).call(secured, argsOf(secured));
    assert.equal(result.isError, true);
    assert.match(result.text, /needs credentials the server was not given: set /);
    assert.equal(local.received.length, before);
  });

  it('refuses arguments it does not know, and arguments over the size cap', { skip: noProbe }, async () => {
    const unknown = await call({}, { ...argsOf(probe ?? ''), not_an_argument: 1 });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /not_an_argument/);
    const small = await connect(local, {}, 16 * 1024);
    const big = await small.call(probe ?? '', { ...argsOf(probe ?? ''), padding: 'x'.repeat(64 * 1024) });
    assert.equal(big.isError, true);
    assert.match(big.text, /bytes; the limit is/);
  });
});
`;
