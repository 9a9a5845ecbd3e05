import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { planConfigUpdate, type SubjectSettings } from '../src/servers/registry/bulk/config-plan.js';
import { connectRegistry, type Session, textOf } from './helpers/mcp.js';
import {
  type BulkRun,
  expectRestored,
  structuredOk,
  type TwoRegistries,
  twoRegistries,
} from './helpers/registry-bulk.js';
import { dumpRegistry, record, rest, seed } from './helpers/registry-dump.js';

interface ConfigResult {
  dry_run: boolean;
  plan: {
    changes: { subject: string; setting: string; from: string; inherited: boolean; to: string }[];
    unchanged: string[];
    blocked: { subject: string; reason: string }[];
    impact: { subject: string; referenced_by: { subject: string; version: number }[] }[];
  };
  run?: BulkRun;
}

const ok = structuredOk;

/** `count` more subjects named bulk-N-value, so a run has enough steps to stop in the middle of. */
async function many(registry: RunningRegistry, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await rest(registry, 'POST', `/subjects/bulk-${i}-value/versions`, {
      schema: record(`Bulk${i}`, ['id']),
    });
}

describe('bulk_update_config over two embedded registries', () => {
  let registries: TwoRegistries;
  let first: RunningRegistry;
  let second: RunningRegistry;
  let backupDir: string;
  let session: Session;

  beforeAll(async () => {
    registries = await twoRegistries('rampart-bulk-config-', seed);
    ({ first, second, backupDir, session } = registries);
  });
  afterAll(() => registries?.close());

  it('plans from → to per subject, with inherited settings, blocked subjects and impact, writing nothing', async () => {
    const before = await dumpRegistry(first);
    const result = ok<ConfigResult>(
      await session.call('bulk_update_config', {
        registry: 'first',
        pattern: '*-value',
        compatibility: 'FULL',
        mode: 'READONLY',
      }),
    );
    expect(result.dry_run).toBe(true);
    expect(result.run).toBeUndefined();
    const compat = result.plan.changes.filter((c) => c.setting === 'compatibility');
    expect(compat.map((c) => c.subject).sort()).toEqual(['customer-value', 'invoice-value']);
    expect(compat.find((c) => c.subject === 'invoice-value')).toMatchObject({
      from: 'BACKWARD_TRANSITIVE',
      inherited: true,
      to: 'FULL',
    });
    expect(
      result.plan.changes
        .filter((c) => c.setting === 'mode')
        .map((c) => c.subject)
        .sort(),
    ).toEqual(['invoice-value', 'orders-value']);
    // orders-value already has FULL of its own; customer-value is already READONLY of its own.
    expect(result.plan.impact).toEqual([
      { subject: 'customer-value', referenced_by: [{ subject: 'invoice-value', version: 1 }] },
    ]);
    // The staging context is not matched by a pattern in the default context.
    expect(JSON.stringify(result.plan)).not.toContain(':.staging:');
    expect(await dumpRegistry(first)).toEqual(before);
  });

  for (const name of ['first', 'second'] as const) {
    it(`runs on registry ${name} after a backup, and restore_backup puts it back byte for byte`, async () => {
      const registry = name === 'first' ? first : second;
      const before = await dumpRegistry(registry);
      const progress: number[] = [];
      const result = ok<ConfigResult>(
        textOf(
          await session.client.callTool(
            {
              name: 'bulk_update_config',
              arguments: {
                registry: name,
                pattern: '*-value',
                compatibility: 'NONE',
                mode: 'READONLY',
                dry_run: false,
                confirm: true,
              },
            },
            { onprogress: (p) => progress.push(p.progress) },
          ),
        ),
      );
      const run = result.run as BulkRun;
      expect(run.failed).toEqual([]);
      expect(run.done).toHaveLength(result.plan.changes.length);
      expect(progress.at(-1)).toBe(result.plan.changes.length);
      expect(path.dirname(run.backup.path)).toBe(backupDir);
      expect(await rest(registry, 'GET', '/config/invoice-value')).toEqual({ compatibilityLevel: 'NONE' });
      expect(await rest(registry, 'GET', '/mode/orders-value')).toEqual({ mode: 'READONLY' });
      expect(await dumpRegistry(registry)).not.toEqual(before);

      const file = path.basename(run.backup.path);
      const plan = ok<{ subjects: string[]; settings: unknown[] }>(
        await session.call('restore_backup', { backup: file }),
      );
      expect(plan.subjects.sort()).toEqual(['customer-value', 'invoice-value', 'orders-value']);
      expect(await rest(registry, 'GET', '/config/invoice-value')).toEqual({ compatibilityLevel: 'NONE' });
      await expectRestored(session, file, registry, before);
    });
  }

  it('asks the user before running, and changes nothing when they decline', async () => {
    const questions: string[] = [];
    const asking = await connectRegistry(
      { backupDir, registries: [{ name: 'first', url: first.url }] },
      {
        elicit: (message) => {
          questions.push(message);
          return { action: 'decline' };
        },
      },
    );
    try {
      const before = await dumpRegistry(first);
      const files = readdirSync(backupDir);
      const result = await asking.call('bulk_update_config', {
        pattern: 'orders-*',
        compatibility: 'NONE',
        dry_run: false,
      });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/declined/);
      expect(questions).toEqual([
        'Set compatibility NONE on 1 subject of registry first? A backup is written first; restore_backup undoes it.',
      ]);
      expect(await dumpRegistry(first)).toEqual(before);
      expect(readdirSync(backupDir)).toEqual(files);
    } finally {
      await asking.close();
    }
  });

  it('never writes to a view-only registry, nor writes a backup for it', async () => {
    const before = await dumpRegistry(second);
    const files = readdirSync(backupDir);
    const plan = ok<ConfigResult>(
      await session.call('bulk_update_config', { registry: 'frozen', pattern: '*', mode: 'READONLY' }),
    );
    expect(plan.plan.changes).toEqual([]);
    expect(plan.plan.blocked.map((b) => b.reason)).toContain('the registry is view-only');
    const run = await session.call('bulk_update_config', {
      registry: 'frozen',
      pattern: '*',
      mode: 'READONLY',
      dry_run: false,
      confirm: true,
    });
    expect(run.isError).toBe(true);
    expect(run.text).toMatch(/view-only/);
    expect(await dumpRegistry(second)).toEqual(before);
    expect(readdirSync(backupDir)).toEqual(files);
  });

  it('refuses a call that sets nothing, naming what is missing', async () => {
    const result = await session.call('bulk_update_config', { pattern: '*' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/give `compatibility`, `mode` or both/);
  });
});

