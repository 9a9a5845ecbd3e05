import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { connectOverHttp } from './helpers/http-client.js';
import { connectRegistry, type Session, spawnRampart, textOf } from './helpers/mcp.js';
import { type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { structuredOk } from './helpers/registry-bulk.js';

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';
const TOKEN = 'registry-session-tools-token-0123456789';
const MONEY = {
  type: 'record',
  name: 'Money',
  namespace: 'shop.common',
  doc: 'An amount in a currency.',
  fields: [
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD'], default: 'EUR' } },
  ],
};
const INVOICE = {
  type: 'record',
  name: 'Invoice',
  namespace: 'shop.billing',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'shop.common.Money' },
    { name: 'issued', type: { type: 'int', logicalType: 'date' } },
    { name: 'lines', type: { type: 'array', items: 'string' }, default: [] },
  ],
};

async function register(registry: RunningRegistry, subject: string, body: Record<string, unknown>) {
  const response = await fetch(`${registry.url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify(body),
  });
  expect(response.status, subject).toBe(200);
  return (await response.json()) as { id: number };
}

const structured = structuredOk;

describe('registry session tools: default registry, create_context, export_avro_idl', () => {
  let backend: RegistryBackend;
  let primary: RunningRegistry;
  let secondary: RunningRegistry;
  let session: Session;

  beforeAll(async () => {
    backend = sqliteBackend();
    primary = await backend.start();
    secondary = await backend.start();
    await register(primary, 'money-value', { schema: JSON.stringify(MONEY) });
    await register(primary, 'invoices-value', {
      schema: JSON.stringify(INVOICE),
      references: [{ name: 'shop.common.Money', subject: 'money-value', version: 1 }],
    });
    await register(primary, ':.staging:orders-value', { schema: JSON.stringify(MONEY) });
    await register(primary, 'config-json', {
      schemaType: 'JSON',
      schema: JSON.stringify({ type: 'object', properties: { a: { type: 'string' } } }),
    });
    await register(secondary, 'only-in-secondary', { schema: JSON.stringify(MONEY) });
    session = await connectRegistry({
      registries: [
        { name: 'primary', url: primary.url },
        { name: 'secondary', url: secondary.url },
        { name: 'mirror', url: secondary.url, viewonly: true },
      ],
    });
  });

  afterAll(async () => {
    await session?.close();
    await backend?.cleanup();
  });

  it('uses the registry set_default_registry chose for calls that name none, in this session only', async () => {
    expect(structured(await session.call('get_default_registry', {}))).toEqual({
      registry: 'primary',
      chosen: false,
    });
    expect(structured(await session.call('set_default_registry', { registry: 'secondary' }))).toEqual({
      registry: 'secondary',
      chosen: true,
      previous: 'primary',
    });
    const listed = structured<{ subjects: string[] }>(await session.call('list_subjects', {}));
    expect(listed.subjects).toEqual(['only-in-secondary']);
    // Naming a registry still wins over the default.
    expect(
      structured<{ subjects: string[] }>(await session.call('list_subjects', { registry: 'primary' }))
        .subjects,
    ).toContain('money-value');
    // Another connection to the same server starts from the first registry again.
    const other = await connectRegistry({
      registries: [
        { name: 'primary', url: primary.url },
        { name: 'secondary', url: secondary.url },
      ],
    });
    try {
      expect(structured(await other.call('get_default_registry', {}))).toEqual({
        registry: 'primary',
        chosen: false,
      });
    } finally {
      await other.close();
    }
    structured(await session.call('set_default_registry', { registry: 'primary' }));
  });

  it('refuses to make a registry that is not configured the default, and keeps the one it had', async () => {
    const refused = await session.call('set_default_registry', { registry: 'elsewhere' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(
      /registry "elsewhere" is not configured \(configured: primary, secondary, mirror\)/,
    );
    expect(structured(await session.call('get_default_registry', {}))).toMatchObject({ registry: 'primary' });
  });

  it('create_context says an existing context exists and how a new one comes to be, writing nothing', async () => {
    const before = await (await fetch(`${primary.url}/contexts`)).json();
    expect(structured(await session.call('create_context', { context: '.staging' }))).toMatchObject({
      registry: 'primary',
      context: '.staging',
      exists: true,
      created: false,
    });
    const fresh = structured<{ exists: boolean; next_step: string; context: string }>(
      await session.call('create_context', { context: 'payments' }),
    );
    expect(fresh).toMatchObject({ context: '.payments', exists: false, created: false });
    expect(fresh.next_step).toContain('register_schema');
    expect(await (await fetch(`${primary.url}/contexts`)).json()).toEqual(before);
  });

  it('create_context refuses a view-only registry and names that are not contexts', async () => {
    const viewOnly = await session.call('create_context', { context: '.payments', registry: 'mirror' });
    expect(viewOnly.isError).toBe(true);
    expect(viewOnly.text).toMatch(/registry mirror is view-only; creating a context is refused/);
    for (const context of ['.', '..', 'a..b', 'bad:name', '']) {
      const refused = await session.call('create_context', { context });
      expect(refused.isError, context).toBe(true);
      expect(refused.text, context).toMatch(/context/);
    }
  });

  it('exports a subject and the schema it references as one Avro IDL protocol that avsc reads back', async () => {
    const result = structured<{
      idl: string;
      protocol: string;
      types: string[];
      schemas: { subject: string; version: number }[];
    }>(await session.call('export_avro_idl', { subjects: [{ subject: 'invoices-value' }] }));
    expect(result.protocol).toBe('InvoicesValue');
    expect(result.schemas.map((s) => s.subject)).toEqual(['money-value', 'invoices-value']);
    expect(result.types).toEqual(['shop.common.Currency', 'shop.common.Money', 'shop.billing.Invoice']);
    expect(result.idl).toBe(
      [
        '@namespace("shop.billing")',
        'protocol InvoicesValue {',
        '  @namespace("shop.common")',
        '  enum Currency {',
        '    EUR,',
        '    USD',
        '  } = EUR;',
        '',
        '  /** An amount in a currency. */',
        '  @namespace("shop.common")',
        '  record Money {',
        '    @logicalType("decimal") @precision(12) @scale(2) bytes amount;',
        '    Currency currency;',
        '  }',
        '',
        '  record Invoice {',
        '    string id;',
        '    shop.common.Money total;',
        '    date issued;',
        '    array<string> lines = [];',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const protocol = avro.readProtocol(result.idl) as { types: unknown[] };
    expect(protocol.types).toHaveLength(3);
  });

  it('refuses a JSON Schema subject: only Avro has an Avro IDL form', async () => {
    const refused = await session.call('export_avro_idl', { subjects: [{ subject: 'config-json' }] });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(
      /subject config-json version 1, a JSON schema; only Avro schemas have an Avro IDL form/,
    );
    const nothing = await session.call('export_avro_idl', {});
    expect(nothing.isError).toBe(true);
    expect(nothing.text).toMatch(/name the subjects to export, or give a bundle that holds some/);
  });

  it('exports from an export bundle the same IDL as from the registry, and refuses what the bundle lacks', async () => {
    const { bundle } = structured<{ bundle: { subjects: { subject: string }[] } }>(
      await session.call('export_context', { context: '.' }),
    );
    const fromRegistry = structured<{ idl: string }>(
      await session.call('export_avro_idl', { subjects: [{ subject: 'invoices-value' }] }),
    );
    const fromBundle = structured<{ idl: string; registry: string }>(
      await session.call('export_avro_idl', { bundle, subjects: [{ subject: 'invoices-value' }] }),
    );
    expect(fromBundle).toMatchObject({ registry: 'bundle', idl: fromRegistry.idl });
    // Every subject of the bundle by default: its JSON Schema subject is refused, by name.
    const mixed = await session.call('export_avro_idl', { bundle });
    expect(mixed.isError).toBe(true);
    expect(mixed.text).toMatch(/subject config-json version 1, a JSON schema/);
    const partial = {
      ...bundle,
      subjects: bundle.subjects.filter((s) => s.subject === 'invoices-value'),
    };
    const missing = await session.call('export_avro_idl', { bundle: partial });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/the bundle has no version 1 of subject money-value/);
  });

  it('exports a subject in a context, by version, from the default registry', async () => {
    const result = structured<{ idl: string; registry: string }>(
      await session.call('export_avro_idl', {
        subjects: [{ subject: 'orders-value', version: 1 }],
        context: '.staging',
        protocol: 'Staged',
      }),
    );
    expect(result.registry).toBe('primary');
    expect(result.idl).toContain('protocol Staged {');
    expect(result.idl).toContain('record Money {');
  });
});

describe('the default registry over the HTTP gateway', () => {
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  let gateway: RunningGateway;

  beforeAll(async () => {
    backend = sqliteBackend();
    registry = await backend.start();
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent' }),
      servers: [
        {
          name: 'registry',
          kind: 'registry',
          options: {
            registries: [
              { name: 'one', url: registry.url },
              { name: 'two', url: registry.url },
            ],
          },
        },
      ],
      source: 'test',
      env: { RAMPART_TOKEN: TOKEN },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await backend?.cleanup();
  });

  it("refuses set_default_registry, so one client's default never becomes another's", async () => {
    const first = await connectOverHttp(`${gateway.url}/mcp/registry`, TOKEN, 'first');
    const second = await connectOverHttp(`${gateway.url}/mcp/registry`, TOKEN, 'second');
    try {
      const refused = textOf(
        await first.callTool({ name: 'set_default_registry', arguments: { registry: 'two' } }),
      );
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/not available over the HTTP gateway.*Pass `registry` on each call/);
      const seen = textOf(await second.callTool({ name: 'get_default_registry', arguments: {} }));
      expect(seen.structured).toEqual({ registry: 'one', chosen: false });
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('the default registry and the new resources over stdio (rampart registry)', () => {
  let backend: RegistryBackend;
  let first: RunningRegistry;
  let second: RunningRegistry;

  beforeAll(async () => {
    backend = sqliteBackend();
    first = await backend.start();
    second = await backend.start();
    await register(second, 'second-value', { schema: JSON.stringify(MONEY) });
  });

  afterAll(async () => {
    await backend?.cleanup();
  });

  it('keeps the default for the process it was set in, and reads the status and versions resources', async () => {
    const env = {
      SCHEMA_REGISTRY_NAME_1: 'first',
      SCHEMA_REGISTRY_URL_1: first.url,
      SCHEMA_REGISTRY_NAME_2: 'second',
      SCHEMA_REGISTRY_URL_2: second.url,
    };
    const one = await spawnRampart(['registry'], env);
    const two = await spawnRampart(['registry'], env);
    try {
      expect(structured(await one.call('set_default_registry', { registry: 'second' }))).toMatchObject({
        registry: 'second',
        chosen: true,
      });
      expect(structured<{ subjects: string[] }>(await one.call('list_subjects', {})).subjects).toEqual([
        'second-value',
      ]);
      expect(structured<{ subjects: string[] }>(await two.call('list_subjects', {})).subjects).toEqual([]);
      const text = async (uri: string) =>
        JSON.parse(((await one.client.readResource({ uri })).contents[0] as { text: string }).text);
      const { registries } = await text('registry://status');
      expect(
        registries.map((r: { registry: string; reachable: boolean }) => [r.registry, r.reachable]),
      ).toEqual([
        ['first', true],
        ['second', true],
      ]);
      expect(await text('schema://second/second-value/versions')).toMatchObject({ versions: [1] });
    } finally {
      await one.close();
      await two.close();
    }
  });
});
