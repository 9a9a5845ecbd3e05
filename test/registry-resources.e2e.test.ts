import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { STATUS_SCHEMA_CAP } from '../src/servers/registry/resources-status.js';
import { type BlackHole, startBlackHole } from './helpers/black-hole.js';
import { connectRegistry, type Session } from './helpers/mcp.js';
import { type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';
const ORDER_V1 = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });
const ORDER_V2 = JSON.stringify({
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

async function send(registry: RunningRegistry, method: string, route: string, body?: unknown) {
  const response = await fetch(`${registry.url}${route}`, {
    method,
    headers: { 'content-type': JSON_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${route}`).toBeLessThan(300);
  return response.json();
}

/** A loopback port nothing listens on: a request to it is refused at once. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('registry resources: versions, subject config and mode, status, completions', () => {
  let backend: RegistryBackend;
  let primary: RunningRegistry;
  let secondary: RunningRegistry;
  let hole: BlackHole;
  let session: Session;

  const read = async (uri: string) =>
    JSON.parse(((await session.client.readResource({ uri })).contents[0] as { text: string }).text);

  beforeAll(async () => {
    backend = sqliteBackend();
    primary = await backend.start();
    secondary = await backend.start();
    hole = await startBlackHole();
    await send(primary, 'POST', '/subjects/orders-value/versions', { schema: ORDER_V1 });
    await send(primary, 'POST', '/subjects/orders-value/versions', { schema: ORDER_V2 });
    await send(primary, 'POST', '/subjects/old-value/versions', { schema: ORDER_V1 });
    await send(primary, 'POST', '/subjects/old-value/versions', { schema: ORDER_V2 });
    await send(primary, 'DELETE', '/subjects/old-value/versions/1');
    await send(primary, 'PUT', '/config/orders-value', { compatibility: 'FULL' });
    await send(primary, 'PUT', '/mode/orders-value', { mode: 'READONLY' });
    await send(secondary, 'PUT', '/mode', { mode: 'IMPORT' });
    session = await connectRegistry({
      requestTimeoutMs: 1500,
      registries: [
        { name: 'primary', url: primary.url },
        { name: 'mirror', url: secondary.url, viewonly: true },
        { name: 'gone', url: await closedPort() },
        { name: 'silent', url: hole.url },
      ],
    });
  });

  afterAll(async () => {
    await session?.close();
    await hole?.close();
    await backend?.cleanup();
  });

  it('reads the live and soft-deleted versions of a subject', async () => {
    expect(await read('schema://primary/old-value/versions')).toEqual({
      registry: 'primary',
      subject: 'old-value',
      versions: [2],
      soft_deleted: [1],
    });
    expect((await read('schema://primary/orders-value/versions')).versions).toEqual([1, 2]);
    // The version template still reads versions by number.
    expect(await read('schema://primary/orders-value/2')).toMatchObject({ version: 2 });
  });

  it("reads a subject's own config and mode, and the registry's when it has none", async () => {
    expect(await read('subject://primary/orders-value/config')).toEqual({
      registry: 'primary',
      subject: 'orders-value',
      compatibility: 'FULL',
      inherited: false,
    });
    expect(await read('subject://primary/orders-value/mode')).toEqual({
      registry: 'primary',
      subject: 'orders-value',
      mode: 'READONLY',
      inherited: false,
    });
    expect(await read('subject://primary/old-value/config')).toMatchObject({
      compatibility: 'BACKWARD',
      inherited: true,
    });
    expect(await read('subject://mirror/anything-value/mode')).toMatchObject({
      mode: 'IMPORT',
      inherited: true,
    });
  });

  it('reports every registry in registry://status, an unreachable one with its reason, without failing the read', async () => {
    const started = performance.now();
    const { registries } = await read('registry://status');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(registries).toHaveLength(4);
    const [up, mirror, gone, silent] = registries;
    expect(up).toMatchObject({
      registry: 'primary',
      reachable: true,
      mode: 'READWRITE',
      compatibility: 'BACKWARD',
      subjects: 2,
      schemas: 3,
      schemas_capped: false,
      viewonly: false,
    });
    expect(up.latency_ms).toBeGreaterThanOrEqual(0);
    expect(mirror).toMatchObject({
      registry: 'mirror',
      reachable: true,
      mode: 'IMPORT',
      subjects: 0,
      viewonly: true,
    });
    expect(gone).toMatchObject({ registry: 'gone', reachable: false });
    expect(gone.error).toMatch(/cannot reach .*ECONNREFUSED/);
    expect(silent).toMatchObject({ registry: 'silent', reachable: false });
    expect(silent.error).toMatch(/no answer within 1500 ms/);
    expect(STATUS_SCHEMA_CAP).toBeGreaterThan(3);
  });

  it('reads one registry status through registry://{registry}/status', async () => {
    expect(await read('registry://mirror/status')).toMatchObject({ registry: 'mirror', reachable: true });
    expect(await read('registry://gone/status')).toMatchObject({ registry: 'gone', reachable: false });
  });

  it('refuses a registry that is not configured', async () => {
    for (const uri of [
      'registry://elsewhere/status',
      'schema://elsewhere/orders-value/versions',
      'subject://elsewhere/orders-value/config',
      'subject://elsewhere/orders-value/mode',
    ]) {
      await expect(session.client.readResource({ uri }), uri).rejects.toThrow(
        /registry "elsewhere" is not configured \(configured: primary, mirror, gone, silent\)/,
      );
    }
  });

  it('refuses a subject the registry does not have, in its words', async () => {
    await expect(
      session.client.readResource({ uri: 'schema://primary/nope-value/versions' }),
    ).rejects.toThrow(/registry primary: Subject 'nope-value' not found/);
  });

  it('lists the new templates and the status resource', async () => {
    const { resourceTemplates } = await session.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining([
        'schema://{registry}/{subject}/versions',
        'subject://{registry}/{subject}/config',
        'subject://{registry}/{subject}/mode',
        'registry://{registry}/status',
      ]),
    );
    const { resources } = await session.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining(['registry://status', 'registry://primary/status', 'registry://silent/status']),
    );
  });

  it('completes {registry} and {subject}, subjects from the registry already chosen', async () => {
    const complete = async (uri: string, name: string, value: string, args?: Record<string, string>) =>
      (
        await session.client.complete({
          ref: { type: 'ref/resource', uri },
          argument: { name, value },
          ...(args ? { context: { arguments: args } } : {}),
        })
      ).completion.values;
    expect(await complete('subject://{registry}/{subject}/config', 'registry', 'm')).toEqual(['mirror']);
    expect(await complete('registry://{registry}/status', 'registry', '')).toEqual([
      'primary',
      'mirror',
      'gone',
      'silent',
    ]);
    expect(
      await complete('schema://{registry}/{subject}/versions', 'subject', 'ord', { registry: 'primary' }),
    ).toEqual(['orders-value']);
    expect(await complete('schema://{registry}/{subject}', 'subject', '', { registry: 'mirror' })).toEqual(
      [],
    );
    expect(
      await complete('schema://{registry}/{subject}', 'subject', 'o', { registry: 'elsewhere' }),
    ).toEqual([]);
  });
});