describe('bulk_update_config when the run is cut short', () => {
  let base: string;
  let backupDir: string;

  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'rampart-bulk-fault-'));
    backupDir = path.join(base, 'backups');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const start = (file: string, port = 0) =>
    startRegistryServer(
      registryServerConfigSchema.parse({ port, sqlitePath: path.join(base, file), logLevel: 'silent' }),
    );

  /** Each subject's compatibility is wholly the old or wholly the new one: no subject is left half-changed. */
  async function expectConsistent(registry: RunningRegistry, count: number): Promise<number> {
    let changed = 0;
    for (let i = 0; i < count; i++) {
      const level = await fetch(`${registry.url}/config/bulk-${i}-value`);
      if (level.status === 200) {
        expect(await level.json()).toEqual({ compatibilityLevel: 'NONE' });
        changed++;
      } else expect(level.status).toBe(404);
    }
    return changed;
  }

  it('a registry that goes down mid-run leaves whole subjects, the run stops, and the backup restores it', async () => {
    let registry = await start('down.db');
    await many(registry, 40);
    const before = await dumpRegistry(registry);
    const port = Number(new URL(registry.url).port);
    const session = await connectRegistry({ backupDir, registries: [{ name: 'main', url: registry.url }] });
    try {
      let closing: Promise<void> | undefined;
      const result = ok<ConfigResult>(
        textOf(
          await session.client.callTool(
            {
              name: 'bulk_update_config',
              arguments: { pattern: 'bulk-*', compatibility: 'NONE', dry_run: false, confirm: true },
            },
            {
              onprogress: (p) => {
                if (p.progress >= 3) closing ??= registry.close();
              },
            },
          ),
        ),
      );
      await closing;
      const run = result.run as BulkRun;
      expect(run.failed).toHaveLength(1);
      expect(run.failed[0]?.reason).toMatch(/cannot reach/);
      expect(run.stopped).toBe(true);
      expect(run.done.length + run.failed.length + run.skipped.length).toBe(40);
      expect(run.skipped.length).toBeGreaterThan(0);

      registry = await start('down.db', port);
      const changed = await expectConsistent(registry, 40);
      expect(changed).toBe(run.done.length);
      await expectRestored(session, run.backup.path, registry, before);
    } finally {
      await session.close();
      await registry.close();
    }
  });

  it('a cancelled run stops between steps, leaves whole subjects, and its backup restores it', async () => {
    const registry = await start('cancel.db');
    await many(registry, 40);
    const before = await dumpRegistry(registry);
    const session = await connectRegistry({ backupDir, registries: [{ name: 'cancel', url: registry.url }] });
    try {
      const controller = new AbortController();
      await expect(
        session.client.callTool(
          {
            name: 'bulk_update_config',
            arguments: { pattern: 'bulk-*', compatibility: 'NONE', dry_run: false, confirm: true },
          },
          {
            signal: controller.signal,
            onprogress: (p) => {
              if (p.progress >= 2) controller.abort();
            },
          },
        ),
      ).rejects.toThrow();
      // The server finishes the step in hand, then stops; give it that moment.
      let changed = await expectConsistent(registry, 40);
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = await expectConsistent(registry, 40);
        if (now === changed) break;
        changed = now;
      }
      expect(changed).toBeGreaterThan(0);
      expect(changed).toBeLessThan(40);
      const listed = ok<{ backups: { file: string; registry: string; label: string }[] }>(
        await session.call('list_backups', { registry: 'cancel' }),
      );
      expect(listed.backups).toHaveLength(1);
      expect(listed.backups[0]?.label).toBe('bulk_update_config');
      await expectRestored(session, listed.backups[0]?.file as string, registry, before);
    } finally {
      await session.close();
      await registry.close();
    }
  });
});

