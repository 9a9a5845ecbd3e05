import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { takeBackup } from '../src/servers/registry/backup.js';
import { RegistryClient } from '../src/servers/registry/client.js';
import { registriesFromEnvironment } from '../src/servers/registry/environment.js';
import {
  connectRegistry,
  type ElicitAnswer,
  type Session,
  spawnRampart,
  type TextResult,
  textOf,
} from './helpers/mcp.js';
import { postgresBackend, type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { describeWithService } from './helpers/services.js';

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
interface Migration {
  dry_run: boolean;
  summary: { register: number; skip: number; blocked: number; written: number };
  steps: {
    source_subject: string;
    target_subject: string;
    version: number;
    action: string;
    target_version?: number;
  }[];
  failed: unknown[];
}

const EMPTY_BUNDLE = {
  format: 'rampart.registry.export/1',
  source: 'test',
  exported_at: '2026-12-03T00:00:00Z',
  subjects: [],
};
const PROTO = 'syntax = "proto3";\npackage shop;\n\nmessage Item {\n  string sku = 1;\n}\n';

/**
 * Every registry tool end to end: a real MCP client, the registry server, and embedded registry-servers on one
 * kind of store (the suite runs on SQLite and again on PostgreSQL).
 */
function registryToolSuite(makeBackend: () => RegistryBackend) {
  let backend: RegistryBackend;
  let primary: RunningRegistry;
  let secondary: RunningRegistry;
  let session: Session;
  const backupDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-tools-backups-')), 'backups');

  beforeAll(async () => {
    backend = makeBackend();
    primary = await backend.start();
    secondary = await backend.start();
    await post(primary, '/subjects/orders-value/versions', { schema: ORDER_V1 });
    await post(primary, '/subjects/orders-value/versions', { schema: ORDER_V2 });
    await post(primary, '/subjects/items-value/versions', { schema: PROTO, schemaType: 'PROTOBUF' });
    await post(primary, `/subjects/${encodeURIComponent(':.staging:orders-value')}/versions`, {
      schema: ORDER_V1,
    });
    await post(primary, '/config/items-value', { compatibility: 'FULL_TRANSITIVE' });
    session = await connectRegistry({
      backupDir,
      registries: [
        { name: 'primary', url: primary.url },
        { name: 'mirror', url: secondary.url, viewonly: true },
      ],
    });
  });

  afterAll(async () => {
    await session?.close();
    await backend?.cleanup();
    rmSync(path.dirname(backupDir), { recursive: true, force: true });
  });

  /** Runs `work` with a fresh, empty registry named `target` beside `primary`, in a session of its own. */
  async function withTarget(work: (both: Session, target: RunningRegistry) => Promise<void>): Promise<void> {
    const target = await backend.start();
    const both = await connectRegistry({
      registries: [
        { name: 'primary', url: primary.url },
        { name: 'target', url: target.url },
      ],
    });
    try {
      await work(both, target);
    } finally {
      await both.close();
    }
  }

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

  it('checks compatibility at each of the seven levels, transitive ones against every version', async () => {
    const record = (fields: unknown[]) => JSON.stringify({ type: 'record', name: 'Level', fields });
    const id = { name: 'id', type: 'string' };
    const note = { name: 'note', type: ['null', 'string'], default: null };
    await post(primary, '/config/levels-value', { compatibility: 'NONE' });
    await post(primary, '/subjects/levels-value/versions', { schema: record([id]) });
    await post(primary, '/subjects/levels-value/versions', { schema: record([id, note]) });
    const candidates = {
      // A required field old data lacks: readers of the new schema cannot read the old data.
      required: record([id, note, { name: 'qty', type: 'int' }]),
      // note without its default: fine against version 2, which has it, not against version 1, which does not.
      noDefault: record([id, { name: 'note', type: ['null', 'string'] }]),
      // id dropped: old readers, which need it, cannot read the new data.
      dropped: record([note]),
    };
    const expected: Record<string, [boolean, boolean, boolean]> = {
      NONE: [true, true, true],
      BACKWARD: [false, true, true],
      BACKWARD_TRANSITIVE: [false, false, true],
      FORWARD: [true, true, false],
      FORWARD_TRANSITIVE: [true, true, false],
      FULL: [false, true, false],
      FULL_TRANSITIVE: [false, false, false],
    };
    for (const [level, outcomes] of Object.entries(expected)) {
      await session.call('update_subject_config', { subject: 'levels-value', compatibility: level });
      const answers: boolean[] = [];
      for (const schema of Object.values(candidates)) {
        const answer = structured<{ compatible: boolean; level: string }>(
          await session.call('check_compatibility', { subject: 'levels-value', schema }),
        );
        expect(answer.level).toBe(level);
        answers.push(answer.compatible);
      }
      expect(answers, level).toEqual(outcomes);
    }
  });

  it('registers in normalized form when asked, so a reordered schema is the version it already has', async () => {
    const written = JSON.stringify({
      type: 'record',
      name: 'Normal',
      fields: [{ name: 'id', type: 'string' }],
    });
    const reordered = JSON.stringify({
      fields: [{ type: 'string', name: 'id' }],
      name: 'Normal',
      type: 'record',
    });
    const register = async (schema: string, normalize: boolean) =>
      structured<{ version: number }>(
        await session.call('register_schema', { subject: 'normal-value', schema, normalize }),
      ).version;
    expect(await register(written, true)).toBe(1);
    expect(await register(reordered, true)).toBe(1);
    // Without normalize, key order makes it another schema (and, being compatible, the next version).
    expect(await register(reordered, false)).toBe(2);
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
    expect(refused.text).toMatch(/incompatible .* \(error 40901\)/);
  });

  it('refuses every write to a view-only registry, and leaves it unchanged', async () => {
    const mirror = new RegistryClient({ name: 'mirror', url: secondary.url, viewonly: true }, 10_000);
    const mirrorBackup = await takeBackup(mirror, 'all', {
      dir: backupDir,
      signal: AbortSignal.timeout(10_000),
      label: 'x',
    });
    await mirror.close();
    const writes: [string, Record<string, unknown>][] = [
      ['register_schema', { subject: 'x-value', schema: ORDER_V1, registry: 'mirror' }],
      ['update_global_config', { compatibility: 'NONE', registry: 'mirror' }],
      ['update_subject_config', { subject: 'x-value', compatibility: 'NONE', registry: 'mirror' }],
      ['update_mode', { mode: 'READONLY', registry: 'mirror' }],
      ['update_subject_mode', { subject: 'x-value', mode: 'READONLY', registry: 'mirror' }],
      ['delete_subject', { subject: 'x-value', registry: 'mirror', confirm: true }],
      ['clear_context', { registry: 'mirror', confirm: true }],
      ['delete_context', { context: '.x', registry: 'mirror', confirm: true }],
      ['add_subject_alias', { alias: 'x', subject: 'x-value', registry: 'mirror' }],
      ['delete_subject_alias', { alias: 'x', registry: 'mirror' }],
      ['import_schemas', { bundle: EMPTY_BUNDLE, registry: 'mirror' }],
      [
        'migrate_schema',
        { subject: 'orders-value', target_registry: 'mirror', dry_run: false, confirm: true },
      ],
      ['migrate_context', { target_registry: 'mirror', dry_run: false, confirm: true }],
      ['migrate_context', { target_registry: 'mirror' }],
      ['bulk_cleanup', { pattern: '*', registry: 'mirror', dry_run: false, confirm: true }],
      ['bulk_register', { bundle: EMPTY_BUNDLE, registry: 'mirror', dry_run: false, confirm: true }],
      [
        'bulk_update_config',
        { pattern: '*', mode: 'READONLY', registry: 'mirror', dry_run: false, confirm: true },
      ],
      ['clear_contexts', { contexts: ['.'], registry: 'mirror', dry_run: false, confirm: true }],
      ['restore_backup', { backup: path.basename(mirrorBackup.path), dry_run: false, confirm: true }],
    ];
    const { tools } = await session.client.listTools();
    const writing = tools.filter((t) => !t.annotations?.readOnlyHint).map((t) => t.name);
    expect(new Set(writes.map(([tool]) => tool))).toEqual(new Set(writing));
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
    const empty = await backend.start();
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
    }
  });

  it('migrates a context to another registry with its ids: a dry run first, then the copy, with progress', async () => {
    await withTarget(async (both, target) => {
      const address = JSON.stringify({ type: 'object', properties: { city: { type: 'string' } } });
      await both.call('register_schema', {
        subject: 'address.json',
        schema: address,
        schema_type: 'JSON',
        context: '.staging',
      });
      await both.call('register_schema', {
        subject: 'person-value',
        schema: JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } }),
        schema_type: 'JSON',
        references: [{ name: 'address.json', subject: ':.staging:address.json', version: 1 }],
        context: '.staging',
      });
      await both.call('register_schema', { subject: 'orders-value', schema: ORDER_V2, context: '.staging' });
      await both.call('register_schema', {
        subject: 'items-value',
        schema: PROTO,
        schema_type: 'PROTOBUF',
        context: '.staging',
      });
      const staging = (await (await fetch(`${primary.url}/subjects`)).json()) as string[];
      const subjects = staging.filter((s) => s.startsWith(':.staging:'));
      expect(subjects).toHaveLength(4);

      const plan = structured<Migration>(
        await both.call('migrate_context', { context: '.staging', target_registry: 'target' }),
      );
      expect(plan).toMatchObject({
        dry_run: true,
        summary: { register: 5, skip: 0, blocked: 0, written: 0 },
      });
      expect(plan.steps.map((s) => `${s.target_subject}@${s.target_version}`)).toContain(
        ':.staging:orders-value@2',
      );
      expect(await (await fetch(`${target.url}/subjects`)).json()).toEqual([]);

      const progress: number[] = [];
      const done = textOf(
        await both.client.callTool(
          {
            name: 'migrate_context',
            arguments: { context: '.staging', target_registry: 'target', dry_run: false },
          },
          { onprogress: (p) => progress.push(p.progress) },
        ),
      );
      const copied = structured<Migration>(done);
      expect(copied.summary).toMatchObject({ register: 5, written: 5 });
      expect(copied.failed).toEqual([]);
      expect(progress.length).toBeGreaterThanOrEqual(5);
      for (const subject of subjects) {
        const route = `/subjects/${encodeURIComponent(subject)}/versions`;
        const versions = (await (await fetch(`${primary.url}${route}`)).json()) as number[];
        expect(await (await fetch(`${target.url}${route}`)).json()).toEqual(versions);
        for (const v of versions) {
          const a = await (await fetch(`${primary.url}${route}/${v}`)).json();
          expect(await (await fetch(`${target.url}${route}/${v}`)).json()).toEqual(a);
        }
        // IMPORT mode was for the copy only: the subject has no mode of its own afterwards.
        expect((await fetch(`${target.url}/mode/${encodeURIComponent(subject)}`)).status).toBe(404);
      }
      const again = structured<Migration>(
        await both.call('migrate_context', {
          context: '.staging',
          target_registry: 'target',
          dry_run: false,
        }),
      );
      expect(again.summary).toMatchObject({ register: 0, skip: 5, written: 0 });
    });
  });

  it('migrates one subject with what it references, and asks before adding to a subject with versions', async () => {
    await withTarget(async (both, target) => {
      const money = 'syntax = "proto3";\npackage cash;\nmessage Money {\n  int64 cents = 1;\n}';
      const bill = 'syntax = "proto3";\nimport "cash.proto";\nmessage Bill {\n  .cash.Money total = 1;\n}';
      await both.call('register_schema', { subject: 'cash.proto', schema: money, schema_type: 'PROTOBUF' });
      await both.call('register_schema', {
        subject: 'bills-value',
        schema: bill,
        schema_type: 'PROTOBUF',
        references: [{ name: 'cash.proto', subject: 'cash.proto', version: 1 }],
      });
      const money2 =
        'syntax = "proto3";\npackage cash;\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}';
      await both.call('register_schema', { subject: 'cash.proto', schema: money2, schema_type: 'PROTOBUF' });
      // `versions` narrows the named subject only; what it references moves whole.
      const moved = structured<Migration>(
        await both.call('migrate_schema', {
          subject: 'bills-value',
          versions: [1],
          target_registry: 'target',
          dry_run: false,
        }),
      );
      expect(moved.steps.map((s) => `${s.target_subject}@${s.version}`)).toEqual([
        'cash.proto@1',
        'cash.proto@2',
        'bills-value@1',
      ]);
      expect(moved.summary.written).toBe(3);

      // The target's orders-value already has a version 1 (source version 2's content).
      await post(target, '/subjects/orders-value/versions', { schema: ORDER_V2 });
      const before = await (await fetch(`${target.url}/subjects/orders-value/versions`)).json();
      const refused = await both.call('migrate_schema', {
        subject: 'orders-value',
        target_registry: 'target',
        dry_run: false,
      });
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(
        /Add versions to 1 subject\(s\) .* \(orders-value\)\?.*confirm: true\. Nothing was changed\./,
      );
      expect(await (await fetch(`${target.url}/subjects/orders-value/versions`)).json()).toEqual(before);
      const confirmed = structured<Migration>(
        await both.call('migrate_schema', {
          subject: 'orders-value',
          target_registry: 'target',
          dry_run: false,
          confirm: true,
        }),
      );
      expect(confirmed.steps.map((s) => [s.version, s.action, s.target_version])).toEqual([
        [1, 'register', 2],
        [2, 'skip', 1],
      ]);
      expect(await (await fetch(`${target.url}/subjects/orders-value/versions`)).json()).toEqual([1, 2]);
    });
  });

  it("puts the target subject's own mode back when a migration fails part way, and says what failed", async () => {
    await withTarget(async (both, target) => {
      // The target gives id 1 to another schema, so orders-value version 1 (id 1 in primary) cannot keep its id.
      await post(target, '/subjects/other-value/versions', { schema: PROTO, schemaType: 'PROTOBUF' });
      await post(target, '/mode/orders-value', { mode: 'READWRITE' });
      const sourceId = (
        (await (await fetch(`${primary.url}/subjects/orders-value/versions/1`)).json()) as { id: number }
      ).id;
      expect(sourceId).toBe(1);
      const result = structured<
        Migration & { failed: { subject: string; version: number; reason: string }[] }
      >(
        await both.call('migrate_schema', {
          subject: 'orders-value',
          target_registry: 'target',
          dry_run: false,
        }),
      );
      expect(result.failed).toEqual([
        {
          subject: 'orders-value',
          version: 1,
          reason: expect.stringMatching(/Overwrite new schema with id 1 .*is not permitted/),
        },
      ]);
      expect(result.summary.written).toBe(0);
      expect(await (await fetch(`${target.url}/mode/orders-value`)).json()).toEqual({ mode: 'READWRITE' });
      expect((await fetch(`${target.url}/subjects/orders-value/versions`)).status).toBe(404);
      // Without ids the same migration goes through, under the target's compatibility rules.
      const fresh = structured<Migration>(
        await both.call('migrate_schema', {
          subject: 'orders-value',
          target_registry: 'target',
          dry_run: false,
          preserve_ids: false,
        }),
      );
      expect(fresh.summary).toMatchObject({ written: 2 });
    });
  });

  it('finishes a migration cancelled part way when run again, with no subject left in IMPORT mode', async () => {
    await withTarget(async (both, target) => {
      const subjects = Array.from({ length: 8 }, (_, i) => `:.resume:part-${i}`);
      for (const subject of subjects)
        await post(primary, `/subjects/${encodeURIComponent(subject)}/versions`, { schema: ORDER_V1 });
      const stop = new AbortController();
      const cancelled = both.client.callTool(
        {
          name: 'migrate_context',
          arguments: { context: '.resume', target_registry: 'target', dry_run: false },
        },
        {
          signal: stop.signal,
          onprogress: (p) => {
            if (p.message?.includes('version')) stop.abort();
          },
        },
      );
      await expect(cancelled).rejects.toThrow();
      const modes = async () =>
        Promise.all(
          subjects.map(async (s) => (await fetch(`${target.url}/mode/${encodeURIComponent(s)}`)).status),
        );
      await expect.poll(modes, { timeout: 5_000 }).toEqual(subjects.map(() => 404));
      const copiedBefore = ((await (await fetch(`${target.url}/subjects`)).json()) as string[]).length;
      expect(copiedBefore).toBeLessThan(subjects.length);

      const resumed = structured<Migration>(
        await both.call('migrate_context', { context: '.resume', target_registry: 'target', dry_run: false }),
      );
      expect(resumed.summary).toMatchObject({ skip: copiedBefore, written: subjects.length - copiedBefore });
      expect(((await (await fetch(`${target.url}/subjects`)).json()) as string[]).sort()).toEqual(
        [...subjects].sort(),
      );
    });
  });

  it('changes nothing on a destructive call without confirmation, and deletes with confirm: true', async () => {
    await post(primary, `/subjects/${encodeURIComponent(':.scratch:a-value')}/versions`, {
      schema: ORDER_V1,
    });
    await post(primary, `/subjects/${encodeURIComponent(':.scratch:b-value')}/versions`, {
      schema: ORDER_V2,
    });
    const everything = async () => (await fetch(`${primary.url}/subjects?deleted=true`)).json();
    const before = await everything();
    for (const [tool, args] of [
      ['delete_subject', { subject: 'a-value', context: '.scratch' }],
      ['delete_subject', { subject: 'a-value', context: '.scratch', permanent: true, confirm: false }],
      ['clear_context', { context: '.scratch' }],
      ['delete_context', { context: '.scratch' }],
    ] as const) {
      const result = await session.call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(result.text).toMatch(
        /needs confirmation .* call again with confirm: true\. Nothing was changed\./,
      );
    }
    expect(await everything()).toEqual(before);

    const cleared = structured<{ deleted: { subject: string }[]; failed: unknown[] }>(
      await session.call('clear_context', { context: '.scratch', confirm: true }),
    );
    expect(cleared.deleted.map((d) => d.subject).sort()).toEqual([':.scratch:a-value', ':.scratch:b-value']);
    expect(((await everything()) as string[]).filter((s) => s.includes('.scratch'))).toHaveLength(2);
    expect(await (await fetch(`${primary.url}/contexts`)).json()).toContain('.scratch');
    await session.call('delete_context', { context: '.scratch', confirm: true });
    expect(await (await fetch(`${primary.url}/contexts`)).json()).not.toContain('.scratch');
    const defaultContext = await session.call('delete_context', { context: '.', confirm: true });
    expect(defaultContext.text).toMatch(/the default context "\." cannot be deleted/);
  });

  it('asks the user through elicitation on either protocol revision, and deletes nothing when they decline', async () => {
    for (const modern of [false, true]) {
      const subject = `doomed-${modern ? 'modern' : 'legacy'}-value`;
      await post(primary, `/subjects/${subject}/versions`, { schema: ORDER_V1 });
      const asked: string[] = [];
      let answer: ElicitAnswer = { action: 'decline' };
      const elicit = (message: string) => {
        asked.push(message);
        return answer;
      };
      // The 2025 handshake in process (the server sends elicitation/create); the 2026-07-28 revision over stdio
      // (the tool answers input_required and the client calls again with the user's answer).
      const asking = modern
        ? await spawnRampart(['registry'], { SCHEMA_REGISTRY_URL: primary.url }, { modern, elicit })
        : await connectRegistry({ registries: [{ name: 'default', url: primary.url }] }, { elicit });
      try {
        const declined = await asking.call('delete_subject', { subject });
        expect(declined.isError).toBe(true);
        expect(declined.text).toMatch(/^the user declined: Delete subject .* Nothing was changed\.$/);
        expect(asked).toEqual([
          `Delete subject ${subject} (1 version) from registry default? (soft delete: ids stay readable)`,
        ]);
        expect(await (await fetch(`${primary.url}/subjects/${subject}/versions`)).json()).toEqual([1]);

        answer = { action: 'accept', content: { confirm: false } };
        expect((await asking.call('delete_subject', { subject })).isError).toBe(true);
        answer = { action: 'accept', content: { confirm: true } };
        expect(structured(await asking.call('delete_subject', { subject, permanent: true }))).toMatchObject({
          subject,
          permanent: true,
          versions: [1],
        });
        expect(asked).toHaveLength(3);
        expect(asked[2]).toMatch(/^Permanently delete subject .* This cannot be undone\.$/);
        expect((await fetch(`${primary.url}/subjects/${subject}/versions?deleted=true`)).status).toBe(404);
      } finally {
        await asking.close();
      }
    }
  });

  it('adds and removes subject aliases, and reads through them', async () => {
    const added = structured(
      await session.call('add_subject_alias', { alias: 'orders', subject: 'orders-value' }),
    );
    expect(added).toEqual({ registry: 'primary', alias: 'orders', subject: 'orders-value' });
    const viaAlias = structured<{ subject: string; version: number }>(
      await session.call('get_schema', { subject: 'orders' }),
    );
    expect(viaAlias.version).toBeGreaterThanOrEqual(2);
    const hiding = await session.call('add_subject_alias', { alias: 'items-value', subject: 'orders-value' });
    expect(hiding.text).toMatch(/items-value is a subject with versions; an alias would hide them/);
    const dangling = await session.call('add_subject_alias', { alias: 'x', subject: 'missing-value' });
    expect(dangling.text).toMatch(/subject missing-value has no versions .*; register it first/);
    expect(structured(await session.call('delete_subject_alias', { alias: 'orders' }))).toMatchObject({
      subject: 'orders-value',
    });
    expect((await session.call('get_schema', { subject: 'orders' })).isError).toBe(true);
    expect((await session.call('delete_subject_alias', { alias: 'orders' })).text).toMatch(
      /orders is not an alias/,
    );
  });

  it('offers registries and schemas as resources, and prompts built from what the registries hold', async () => {
    const read = async (uri: string) =>
      JSON.parse(((await session.client.readResource({ uri })).contents[0] as { text: string }).text);
    expect(await read('registry://registries')).toEqual([
      { name: 'primary', url: expect.stringContaining(primary.url), viewonly: false },
      { name: 'mirror', url: expect.stringContaining(secondary.url), viewonly: true },
    ]);
    expect((await read('registry://primary/subjects')).subjects).toContain('orders-value');
    expect(await read('registry://primary/config')).toMatchObject({
      compatibility: 'BACKWARD',
      mode: 'READWRITE',
    });
    const latest = await read('schema://primary/orders-value');
    expect(latest).toMatchObject({ registry: 'primary', subject: 'orders-value', schemaType: 'AVRO' });
    expect(await read('schema://primary/orders-value/1')).toMatchObject({ version: 1, id: 1 });
    const staged = await read(`schema://primary/${encodeURIComponent(':.staging:orders-value')}/1`);
    expect(staged).toMatchObject({ subject: ':.staging:orders-value', version: 1 });
    await expect(session.client.readResource({ uri: 'schema://primary/orders-value/one' })).rejects.toThrow(
      /version "one" is not a number or "latest"/,
    );
    await expect(session.client.readResource({ uri: 'schema://elsewhere/orders-value' })).rejects.toThrow(
      /registry "elsewhere" is not configured/,
    );
    const { resources } = await session.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining([
        'registry://registries',
        'registry://mirror/config',
        'schema://primary/orders-value',
      ]),
    );

    const { prompts } = await session.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual([
      'evolve_schema',
      'migrate_context_safely',
      'registry_overview',
    ]);
    const prompt = await session.client.getPrompt({ name: 'registry_overview' });
    const text = (prompt.messages[0]?.content as { text?: string } | undefined)?.text ?? '';
    expect(text).toMatch(
      /- primary \(http:\/\/127\.0\.0\.1:\d+\/?, writable\): \d+ subjects in \d+ context\(s\)/,
    );
    expect(text).toMatch(/- mirror \(.*, view-only\)/);
  });

  it('counts subjects, versions and schemas per context and type', async () => {
    const stats = structured<{
      subjects: number;
      versions: number;
      schemas: number;
      by_type: Record<string, number>;
      contexts: { context: string; subjects: number }[];
      largest_subjects: { subject: string; versions: number }[];
    }>(await session.call('statistics', {}));
    const subjects = (await (await fetch(`${primary.url}/subjects`)).json()) as string[];
    expect(stats.subjects).toBe(subjects.length);
    expect(stats.versions).toBeGreaterThan(stats.subjects - 1);
    const { AVRO = 0, JSON: json = 0, PROTOBUF = 0 } = stats.by_type;
    expect(AVRO + json + PROTOBUF).toBe(stats.schemas);
    expect(PROTOBUF).toBeGreaterThan(0);
    expect(stats.contexts.map((c) => c.context)).toEqual(expect.arrayContaining(['.', '.staging']));
    const staging = structured<{ subjects: number; contexts: unknown[] }>(
      await session.call('statistics', { context: 'staging' }),
    );
    expect(staging.contexts).toHaveLength(1);
    expect(staging.subjects).toBe(subjects.filter((s) => s.startsWith(':.staging:')).length);
  });
}

