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
import { planClearContexts } from '../src/servers/registry/bulk/contexts-plan.js';
import type { SubjectSnapshot } from '../src/servers/registry/snapshot.js';
import { connectRegistry, type Session, textOf } from './helpers/mcp.js';
import { sqliteBackend } from './helpers/registry-backends.js';
import {
  type BulkRun,
  expectRestored,
  restoreBackup,
  structuredOk,
  type TwoRegistries,
  twoRegistries,
} from './helpers/registry-bulk.js';
import { dumpRegistry, record, referrer, rest } from './helpers/registry-dump.js';

interface ContextsResult {
  dry_run: boolean;
  plan: {
    steps: { subject: string; action: string }[];
    blocked: { subject: string; reason: string }[];
    impact: { subject: string; referenced_by: { subject: string; version: number }[] }[];
  };
  run?: BulkRun;
}

const ok = structuredOk;

const q = (context: string, subject: string) => `:${context}:${subject}`;
const versions = (subject: string) => `/subjects/${encodeURIComponent(subject)}/versions`;

/**
 * .staging: base, user (references base), lonely, shared (referenced from the default context), old (soft-deleted);
 * .dev: tool; default context: report (references .staging shared).
 */
async function seedContexts(registry: RunningRegistry): Promise<void> {
  const base = record('Base', ['id']);
  await rest(registry, 'POST', versions(q('.staging', 'base')), { schema: base });
  await rest(
    registry,
    'POST',
    versions(q('.staging', 'user')),
    referrer('User', 'base', 'shop.Base', q('.staging', 'base')),
  );
  await rest(registry, 'POST', versions(q('.staging', 'lonely')), { schema: record('Lonely', ['id']) });
  await rest(registry, 'POST', versions(q('.staging', 'lonely')), { schema: record('Lonely', ['id', 'x']) });
  await rest(registry, 'POST', versions(q('.staging', 'shared')), { schema: record('Shared', ['id']) });
  await rest(registry, 'POST', versions(q('.staging', 'old')), { schema: record('Old', ['id']) });
  await rest(registry, 'DELETE', `/subjects/${encodeURIComponent(q('.staging', 'old'))}`);
  await rest(registry, 'POST', versions(q('.dev', 'tool')), { schema: record('Tool', ['id']) });
  await rest(registry, 'PUT', `/config/${encodeURIComponent(q('.dev', 'tool'))}`, { compatibility: 'NONE' });
  await rest(
    registry,
    'POST',
    versions('report-value'),
    referrer('Report', 'shared', 'shop.Shared', q('.staging', 'shared')),
  );
}

