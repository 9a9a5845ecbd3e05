import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { connectRegistry, type Session } from './helpers/mcp.js';
import { postgresBackend, type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { type BulkRun, expectRestored, structuredOk } from './helpers/registry-bulk.js';
import { dumpRegistry, record, rest } from './helpers/registry-dump.js';
import { describeWithService } from './helpers/services.js';

const structured = structuredOk;

interface PlanStep {
  subject: string;
  version: number;
  action: 'register' | 'skip' | 'blocked';
  target_version?: number;
  compatibility: string;
  keep_id: boolean;
  reason?: string;
  messages?: string[];
}
interface RegisterResult {
  summary: { register: number; skip: number; blocked: number };
  plan: PlanStep[];
  registered: { subject: string; version: number; id: number }[];
  run?: BulkRun;
}

const versions = (subject: string) => `/subjects/${encodeURIComponent(subject)}/versions`;
const strict = (name: string, fields: string[]) =>
  JSON.stringify({
    type: 'record',
    name,
    namespace: 'shop',
    fields: fields.map((f) => ({ name: f, type: 'string' })),
  });
const orderOf = (common: string) =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'shop',
    fields: [{ name: common, type: 'shop.Common' }],
  });

/** The source (a view-only mirror): a chain order → common, a second order version, and a customer. */
async function seedMirror(registry: RunningRegistry): Promise<void> {
  await rest(registry, 'POST', versions('shop-common'), { schema: record('Common', ['id']) });
  const common = [{ name: 'shop.Common', subject: 'shop-common', version: 1 }];
  await rest(registry, 'POST', versions('shop-order'), { schema: orderOf('c'), references: common });
  await rest(registry, 'POST', versions('shop-order'), {
    schema: JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [
        { name: 'c', type: 'shop.Common' },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    }),
    references: common,
  });
  await rest(registry, 'POST', versions('customer-value'), { schema: record('Customer', ['id']) });
}

/** The target already has a shop-common version, so the bundle's version 1 lands as version 2 there. */
async function seedMain(registry: RunningRegistry): Promise<void> {
  await rest(registry, 'POST', versions('shop-common'), { schema: record('Common', ['id', 'note']) });
  await rest(registry, 'POST', versions('strict-value'), { schema: strict('Strict', ['id']) });
  await rest(registry, 'PUT', '/config/strict-value', { compatibility: 'BACKWARD' });
}

const bundleOf = (
  subjects: { subject: string; versions: { version: number; id: number; schema: string }[] }[],
) => ({
  format: 'rampart.registry.export/1',
  source: 'test',
  exported_at: '2026-12-06T00:00:00Z',
  subjects: subjects.map((s) => ({
    subject: s.subject,
    versions: s.versions.map((v) => ({ ...v, schemaType: 'AVRO', references: [] })),
  })),
});