describe('registry tools over embedded SQLite registries', () => registryToolSuite(sqliteBackend));

await describeWithService('PostgreSQL', 5432, 'registry tools over embedded PostgreSQL registries', () =>
  registryToolSuite(postgresBackend),
);

describe('registry configuration', () => {
  it('authenticates with basic and bearer credentials, and names the registry when they are wrong', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-auth-'));
    const secret = 'a-long-enough-secret-for-tests';
    const start = (auth: 'basic' | 'bearer') =>
      startRegistryServer(
        registryServerConfigSchema.parse({
          port: 0,
          sqlitePath: path.join(dir, `${auth}.db`),
          logLevel: 'silent',
          auth,
          credentials: [auth === 'basic' ? { name: 'tools', secret } : { secret }],
        }),
      );
    const basic = await start('basic');
    const bearer = await start('bearer');
    const session = await connectRegistry({
      registries: [
        { name: 'basic', url: basic.url, username: 'tools', password: secret },
        { name: 'bearer', url: bearer.url, token: secret },
        { name: 'wrong', url: basic.url, username: 'tools', password: 'not-the-secret' },
      ],
    });
    try {
      for (const registry of ['basic', 'bearer']) {
        const written = await session.call('register_schema', {
          subject: 'auth-value',
          schema: ORDER_V1,
          registry,
        });
        expect(written.isError, written.text).toBe(false);
      }
      const refused = await session.call('list_subjects', { registry: 'wrong' });
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/^registry wrong: Unauthorized \(error 401\)$/);
      expect(refused.text).not.toContain('not-the-secret');
    } finally {
      await session.close();
      await basic.close();
      await bearer.close();
      rmSync(dir, { recursive: true, force: true });
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