describe('the bulk config planner (properties)', () => {
  const levels = ['NONE', 'BACKWARD', 'FULL', 'FULL_TRANSITIVE'] as const;
  const modes = ['READWRITE', 'READONLY', 'IMPORT'] as const;
  const settings = fc.uniqueArray(
    fc.record({
      subject: fc.stringMatching(/^[a-z]{1,6}$/),
      ownCompatibility: fc.option(fc.constantFrom(...levels), { nil: null }),
      effectiveCompatibility: fc.constantFrom(...levels),
      ownMode: fc.option(fc.constantFrom(...modes), { nil: null }),
      effectiveMode: fc.constantFrom(...modes),
      liveVersions: fc.nat(3),
    }),
    { selector: (s) => s.subject, maxLength: 12 },
  );
  const target = fc.record(
    { compatibility: fc.constantFrom(...levels), mode: fc.constantFrom(...modes) },
    { requiredKeys: [] },
  );

  it('puts every subject in exactly one of changed, unchanged or blocked, and READONLY last', () => {
    fc.assert(
      fc.property(settings, target, fc.boolean(), (subjects: SubjectSettings[], wanted, viewOnly) => {
        const plan = planConfigUpdate(subjects, wanted, { viewOnly, referrers: new Map() });
        const changed = new Set(plan.changes.map((c) => c.subject));
        const blocked = new Set(plan.blocked.map((b) => b.subject));
        for (const s of subjects) {
          const places = [changed.has(s.subject), plan.unchanged.includes(s.subject), blocked.has(s.subject)];
          expect(places.filter(Boolean)).toHaveLength(1);
        }
        if (viewOnly) expect(plan.changes).toEqual([]);
        for (const c of plan.changes) {
          const s = subjects.find((x) => x.subject === c.subject) as SubjectSettings;
          expect(c.setting === 'mode' ? s.ownMode : s.ownCompatibility).not.toBe(c.to);
          if (c.setting === 'mode' && c.to === 'IMPORT') expect(s.liveVersions).toBe(0);
        }
        const firstReadOnly = plan.changes.findIndex((c) => c.setting === 'mode' && c.to === 'READONLY');
        if (firstReadOnly !== -1)
          expect(
            plan.changes.slice(firstReadOnly).every((c) => c.setting === 'mode' && c.to === 'READONLY'),
          ).toBe(true);
      }),
    );
  });
});