/** Every test on two fresh embedded registries of one store (SQLite, and again PostgreSQL). */
function suite(makeBackend: () => RegistryBackend) {
  let backend: RegistryBackend;
  let base: string;
  let backupDir: string;
  let schemaDir: string;

  beforeAll(() => {
    backend = makeBackend();
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-bulk-register-')));
    backupDir = path.join(base, 'backups');
    schemaDir = path.join(base, 'schemas');
    mkdirSync(path.join(schemaDir, 'team'), { recursive: true });
    writeFileSync(path.join(schemaDir, 'team', 'orders-value.avsc'), record('Order', ['id']));
    writeFileSync(
      path.join(schemaDir, 'team', 'items-value.proto'),
      'syntax = "proto3";\npackage shop;\n\nmessage Item {\n  string sku = 1;\n}\n',
    );
    writeFileSync(
      path.join(schemaDir, 'team', 'ids-value.json'),
      JSON.stringify({ type: 'object', properties: { id: { type: 'string' } } }),
    );
    writeFileSync(path.join(schemaDir, 'team', 'README.txt'), 'not a schema');
    mkdirSync(path.join(base, 'outside'));
    writeFileSync(path.join(base, 'outside', 'secret-value.avsc'), record('Secret', ['id']));
    symlinkSync(path.join(base, 'outside'), path.join(schemaDir, 'escape'));
    mkdirSync(path.join(schemaDir, 'linked'));
    writeFileSync(path.join(schemaDir, 'linked', 'plain-value.avsc'), record('Plain', ['id']));
    symlinkSync(
      path.join(base, 'outside', 'secret-value.avsc'),
      path.join(schemaDir, 'linked', 'secret-value.avsc'),
    );
  });
  afterAll(async () => {
    await backend.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  async function setup(
    config: Record<string, unknown> = {},
  ): Promise<{ main: RunningRegistry; mirror: RunningRegistry; session: Session }> {
    const main = await backend.start();
    const mirror = await backend.start();
    await seedMain(main);
    await seedMirror(mirror);
    const session = await connectRegistry({
      registries: [
        { name: 'main', url: main.url },
        { name: 'mirror', url: mirror.url, viewonly: true },
      ],
      backupDir,
      schemaDir,
      ...config,
    });
    return { main, mirror, session };
  }

  it('plans and registers a bundle from the other registry, referenced subjects first, references repointed', async () => {
    const { main, session } = await setup();
    try {
      const before = await dumpRegistry(main);
      const { bundle } = structured<{ bundle: unknown }>(
        await session.call('export_global', { registry: 'mirror' }),
      );
      const plan = structured<RegisterResult>(await session.call('bulk_register', { bundle }));
      expect(
        plan.plan.map((s) => [s.subject, s.version, s.action, s.target_version, s.compatibility]),
      ).toEqual([
        ['customer-value', 1, 'register', 1, 'checked'],
        ['shop-common', 1, 'register', 2, 'checked'],
        ['shop-order', 1, 'register', 1, 'unchecked'],
        ['shop-order', 2, 'register', 2, 'unchecked'],
      ]);
      expect(await dumpRegistry(main)).toEqual(before);

      const result = structured<RegisterResult>(
        await session.call('bulk_register', { bundle, dry_run: false, confirm: true }),
      );
      expect(result.run?.failed).toEqual([]);
      expect(result.registered.map((r) => `${r.subject}@${r.version}`)).toEqual([
        'customer-value@1',
        'shop-common@2',
        'shop-order@1',
        'shop-order@2',
      ]);
      const order = (await rest(main, 'GET', `${versions('shop-order')}/1`)) as { references: unknown[] };
      expect(order.references).toEqual([{ name: 'shop.Common', subject: 'shop-common', version: 2 }]);

      await expectRestored(session, result.run?.backup.path as string, main, before);
    } finally {
      await session.close();
    }
  });

  it("blocks an incompatible schema in the plan with the registry's messages and registers the rest", async () => {
    const { main, session } = await setup();
    try {
      const bundle = bundleOf([
        {
          subject: 'strict-value',
          versions: [{ version: 2, id: 900, schema: strict('Strict', ['id', 'required']) }],
        },
        { subject: 'fresh-value', versions: [{ version: 1, id: 901, schema: strict('Fresh', ['id']) }] },
      ]);
      const result = structured<RegisterResult>(
        await session.call('bulk_register', { bundle, dry_run: false, confirm: true }),
      );
      const blocked = result.plan.find((s) => s.subject === 'strict-value') as PlanStep;
      expect(blocked.action).toBe('blocked');
      expect(blocked.compatibility).toBe('incompatible');
      expect(blocked.messages?.join(' ')).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE|required/);
      expect(result.registered.map((r) => r.subject)).toEqual(['fresh-value']);
      expect(await rest(main, 'GET', versions('strict-value'))).toEqual([1]);
    } finally {
      await session.close();
    }
  });

  it('blocks a schema the registry cannot parse, with its words, in the plan', async () => {
    const { session } = await setup();
    try {
      const bundle = bundleOf([
        {
          subject: 'broken-value',
          versions: [{ version: 1, id: 5, schema: '{"type": "record", "name": "B"' }],
        },
      ]);
      const plan = structured<RegisterResult>(await session.call('bulk_register', { bundle }));
      expect(plan.plan).toHaveLength(1);
      expect(plan.plan[0]).toMatchObject({
        action: 'blocked',
        reason: 'the registry refuses the schema itself',
        compatibility: 'incompatible',
      });
      expect(plan.plan[0]?.messages?.[0]).toMatch(/42201/);
    } finally {
      await session.close();
    }
  });

  it('asks the user before registering, and a no writes nothing and takes no backup', async () => {
    const main = await backend.start();
    const mirror = await backend.start();
    await seedMain(main);
    const asked: string[] = [];
    const session = await connectRegistry(
      {
        registries: [
          { name: 'main', url: main.url },
          { name: 'mirror', url: mirror.url, viewonly: true },
        ],
        backupDir,
      },
      {
        elicit: (message) => {
          asked.push(message);
          return { action: 'decline' };
        },
      },
    );
    try {
      const before = await dumpRegistry(main);
      const backupsBefore = readdirSync(backupDir).length;
      const bundle = bundleOf([
        { subject: 'new-value', versions: [{ version: 1, id: 7, schema: strict('N', ['id']) }] },
      ]);
      const refused = await session.call('bulk_register', { bundle, dry_run: false });
      expect(refused.isError).toBe(true);
      expect(asked).toEqual(['Register 1 schema in 1 subject of registry main? A backup is written first.']);
      expect(await dumpRegistry(main)).toEqual(before);
      expect(readdirSync(backupDir).length).toBe(backupsBefore);
    } finally {
      await session.close();
    }
  });

  it('stops at an incompatible version in the middle, leaves a consistent registry, and the backup restores it', async () => {
    const { main, session } = await setup();
    try {
      const before = await dumpRegistry(main);
      const bundle = bundleOf([
        { subject: 'a-value', versions: [{ version: 1, id: 1, schema: strict('A', ['id']) }] },
        {
          subject: 'x-value',
          versions: [
            { version: 1, id: 2, schema: strict('X', ['id']) },
            { version: 2, id: 3, schema: strict('X', ['id', 'required']) },
          ],
        },
        { subject: 'z-value', versions: [{ version: 1, id: 4, schema: strict('Z', ['id']) }] },
      ]);
      const result = structured<RegisterResult>(
        await session.call('bulk_register', { bundle, dry_run: false, confirm: true }),
      );
      const run = result.run as NonNullable<RegisterResult['run']>;
      expect(run.done.map((d) => d.subject)).toEqual(['a-value', 'x-value']);
      expect(run.failed.map((f) => [f.subject, f.action])).toEqual([['x-value', 'register version 2']]);
      expect(run.failed[0]?.reason).toMatch(/incompatible/i);
      expect(run.stopped).toBe(true);
      expect(run.skipped).toEqual([{ subject: 'z-value', action: 'register version 1' }]);
      expect(await rest(main, 'GET', versions('x-value'))).toEqual([1]);
      expect(await rest(main, 'GET', '/subjects')).not.toContain('z-value');

      await expectRestored(session, run.backup.path, main, before);
    } finally {
      await session.close();
    }
  });

  it('goes on past the failure with continue_on_error', async () => {
    const { main, session } = await setup();
    try {
      const bundle = bundleOf([
        {
          subject: 'x-value',
          versions: [
            { version: 1, id: 2, schema: strict('X', ['id']) },
            { version: 2, id: 3, schema: strict('X', ['id', 'required']) },
          ],
        },
        { subject: 'z-value', versions: [{ version: 1, id: 4, schema: strict('Z', ['id']) }] },
      ]);
      const result = structured<RegisterResult>(
        await session.call('bulk_register', {
          bundle,
          dry_run: false,
          confirm: true,
          continue_on_error: true,
        }),
      );
      expect(result.run?.failed).toHaveLength(1);
      expect(result.run?.stopped).toBe(false);
      expect(await rest(main, 'GET', versions('z-value'))).toEqual([1]);
    } finally {
      await session.close();
    }
  });

  it("keeps the bundle's ids and versions only for a subject in IMPORT mode", async () => {
    const { main, session } = await setup();
    try {
      await rest(main, 'PUT', '/mode/imported-value?force=true', { mode: 'IMPORT' });
      const bundle = bundleOf([
        {
          subject: 'imported-value',
          versions: [{ version: 5, id: 4242, schema: strict('Imported', ['id']) }],
        },
        { subject: 'normal-value', versions: [{ version: 3, id: 4343, schema: strict('Normal', ['id']) }] },
      ]);
      const result = structured<RegisterResult>(
        await session.call('bulk_register', { bundle, dry_run: false, confirm: true }),
      );
      expect(result.plan.map((s) => [s.subject, s.keep_id, s.compatibility])).toEqual([
        ['imported-value', true, 'not applied'],
        ['normal-value', false, 'checked'],
      ]);
      expect(await rest(main, 'GET', `${versions('imported-value')}/5`)).toMatchObject({
        id: 4242,
        version: 5,
      });
      const normal = (await rest(main, 'GET', `${versions('normal-value')}/1`)) as { id: number };
      expect(normal.id).not.toBe(4343);
    } finally {
      await session.close();
    }
  });

  it('registers a folder of .avsc, .json and .proto files under the schema directory, one subject each', async () => {
    const { main, session } = await setup();
    try {
      const result = structured<RegisterResult>(
        await session.call('bulk_register', {
          folder: 'team',
          context: '.team',
          dry_run: false,
          confirm: true,
        }),
      );
      expect(result.registered.map((r) => r.subject)).toEqual([
        ':.team:ids-value',
        ':.team:items-value',
        ':.team:orders-value',
      ]);
      const types = await Promise.all(
        ['ids-value', 'items-value', 'orders-value'].map(
          async (s) =>
            ((await rest(main, 'GET', `${versions(`:.team:${s}`)}/1`)) as { schemaType?: string }).schemaType,
        ),
      );
      expect(types).toEqual(['JSON', 'PROTOBUF', undefined]);
    } finally {
      await session.close();
    }
  });

  it('refuses a schema folder outside the allowed directory', async () => {
    const { main, session } = await setup();
    try {
      const before = await dumpRegistry(main);
      for (const folder of ['../outside', path.join(base, 'outside'), '/etc', 'escape']) {
        const refused = await session.call('bulk_register', { folder, dry_run: false, confirm: true });
        expect(refused.isError, folder).toBe(true);
        expect(refused.text, folder).toMatch(/outside|symbolic link/);
      }
      expect(await dumpRegistry(main)).toEqual(before);
    } finally {
      await session.close();
    }
  });

  it('does not follow a symbolic link to a schema file outside the allowed directory', async () => {
    const { session } = await setup();
    try {
      const plan = structured<RegisterResult>(await session.call('bulk_register', { folder: 'linked' }));
      expect(plan.plan.map((s) => s.subject)).toEqual(['plain-value']);
    } finally {
      await session.close();
    }
  });

  it('refuses a folder when no schema directory is configured, and a call naming no schemas, both kinds, or a bundle with a context', async () => {
    const { session } = await setup({ schemaDir: undefined });
    try {
      const refused = await session.call('bulk_register', { folder: 'team' });
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/registry\.schemaDir/);
      const bundle = bundleOf([]);
      for (const args of [{}, { bundle, folder: 'team' }]) {
        const wrong = await session.call('bulk_register', args);
        expect(wrong.isError).toBe(true);
        expect(wrong.text).toMatch(/either `bundle` or `folder`/);
      }
      const withContext = await session.call('bulk_register', { bundle, context: '.team' });
      expect(withContext.text).toMatch(/`context` applies to a folder/);
    } finally {
      await session.close();
    }
  });

  it('never writes a view-only registry: its plan is all blocked and a run is refused', async () => {
    const { mirror, session } = await setup();
    try {
      const before = await dumpRegistry(mirror);
      const backupsBefore = readdirSync(backupDir, { withFileTypes: false }).length;
      const bundle = bundleOf([
        { subject: 'new-value', versions: [{ version: 1, id: 7, schema: strict('N', ['id']) }] },
      ]);
      const plan = structured<RegisterResult>(
        await session.call('bulk_register', { bundle, registry: 'mirror' }),
      );
      expect(plan.plan.map((s) => [s.action, s.reason])).toEqual([['blocked', 'the registry is view-only']]);
      const refused = await session.call('bulk_register', {
        bundle,
        registry: 'mirror',
        dry_run: false,
        confirm: true,
      });
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/view-only/);
      expect(await dumpRegistry(mirror)).toEqual(before);
      expect(readdirSync(backupDir).length).toBe(backupsBefore);
    } finally {
      await session.close();
    }
  });
}

describe('bulk_register against two embedded SQLite registries', () => suite(sqliteBackend));

await describeWithService(
  'PostgreSQL',
  5432,
  'bulk_register against two embedded PostgreSQL registries',
  () => suite(postgresBackend),
);
