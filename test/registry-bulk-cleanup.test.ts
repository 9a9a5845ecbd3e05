import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { connectRegistry, type ElicitAnswer, type Session, textOf } from './helpers/mcp.js';
import { postgresBackend, type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { type BulkRun, expectRestored, structuredOk } from './helpers/registry-bulk.js';
import { dumpRegistry, record, referrer, rest } from './helpers/registry-dump.js';
import { describeWithService } from './helpers/services.js';

const structured = structuredOk;

interface CleanupResult {
  plan: {
    steps: { subject: string; version: number }[];
    purge: string[];
    blocked: { subject: string; versions: number[]; reason: string }[];
    impact: { subject: string; version: number; referenced_by: { subject: string; version: number }[] }[];
  };
  run?: BulkRun;
}

const versions = (subject: string) => `/subjects/${encodeURIComponent(subject)}/versions`;

/**
 * A chain shop-invoice → shop-order → shop-common, a legacy subject a survivor (payments) references, and a
 * subject with three versions, plus an override of each kind so a restore has settings to put back.
 */
async function seedCleanup(registry: RunningRegistry): Promise<void> {
  await rest(registry, 'POST', versions('shop-common'), { schema: record('Common', ['id']) });
  await rest(registry, 'POST', versions('shop-order'), referrer('Order', 'c', 'shop.Common', 'shop-common'));
  await rest(
    registry,
    'POST',
    versions('shop-invoice'),
    referrer('Invoice', 'o', 'shop.Order', 'shop-order'),
  );
  await rest(registry, 'POST', versions('legacy-money'), { schema: record('Money', ['amount']) });
  await rest(registry, 'POST', versions('payments'), referrer('Payment', 'm', 'shop.Money', 'legacy-money'));
  for (const fields of [['id'], ['id', 'a'], ['id', 'a', 'b']])
    await rest(registry, 'POST', versions('legacy-events'), { schema: record('Event', fields) });
  await rest(registry, 'PUT', '/config/shop-order', { compatibility: 'FULL' });
  await rest(registry, 'PUT', '/mode/shop-common', { mode: 'READWRITE' });
}

/**
 * A forwarder in front of a registry that, once the first DELETE has gone through, has another administrator
 * put `lockSubject` in READONLY mode before the answer comes back: a change halfway through a run, at a
 * deterministic point, refused by the real registry.
 */
async function lockingProxy(
  registry: RunningRegistry,
  lockSubject: string,
): Promise<{ url: string; close(): Promise<void> }> {
  let deletes = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      const answer = await fetch(`${registry.url}${request.url}`, {
        method: request.method as string,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        ...(body.length > 0 ? { body } : {}),
      });
      const text = await answer.text();
      if (request.method === 'DELETE' && answer.status < 400 && ++deletes === 1)
        await rest(registry, 'PUT', `/mode/${encodeURIComponent(lockSubject)}`, { mode: 'READONLY' });
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every test on two fresh embedded registries of one store (SQLite, and again PostgreSQL). */
function suite(makeBackend: () => RegistryBackend) {
  let backend: RegistryBackend;
  let backupDir: string;

  beforeAll(() => {
    backend = makeBackend();
    backupDir = mkdtempSync(path.join(os.tmpdir(), 'rampart-cleanup-backups-'));
  });
  afterAll(async () => {
    await backend.cleanup();
    rmSync(backupDir, { recursive: true, force: true });
  });

  /** A seeded writable registry `main` and a seeded view-only `mirror`, with a client session over both. */
  async function setup(
    options: {
      elicit?: (message: string) => ElicitAnswer;
      mainUrl?: (r: RunningRegistry) => Promise<string>;
    } = {},
  ): Promise<{ main: RunningRegistry; mirror: RunningRegistry; session: Session }> {
    const main = await backend.start();
    const mirror = await backend.start();
    await seedCleanup(main);
    await seedCleanup(mirror);
    const session = await connectRegistry(
      {
        registries: [
          { name: 'main', url: options.mainUrl ? await options.mainUrl(main) : main.url },
          { name: 'mirror', url: mirror.url, viewonly: true },
        ],
        backupDir,
      },
      options.elicit ? { elicit: options.elicit } : {},
    );
    return { main, mirror, session };
  }

  it('plans without changing anything: referrers first, the impact, and a survivor’s reference blocking', async () => {
    const { main, session } = await setup();
    try {
      const before = await dumpRegistry(main);
      const shop = structured<CleanupResult>(await session.call('bulk_cleanup', { pattern: 'shop-*' }));
      expect(shop.plan.steps).toEqual([
        { subject: 'shop-invoice', version: 1 },
        { subject: 'shop-order', version: 1 },
        { subject: 'shop-common', version: 1 },
      ]);
      expect(shop.plan.impact).toEqual([
        { subject: 'shop-common', version: 1, referenced_by: [{ subject: 'shop-order', version: 1 }] },
        { subject: 'shop-order', version: 1, referenced_by: [{ subject: 'shop-invoice', version: 1 }] },
      ]);
      expect(shop.run).toBeUndefined();

      const legacy = structured<CleanupResult>(await session.call('bulk_cleanup', { pattern: 'legacy-*' }));
      expect(legacy.plan.blocked).toEqual([
        {
          subject: 'legacy-money',
          versions: [1],
          whole: true,
          reason: 'referenced by payments version 1, which stays',
          referrers: [{ subject: 'payments', version: 1 }],
        },
      ]);
      expect(legacy.plan.steps.map((s) => `${s.subject}/${s.version}`)).toEqual([
        'legacy-events/3',
        'legacy-events/2',
        'legacy-events/1',
      ]);
      expect(await dumpRegistry(main)).toEqual(before);
    } finally {
      await session.close();
    }
  });

  it('deletes for good, referrers first, after a backup that restore_backup puts back byte for byte', async () => {
    const { main, session } = await setup();
    try {
      // A subject keeping a soft-deleted version, and one with nothing but: both go for good too.
      await rest(main, 'POST', versions('shop-extra'), { schema: record('Extra', ['id']) });
      await rest(main, 'POST', versions('shop-extra'), { schema: record('Extra', ['id', 'a']) });
      await rest(main, 'DELETE', `${versions('shop-extra')}/1`);
      await rest(main, 'POST', versions('shop-gone'), { schema: record('Gone', ['id']) });
      await rest(main, 'DELETE', '/subjects/shop-gone');
      const before = await dumpRegistry(main);
      const result = structured<CleanupResult>(
        await session.call('bulk_cleanup', {
          pattern: 'shop-*',
          permanent: true,
          dry_run: false,
          confirm: true,
        }),
      );
      const run = result.run as NonNullable<CleanupResult['run']>;
      expect(run.done.map((d) => `${d.subject}: ${d.action}`)).toEqual([
        'shop-invoice: delete for good version 1',
        'shop-order: delete for good version 1',
        'shop-common: delete for good version 1',
        'shop-extra: delete for good version 2',
        'shop-gone: delete the soft-deleted versions for good',
        'shop-extra: delete the soft-deleted versions for good',
      ]);
      expect(run.failed).toEqual([]);
      const left = (await rest(main, 'GET', '/subjects?deleted=true')) as string[];
      expect(left.filter((s) => s.startsWith('shop-'))).toEqual([]);

      // The backup holds the subjects as they were before the first change.
      expect(path.dirname(run.backup.path)).toBe(backupDir);
      const backup = JSON.parse(readFileSync(run.backup.path, 'utf8'));
      expect(backup.subjects.map((s: { subject: string }) => s.subject).sort()).toEqual([
        'shop-common',
        'shop-extra',
        'shop-gone',
        'shop-invoice',
        'shop-order',
      ]);
      expect(backup.subjects.map((s: { versions: unknown[] }) => s.versions.length)).toEqual([1, 1, 1, 2, 1]);

      await expectRestored(session, run.backup.path, main, before);
    } finally {
      await session.close();
    }
  });

  it('keeps the newest versions with keep_latest, soft-deletes the older ones, and reports rising progress', async () => {
    const { main, session } = await setup();
    try {
      const progress: { progress: number; total?: number }[] = [];
      const result = structured<CleanupResult>(
        textOf(
          await session.client.callTool(
            {
              name: 'bulk_cleanup',
              arguments: { pattern: 'legacy-events', keep_latest: 1, dry_run: false, confirm: true },
            },
            { onprogress: (p) => progress.push({ progress: p.progress, total: p.total }) },
          ),
        ),
      );
      // Six subjects read, then two steps: progress only grows and ends at its total.
      expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(progress.at(-1)).toEqual({ progress: 8, total: 8 });
      expect(result.run?.done.map((d) => d.action)).toEqual([
        'soft delete version 2',
        'soft delete version 1',
      ]);
      expect(await rest(main, 'GET', versions('legacy-events'))).toEqual([3]);
      expect(await rest(main, 'GET', `${versions('legacy-events')}?deleted=true`)).toEqual([1, 2, 3]);
    } finally {
      await session.close();
    }
  });

  it('stops at a subject turned READONLY halfway, leaves a consistent registry, and the backup restores it', async () => {
    let proxy: Awaited<ReturnType<typeof lockingProxy>> | undefined;
    const { main, session } = await setup({
      mainUrl: async (registry) => {
        proxy = await lockingProxy(registry, 'shop-order');
        return proxy.url;
      },
    });
    try {
      const before = await dumpRegistry(main);
      const result = structured<CleanupResult>(
        await session.call('bulk_cleanup', { pattern: 'shop-*', dry_run: false, confirm: true }),
      );
      const run = result.run as NonNullable<CleanupResult['run']>;
      expect(run.done).toEqual([{ subject: 'shop-invoice', action: 'soft delete version 1' }]);
      expect(run.failed).toHaveLength(1);
      expect(run.failed[0]?.subject).toBe('shop-order');
      expect(run.failed[0]?.reason).toMatch(/read-only mode/);
      expect(run.stopped).toBe(true);
      expect(run.skipped).toEqual([{ subject: 'shop-common', action: 'soft delete version 1' }]);
      // Consistent: the referrer is gone, what it referenced is untouched, nothing half-deleted.
      expect(await rest(main, 'GET', '/subjects')).not.toContain('shop-invoice');
      expect(await rest(main, 'GET', versions('shop-order'))).toEqual([1]);
      expect(await rest(main, 'GET', versions('shop-common'))).toEqual([1]);

      await rest(main, 'PUT', '/mode/shop-order', { mode: 'READWRITE' });
      await expectRestored(session, run.backup.path, main, before);
    } finally {
      await session.close();
      await proxy?.close();
    }
  });

  it('never writes a view-only registry: its plan is all blocked and a run is refused', async () => {
    const { mirror, session } = await setup();
    try {
      const before = await dumpRegistry(mirror);
      const plan = structured<CleanupResult>(
        await session.call('bulk_cleanup', { pattern: '*', registry: 'mirror' }),
      );
      expect(plan.plan.steps).toEqual([]);
      expect(new Set(plan.plan.blocked.map((b) => b.reason))).toEqual(new Set(['the registry is view-only']));
      const refused = await session.call('bulk_cleanup', {
        pattern: '*',
        registry: 'mirror',
        dry_run: false,
        confirm: true,
        permanent: true,
      });
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/view-only/);
      expect(await dumpRegistry(mirror)).toEqual(before);
    } finally {
      await session.close();
    }
  });

  it('asks the user before deleting, and a no changes nothing and writes no backup', async () => {
    const asked: string[] = [];
    const { main, session } = await setup({
      elicit: (message) => {
        asked.push(message);
        return { action: 'decline' };
      },
    });
    try {
      const before = await dumpRegistry(main);
      const backupsBefore = readdirSync(backupDir);
      const refused = await session.call('bulk_cleanup', {
        pattern: 'shop-*',
        permanent: true,
        dry_run: false,
      });
      expect(refused.isError).toBe(true);
      expect(asked).toEqual([
        'Permanently delete 3 versions (3 subjects) from registry main? A backup is written first; restore_backup can put them back.',
      ]);
      expect(await dumpRegistry(main)).toEqual(before);
      expect(readdirSync(backupDir)).toEqual(backupsBefore);
    } finally {
      await session.close();
    }
  });
}

describe('bulk_cleanup against two embedded SQLite registries', () => suite(sqliteBackend));

await describeWithService('PostgreSQL', 5432, 'bulk_cleanup against two embedded PostgreSQL registries', () =>
  suite(postgresBackend),
);