describe('clear_contexts over two embedded registries', () => {
  let registries: TwoRegistries;
  let first: RunningRegistry;
  let second: RunningRegistry;
  let backupDir: string;
  let session: Session;

  beforeAll(async () => {
    registries = await twoRegistries('rampart-bulk-contexts-', seedContexts);
    ({ first, second, backupDir, session } = registries);
  });
  afterAll(() => registries?.close());

  it('plans referrers first, blocks a subject referenced from another context, and writes nothing', async () => {
    const before = await dumpRegistry(first);
    const result = ok<ContextsResult>(
      await session.call('clear_contexts', { registry: 'first', contexts: ['.staging', 'dev'] }),
    );
    expect(result.dry_run).toBe(true);
    const order = result.plan.steps.map((s) => s.subject);
    expect(order.sort()).toEqual(
      [q('.dev', 'tool'), q('.staging', 'base'), q('.staging', 'lonely'), q('.staging', 'user')].sort(),
    );
    const steps = result.plan.steps.map((s) => s.subject);
    expect(steps.indexOf(q('.staging', 'user'))).toBeLessThan(steps.indexOf(q('.staging', 'base')));
    expect(result.plan.blocked).toEqual([
      {
        subject: q('.staging', 'shared'),
        reason: 'referenced from outside the cleared contexts by report-value v1',
      },
    ]);
    expect(result.plan.impact).toEqual([
      { subject: q('.staging', 'base'), referenced_by: [{ subject: q('.staging', 'user'), version: 1 }] },
    ]);
    expect(await dumpRegistry(first)).toEqual(before);
  });

  it('refuses to run while a subject is blocked, naming it, unless told to skip the blocked ones', async () => {
    const before = await dumpRegistry(first);
    const result = await session.call('clear_contexts', {
      registry: 'first',
      contexts: ['.staging'],
      dry_run: false,
      confirm: true,
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /:\.staging:shared: referenced from outside the cleared contexts by report-value v1/,
    );
    expect(result.text).toMatch(/skip_blocked: true/);
    expect(await dumpRegistry(first)).toEqual(before);
  });

  for (const [name, permanent] of [
    ['first', false],
    ['second', true],
  ] as const) {
    it(`clears on registry ${name} (${permanent ? 'permanent' : 'soft'}) after a backup, and restore_backup puts it back byte for byte`, async () => {
      const registry = name === 'first' ? first : second;
      const before = await dumpRegistry(registry);
      const result = ok<ContextsResult>(
        await session.call('clear_contexts', {
          registry: name,
          contexts: ['.staging', '.dev'],
          permanent,
          skip_blocked: true,
          dry_run: false,
          confirm: true,
        }),
      );
      const run = result.run as NonNullable<ContextsResult['run']>;
      expect(run.failed).toEqual([]);
      expect(run.done).toHaveLength(result.plan.steps.length);
      const left = (await rest(registry, 'GET', '/subjects?deleted=true')) as string[];
      expect(left).toContain(q('.staging', 'shared'));
      expect(left.includes(q('.staging', 'user'))).toBe(!permanent);
      expect(left.includes(q('.staging', 'old'))).toBe(!permanent);
      expect(await rest(registry, 'GET', '/subjects')).not.toContain(q('.dev', 'tool'));

      await expectRestored(session, run.backup.path, registry, before);
    });
  }

  it('never writes to a view-only registry, nor writes a backup for it', async () => {
    const before = await dumpRegistry(second);
    const files = readdirSync(backupDir);
    const plan = ok<ContextsResult>(
      await session.call('clear_contexts', { registry: 'frozen', contexts: ['.dev'] }),
    );
    expect(plan.plan.steps).toEqual([]);
    expect(plan.plan.blocked).toEqual([{ subject: q('.dev', 'tool'), reason: 'the registry is view-only' }]);
    const run = await session.call('clear_contexts', {
      registry: 'frozen',
      contexts: ['.dev'],
      dry_run: false,
      confirm: true,
    });
    expect(run.isError).toBe(true);
    expect(run.text).toMatch(/view-only/);
    expect(await dumpRegistry(second)).toEqual(before);
    expect(readdirSync(backupDir)).toEqual(files);
  });

  it('asks the user through elicitation, runs when they accept, and the backup undoes it', async () => {
    const questions: string[] = [];
    const asking = await connectRegistry(
      { backupDir, registries: [{ name: 'first', url: first.url }] },
      {
        elicit: (message) => {
          questions.push(message);
          return { action: 'accept', content: { confirm: true } };
        },
      },
    );
    try {
      const before = await dumpRegistry(first);
      const result = ok<ContextsResult>(
        await asking.call('clear_contexts', { contexts: ['.dev'], dry_run: false }),
      );
      expect(questions).toEqual([
        'Delete 1 subject of context .dev in registry first? (soft delete: ids stay readable) A backup is written first; restore_backup puts them back.',
      ]);
      expect(result.run?.done).toEqual([{ subject: q('.dev', 'tool'), action: 'soft delete' }]);
      expect(await rest(first, 'GET', '/subjects')).not.toContain(q('.dev', 'tool'));
      ok(
        await asking.call('restore_backup', {
          backup: path.basename(result.run?.backup.path ?? ''),
          dry_run: false,
        }),
      );
      expect(questions).toHaveLength(2);
      expect(await dumpRegistry(first)).toEqual(before);
    } finally {
      await asking.close();
    }
  });

  it('blocks subjects whose versions reference each other round, which no order of subject deletes gets past', async () => {
    const a = q('.cycle', 'a');
    const b = q('.cycle', 'b');
    await rest(first, 'PUT', `/config/${encodeURIComponent(a)}`, { compatibility: 'NONE' });
    await rest(first, 'POST', versions(a), { schema: record('A', ['id']) });
    await rest(first, 'POST', versions(b), referrer('B', 'a', 'shop.A', a));
    await rest(first, 'POST', versions(a), referrer('A2', 'b', 'shop.B', b));
    const result = ok<ContextsResult>(
      await session.call('clear_contexts', { registry: 'first', contexts: ['.cycle'] }),
    );
    expect(result.plan.steps).toEqual([]);
    expect(result.plan.blocked.map((x) => x.subject).sort()).toEqual([a, b]);
    expect(result.plan.blocked[0]?.reason).toMatch(/reference cycle between subjects/);
    // The registry would indeed refuse either subject first.
    const refused = await fetch(`${first.url}/subjects/${encodeURIComponent(a)}`, { method: 'DELETE' });
    expect(refused.status).toBe(422);
  });

  it('refuses a context name that is not one, naming it', async () => {
    const result = await session.call('clear_contexts', { contexts: ['.ok', 'not/a/context'] });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/contexts/);
  });
});

