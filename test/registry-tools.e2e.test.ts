import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { registriesFromEnvironment } from '../src/servers/registry/environment.js';
import { connectRegistry, type Session, type TextResult } from './helpers/mcp.js';

let base: string;
let primary: RunningRegistry;
let secondary: RunningRegistry;
let session: Session;

const structured = <T = Record<string, unknown>>(result: TextResult): T => {
  expect(result.isError, result.text).toBe(false);
  return result.structured as T;
};

async function post(
  registry: RunningRegistry,
  route: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${registry.url}${route}`, {
    method: route.startsWith('/config') || route.startsWith('/mode') ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

const ORDER_V1 = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });
const ORDER_V2 = JSON.stringify({
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
const PROTO = 'syntax = "proto3";\npackage shop;\nmessage Item {\n  string sku = 1;\n}';

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-tools-')));
  const start = (name: string) =>
    startRegistryServer(
      registryServerConfigSchema.parse({ port: 0, sqlitePath: path.join(base, `${name}.db`) }),
    );
  primary = await start('primary');
  secondary = await start('secondary');
  await post(primary, '/subjects/orders-value/versions', { schema: ORDER_V1 });
  await post(primary, '/subjects/orders-value/versions', { schema: ORDER_V2 });
  await post(primary, '/subjects/items-value/versions', { schema: PROTO, schemaType: 'PROTOBUF' });
  await post(primary, `/subjects/${encodeURIComponent(':.staging:orders-value')}/versions`, {
    schema: ORDER_V1,
  });
  await post(primary, '/config/items-value', { compatibility: 'FULL_TRANSITIVE' });
  session = await connectRegistry({
    registries: [
      { name: 'primary', url: primary.url },
      { name: 'mirror', url: secondary.url, viewonly: true },
    ],
  });
});

afterAll(async () => {
  await session?.close();
  await primary?.close();
  await secondary?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('registry tools over embedded registries', () => {
  it('lists the registries without secrets, and tests each connection', async () => {
    expect(structured(await session.call('list_registries', {}))).toEqual({
      registries: [
        { name: 'primary', url: `${primary.url}/`, auth: 'none', mtls: false, viewonly: false },
        { name: 'mirror', url: `${secondary.url}/`, auth: 'none', mtls: false, viewonly: true },
      ],
    });
    expect(structured(await session.call('test_registry_connection', { registry: 'mirror' }))).toMatchObject({
      registry: 'mirror',
      reachable: true,
      compatibility: 'BACKWARD',
      mode: 'READWRITE',
      schema_types: ['JSON', 'PROTOBUF', 'AVRO'],
    });
  });

  it('reads subjects, versions and schemas, in the default context and in another', async () => {
    expect(structured(await session.call('list_subjects', {}))).toMatchObject({
      subjects: [':.staging:orders-value', 'items-value', 'orders-value'],
    });
    expect(structured(await session.call('list_subjects', { context: '.staging' }))).toMatchObject({
      subjects: [':.staging:orders-value'],
    });
    expect(structured(await session.call('get_schema_versions', { subject: 'orders-value' }))).toMatchObject({
      versions: [1, 2],
    });
    const latest = structured<{ id: number; version: number; schema: string; schemaType: string }>(
      await session.call('get_schema', { subject: 'orders-value' }),
    );
    expect(latest).toMatchObject({ version: 2, schema: ORDER_V2, schemaType: 'AVRO' });
    expect(
      structured(await session.call('get_schema', { subject: 'items-value', version: 1 })),
    ).toMatchObject({
      schemaType: 'PROTOBUF',
      schema: PROTO,
    });
    expect(structured(await session.call('get_schema_by_id', { id: latest.id }))).toMatchObject({
      schema: ORDER_V2,
    });
    expect(structured(await session.call('get_subjects_by_schema_id', { id: 1 }))).toMatchObject({
      versions: [
        { subject: ':.staging:orders-value', version: 1 },
        { subject: 'orders-value', version: 1 },
      ],
    });
    expect(structured(await session.call('list_contexts', {}))).toMatchObject({
      contexts: ['.', '.staging'],
    });
  });

  it('reads global and subject settings, saying which are inherited', async () => {
    expect(structured(await session.call('get_global_config', {}))).toMatchObject({
      compatibility: 'BACKWARD',
    });
    expect(structured(await session.call('get_subject_config', { subject: 'items-value' }))).toMatchObject({
      compatibility: 'FULL_TRANSITIVE',
      inherited: false,
    });
    expect(structured(await session.call('get_subject_config', { subject: 'orders-value' }))).toMatchObject({
      compatibility: 'BACKWARD',
      inherited: true,
    });
    expect(structured(await session.call('get_mode', {}))).toMatchObject({ mode: 'READWRITE' });
    expect(structured(await session.call('get_subject_mode', { subject: 'orders-value' }))).toMatchObject({
      inherited: true,
    });
  });

  it("checks compatibility at the subject's level, with the reasons", async () => {
    const breaking = JSON.stringify({
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'qty', type: 'int' },
      ],
    });
    const refused = structured<{ compatible: boolean; level: string; messages: string[] }>(
      await session.call('check_compatibility', { subject: 'orders-value', schema: breaking }),
    );
    expect(refused).toMatchObject({ compatible: false, level: 'BACKWARD' });
    expect(refused.messages.join()).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE/);
    const proto = 'syntax = "proto3";\npackage shop;\nmessage Item {\n  bytes sku = 1;\n  int32 qty = 2;\n}';
    expect(
      structured(
        await session.call('check_compatibility', {
          subject: 'items-value',
          schema: proto,
          schema_type: 'PROTOBUF',
        }),
      ),
    ).toMatchObject({ compatible: true, level: 'FULL_TRANSITIVE' });
  });

  it('registers Avro, JSON and Protobuf schemas with references, and changes settings', async () => {
    const address = JSON.stringify({ type: 'object', properties: { city: { type: 'string' } } });
    const first = structured<{ id: number; version: number }>(
      await session.call('register_schema', {
        subject: 'address.json',
        schema: address,
        schema_type: 'JSON',
      }),
    );
    expect(first.version).toBe(1);
    const person = JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } });
    const withRef = structured<{ id: number; version: number }>(
      await session.call('register_schema', {
        subject: 'person-value',
        schema: person,
        schema_type: 'JSON',
        references: [{ name: 'address.json', subject: 'address.json', version: 1 }],
      }),
    );
    expect(withRef).toMatchObject({ subject: 'person-value', version: 1 });
    const again = structured(
      await session.call('register_schema', { subject: 'orders-value', schema: ORDER_V2 }),
    );
    expect(again).toMatchObject({ version: 2 });
    const money = 'syntax = "proto3";\npackage money;\nmessage Amount {\n  int64 cents = 1;\n}';
    await session.call('register_schema', { subject: 'money.proto', schema: money, schema_type: 'PROTOBUF' });
    const invoice =
      'syntax = "proto3";\nimport "money.proto";\nmessage Invoice {\n  .money.Amount total = 1;\n}';
    expect(
      structured(
        await session.call('register_schema', {
          subject: 'invoices-value',
          schema: invoice,
          schema_type: 'PROTOBUF',
          references: [{ name: 'money.proto', subject: 'money.proto', version: 1 }],
        }),
      ),
    ).toMatchObject({ version: 1 });
    expect(
      structured(
        await session.call('update_subject_config', { subject: 'person-value', compatibility: 'FULL' }),
      ),
    ).toMatchObject({
      compatibility: 'FULL',
    });
    expect(structured(await session.call('get_subject_config', { subject: 'person-value' }))).toMatchObject({
      compatibility: 'FULL',
      inherited: false,
    });
    const refused = await session.call('register_schema', {
      subject: 'orders-value',
      schema: JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'long' }] }),
    });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/incompatible .* \(error 409\)/);
  });

  it('refuses every write to a view-only registry, and leaves it unchanged', async () => {
    const writes: [string, Record<string, unknown>][] = [
      ['register_schema', { subject: 'x-value', schema: ORDER_V1, registry: 'mirror' }],
      ['update_global_config', { compatibility: 'NONE', registry: 'mirror' }],
      ['update_subject_config', { subject: 'x-value', compatibility: 'NONE', registry: 'mirror' }],
      ['update_mode', { mode: 'READONLY', registry: 'mirror' }],
      ['update_subject_mode', { subject: 'x-value', mode: 'READONLY', registry: 'mirror' }],
    ];
    for (const [tool, args] of writes) {
      const result = await session.call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(result.text).toMatch(/registry mirror is view-only/);
    }
    expect(await (await fetch(`${secondary.url}/subjects`)).json()).toEqual([]);
    expect(await (await fetch(`${secondary.url}/config`)).json()).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it("passes a registry's errors on plainly, and names unknown registries", async () => {
    const missing = await session.call('get_schema', { subject: 'nope' });
    expect(missing).toMatchObject({ isError: true });
    expect(missing.text).toMatch(/registry primary: Subject 'nope' not found\. \(error 40401\)/);
    const unknown = await session.call('list_subjects', { registry: 'elsewhere' });
    expect(unknown.text).toMatch(/registry "elsewhere" is not configured \(configured: primary, mirror\)/);
  });

  it('compares registries by content: equal version numbers with different schemas are found', async () => {
    await post(secondary, '/subjects/orders-value/versions', {
      schema: JSON.stringify(JSON.parse(ORDER_V1), null, 2),
    });
    const changed = JSON.stringify({
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'note', type: ['null', 'string'], default: null, doc: 'free text' },
      ],
    });
    await post(secondary, '/subjects/orders-value/versions', { schema: changed });
    const compared = structured<{
      differing: { subject: string; version: number; reason: string }[];
      only_in_source: string[];
      identical_versions: number;
    }>(await session.call('compare_registries', { source: 'primary', target: 'mirror', context: '.' }));
    expect(compared.differing).toEqual([{ subject: 'orders-value', version: 2, reason: 'content differs' }]);
    expect(compared.identical_versions).toBe(1);
    expect(compared.only_in_source).toContain('items-value');
    const missing = structured<{ missing: { subject: string; version: number }[] }>(
      await session.call('find_missing_schemas', { source: 'primary', target: 'mirror', context: '.' }),
    );
    expect(missing.missing.map((m) => `${m.subject}@${m.version}`)).toContain('orders-value@2');
    expect(missing.missing.map((m) => `${m.subject}@${m.version}`)).not.toContain('orders-value@1');
  });

  it('exports a context and imports it into an empty registry with the same ids and versions', async () => {
    const empty = await startRegistryServer(
      registryServerConfigSchema.parse({ port: 0, sqlitePath: path.join(base, 'empty.db') }),
    );
    const withEmpty = await connectRegistry({
      registries: [
        { name: 'primary', url: primary.url },
        { name: 'empty', url: empty.url },
        { name: 'mirror', url: secondary.url, viewonly: true },
      ],
    });
    try {
      const exported = structured<{ bundle: Record<string, unknown>; subjects: number; versions: number }>(
        await withEmpty.call('export_context', { context: '.' }),
      );
      expect(exported.subjects).toBeGreaterThanOrEqual(6);
      const plan = structured<{ imported: unknown[]; dry_run: boolean }>(
        await withEmpty.call('import_schemas', { bundle: exported.bundle, registry: 'empty', dry_run: true }),
      );
      expect(plan.imported.length).toBe(exported.versions);
      expect(await (await fetch(`${empty.url}/subjects`)).json()).toEqual([]);
      const refused = await withEmpty.call('import_schemas', { bundle: exported.bundle, registry: 'mirror' });
      expect(refused.text).toMatch(/registry mirror is view-only/);
      const done = structured<{
        imported: { subject: string; version: number; id: number }[];
        skipped: unknown[];
      }>(await withEmpty.call('import_schemas', { bundle: exported.bundle, registry: 'empty' }));
      expect(done.imported.length).toBe(exported.versions);
      expect(done.skipped).toEqual([]);
      const compared = structured<{
        differing: unknown[];
        only_in_source: string[];
        only_in_target: string[];
      }>(await withEmpty.call('compare_registries', { source: 'primary', target: 'empty', context: '.' }));
      expect(compared).toMatchObject({ differing: [], only_in_source: [], only_in_target: [] });
      for (const [subject, version] of [
        ['orders-value', 2],
        ['person-value', 1],
        ['invoices-value', 1],
      ] as const) {
        const a = await (await fetch(`${primary.url}/subjects/${subject}/versions/${version}`)).json();
        const b = await (await fetch(`${empty.url}/subjects/${subject}/versions/${version}`)).json();
        expect(b).toEqual(a);
      }
      // Each subject's mode is back to what it was (none of its own) after the import.
      expect((await fetch(`${empty.url}/mode/orders-value`)).status).toBe(404);
      const again = structured<{ imported: unknown[]; skipped: { reason: string }[] }>(
        await withEmpty.call('import_schemas', { bundle: exported.bundle, registry: 'empty' }),
      );
      expect(again.imported).toEqual([]);
      expect(again.skipped[0]?.reason).toBe('the target subject already has versions');
    } finally {
      await withEmpty.close();
      await empty.close();
    }
  });

  it("reads the seed server's environment variables when rampart.yaml lists none", () => {
    const entries = registriesFromEnvironment({
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081',
      SCHEMA_REGISTRY_USER: 'u',
      SCHEMA_REGISTRY_PASSWORD: 'p',
      SCHEMA_REGISTRY_NAME_1: 'prod',
      SCHEMA_REGISTRY_URL_1: 'https://registry.example.com',
      VIEWONLY_1: 'true',
    });
    expect(entries).toEqual([
      { name: 'default', url: 'http://127.0.0.1:8081', username: 'u', password: 'p', viewonly: false },
      { name: 'prod', url: 'https://registry.example.com', viewonly: true },
    ]);
    expect(() => registriesFromEnvironment({ SCHEMA_REGISTRY_URL_2: 'not a url' })).toThrow(
      /SCHEMA_REGISTRY_URL_2: url/,
    );
  });
});
