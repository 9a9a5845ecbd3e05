import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-file.js';
import type { Document, SessionStore } from './store/types.js';

/** How widely sessions coordinate, as the seed coordinator named it, and the store each calls for. */
export const COORDINATION_SCOPES = {
  'single-machine': {
    store: 'file',
    description: 'Sessions on this machine only',
    bestFor: 'one developer running several sessions locally',
  },
  'multi-machine': {
    store: 'redis',
    description: 'Sessions on several machines of one developer',
    bestFor: 'a laptop and a workstation, or local and remote sessions',
  },
  team: {
    store: 'redis',
    description: 'Sessions of several people on one project',
    bestFor: 'a team sharing plans, leases and hand-offs',
  },
} as const;
export type CoordinationScope = keyof typeof COORDINATION_SCOPES;

const settingsSchema = z.object({
  store: z.enum(['file', 'redis']),
  coordinationScope: z.enum(['single-machine', 'multi-machine', 'team']),
  decidedAt: z.string(),
  reason: z.string(),
});
export type StorageSettings = z.output<typeof settingsSchema>;

/** Where the choice made with update_storage_settings is kept; it picks the store at the next start too. */
export function settingsFile(projectDir: string): string {
  return path.resolve(projectDir, '.claude', 'rampart-sessions.json');
}

export async function readSettings(projectDir: string): Promise<StorageSettings | undefined> {
  const text = await readFile(settingsFile(projectDir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = settingsSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

export async function writeSettings(projectDir: string, settings: StorageSettings): Promise<void> {
  const file = settingsFile(projectDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
}

export interface Migrated {
  readonly scopes: number;
  readonly keys: number;
  readonly documents: number;
  readonly sessions: number;
}

const anyDocument = (name: string): Document<unknown> => ({ name, schema: z.unknown(), empty: null });

/**
 * Copies everything from one store to another: every key of every scope (values; versions start again
 * at 1), the lease and inbox documents, and the live session slots with their remaining time. The source
 * is left as it was.
 */
export async function migrate(from: SessionStore, to: SessionStore): Promise<Migrated> {
  let keys = 0;
  const scopes = await from.listScopes();
  for (const scope of scopes) {
    for (const key of await from.listKeys(scope)) {
      const entry = await from.get(scope, key);
      if (!entry) continue;
      await to.set(scope, key, entry.value);
      keys++;
    }
  }
  const documents = await from.listDocuments();
  for (const name of documents) {
    const value = await from.read(anyDocument(name));
    await to.transact(anyDocument(name), () => ({ next: value, result: null }));
  }
  const now = Date.now();
  const slots = await from.listSlots();
  let sessions = 0;
  for (const lease of slots) {
    const claim = await to.claimSlot({
      holder: lease.holder,
      machine: lease.machine,
      slot: lease.slot,
      maxSlots: 1,
      ttlMs: Math.max(1, lease.expiresAt - now),
    });
    if (claim.ok) sessions++;
  }
  return { scopes: scopes.length, keys, documents: documents.length, sessions };
}