describe('clear_contexts when the registry goes down mid-run', () => {
  it('stops at the failure with every subject wholly there or gone, and the backup restores it', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'rampart-contexts-fault-'));
    const start = (port = 0) =>
      startRegistryServer(
        registryServerConfigSchema.parse({ port, sqlitePath: path.join(base, 'r.db'), logLevel: 'silent' }),
      );
    let registry = await start();
    for (let i = 0; i < 30; i++)
      await rest(registry, 'POST', versions(q('.load', `s${i}`)), { schema: record(`S${i}`, ['id']) });
    const before = await dumpRegistry(registry);
    const port = Number(new URL(registry.url).port);
    const session = await connectRegistry({
      backupDir: path.join(base, 'backups'),
      registries: [{ name: 'main', url: registry.url }],
    });
    try {
      let closing: Promise<void> | undefined;
      const result = ok<ContextsResult>(
        textOf(
          await session.client.callTool(
            { name: 'clear_contexts', arguments: { contexts: ['.load'], dry_run: false, confirm: true } },
            {
              onprogress: (p) => {
                if (p.progress >= 3) closing ??= registry.close();
              },
            },
          ),
        ),
      );
      await closing;
      const run = result.run as NonNullable<ContextsResult['run']>;
      expect(run.failed).toHaveLength(1);
      expect(run.stopped).toBe(true);
      expect(run.skipped.length).toBeGreaterThan(0);
      registry = await start(port);
      const live = (await rest(registry, 'GET', '/subjects')) as string[];
      expect(live).toHaveLength(30 - run.done.length);
      for (const subject of live) expect(await rest(registry, 'GET', `${versions(subject)}`)).toEqual([1]);
      await expectRestored(session, run.backup.path, registry, before);
    } finally {
      await session.close();
      await registry.close();
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('the clear_contexts planner (properties)', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  const contexts = ['.x', '.y', '.'];
  const subject = (context: string, name: string) => (context === '.' ? name : `:${context}:${name}`);
  const registry = fc
    .uniqueArray(fc.tuple(fc.constantFrom(...contexts), fc.constantFrom(...names)), {
      selector: ([c, n]) => subject(c, n),
      minLength: 1,
      maxLength: 12,
    })
    .chain((pairs) => {
      const all = pairs.map(([c, n]) => subject(c, n));
      return fc.tuple(
        fc.constant(all),
        fc.array(fc.tuple(fc.constantFrom(...all), fc.constantFrom(...all)), { maxLength: 10 }),
        fc.subarray(all),
      );
    });

  it('never plans a delete the registry would refuse: nothing referenced by what stays, referrers first', () => {
    fc.assert(
      fc.property(
        registry,
        fc.subarray(['.x', '.y', '.'], { minLength: 1 }),
        ([all, refs, readOnly], cleared) => {
          const subjects: SubjectSnapshot[] = all.map((s) => ({
            subject: s,
            versions: [
              {
                version: 1,
                id: 1,
                schemaType: 'AVRO',
                schema: '"string"',
                references: refs
                  .filter(([from, to]) => from === s && to !== s)
                  .map(([, to]) => ({ name: to, subject: to, version: 1 })),
              },
            ],
          }));
          const modes = new Map(readOnly.map((s) => [s, 'READONLY']));
          const plan = planClearContexts(
            cleared,
            { subjects, softDeletedOnly: [], modes, viewOnly: false },
            false,
          );
          const going = plan.steps.map((s) => s.subject);
          const inScope = (s: string) => cleared.includes(/^:(\.[^:]*):/.exec(s)?.[1] ?? '.');
          for (const s of going) {
            expect(inScope(s)).toBe(true);
            expect(modes.has(s)).toBe(false);
          }
          // Whatever references a subject that goes, goes too, and before it.
          for (const [from, to] of refs) {
            if (from === to || !going.includes(to)) continue;
            expect(going).toContain(from);
            expect(going.indexOf(from)).toBeLessThan(going.indexOf(to));
          }
          // Every subject of the cleared contexts goes or is blocked with a reason.
          const blocked = new Set(plan.blocked.map((b) => b.subject));
          for (const s of all.filter(inScope)) expect(going.includes(s) !== blocked.has(s)).toBe(true);
        },
      ),
    );
  });
});

describe('clear_contexts when one delete fails', () => {
  it('goes on past the failure with continue_on_error, reports it, and the backup restores the rest', async () => {
    const backend = sqliteBackend();
    const registry = await backend.start();
    const base = mkdtempSync(path.join(os.tmpdir(), 'rampart-contexts-continue-'));
    for (let i = 0; i < 10; i++)
      await rest(registry, 'POST', versions(q('.ce', `x${i}`)), { schema: record(`X${i}`, ['id']) });
    const before = await dumpRegistry(registry);
    const session = await connectRegistry({
      backupDir: path.join(base, 'backups'),
      registries: [{ name: 'main', url: registry.url }],
    });
    try {
      // Once the run has started, someone outside the context starts referencing the last subject it deletes:
      // the registry then refuses that one delete for real.
      let outside: Promise<unknown> | undefined;
      const result = ok<ContextsResult>(
        textOf(
          await session.client.callTool(
            {
              name: 'clear_contexts',
              arguments: { contexts: ['.ce'], dry_run: false, confirm: true, continue_on_error: true },
            },
            {
              onprogress: () => {
                outside ??= rest(
                  registry,
                  'POST',
                  versions('outside-value'),
                  referrer('Outside', 'x', 'shop.X9', q('.ce', 'x9')),
                );
              },
            },
          ),
        ),
      );
      await outside;
      const run = result.run as NonNullable<ContextsResult['run']>;
      expect(run.failed).toEqual([
        expect.objectContaining({ subject: q('.ce', 'x9'), reason: expect.stringMatching(/error 42206/) }),
      ]);
      expect(run.done).toHaveLength(9);
      expect(run.skipped).toEqual([]);
      expect(run.stopped).toBe(false);
      expect(await rest(registry, 'GET', '/subjects')).toEqual([q('.ce', 'x9'), 'outside-value']);
      await restoreBackup(session, run.backup.path);
      await rest(registry, 'DELETE', '/subjects/outside-value');
      await rest(registry, 'DELETE', '/subjects/outside-value?permanent=true');
      expect(await dumpRegistry(registry)).toEqual(before);
    } finally {
      await session.close();
      await backend.cleanup();
      rmSync(base, { recursive: true, force: true });
    }
  });
});
