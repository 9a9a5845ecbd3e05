import { mkdir, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TEMP_MARK, writeFileAtomic } from '../../../core/atomic-file.js';
import { Refusal } from '../../../core/errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../../guards/limits.js';
import { decodeName, encodeName } from '../../../guards/state-names.js';
import { withFileLock } from './file-lock.js';
import {
  type CasResult,
  type Document,
  type Entry,
  type SessionStore,
  type SlotClaim,
  type SlotLease,
  type SlotRequest,
  slotName,
} from './types.js';

/** How deep a stored value sits in its state file: the file, `entries`, the entry. */
const FILE_NESTING = 3;

const entrySchema = z.object({
  value: z.unknown(),
  version: z.number().int().positive(),
  updatedAt: z.string(),
});
const scopeFileSchema = z.object({ format: z.literal(1), entries: z.record(z.string(), entrySchema) });
const leaseSchema = z.object({
  slot: z.string(),
  holder: z.string(),
  machine: z.string(),
  expiresAt: z.number(),
});
const slotsFileSchema = z.object({ format: z.literal(1), slots: z.record(z.string(), leaseSchema) });

type ScopeFile = z.output<typeof scopeFileSchema>;
type SlotsFile = z.output<typeof slotsFileSchema>;

const SCOPE_SUFFIX = '.json';
/** Temp files older than this were left by a writer that died between write and rename. */
const ORPHAN_TEMP_MS = 60_000;

/**
 * Shared state in files: one JSON file per scope and one for the slots, under a directory per project
 * (0700, files 0600). Every change runs under a cross-process lock and lands by rename, so a reader sees
 * the old file or the new one, never a torn write, and a killed writer leaves both intact. A file that does
 * not parse is moved aside and reported, never silently replaced.
 */
export class FileStore implements SessionStore {
  readonly kind = 'file';
  private readonly scopes: string;
  private readonly slotsFile: string;

  private constructor(readonly location: string) {
    this.scopes = path.join(location, 'scopes');
    this.slotsFile = path.join(location, 'slots.json');
  }

  static async open(directory: string, namespace: string): Promise<FileStore> {
    const store = new FileStore(path.join(path.resolve(directory), encodeName(namespace)));
    await mkdir(store.scopes, { recursive: true, mode: 0o700 });
    await store.removeOrphanTemps();
    return store;
  }

  async get(scope: string, key: string): Promise<Entry | undefined> {
    return (await this.readScope(scope)).entries[key];
  }

  set(scope: string, key: string, value: unknown): Promise<Entry> {
    return this.changeScope(scope, (file) => {
      const entry = next(file.entries[key], value);
      file.entries[key] = entry;
      return entry;
    });
  }

  delete(scope: string, key: string): Promise<boolean> {
    return this.changeScope(scope, (file) => {
      if (!(key in file.entries)) return false;
      delete file.entries[key];
      return true;
    });
  }

  compareAndSet(scope: string, key: string, expected: number, value: unknown): Promise<CasResult> {
    return this.changeScope(scope, (file) => {
      const current = file.entries[key];
      if ((current?.version ?? 0) !== expected) return { ok: false, entry: current };
      const entry = next(current, value);
      file.entries[key] = entry;
      return { ok: true, entry };
    });
  }

  increment(scope: string, key: string, by: number): Promise<Entry> {
    return this.changeScope(scope, (file) => {
      const current = file.entries[key];
      const base = current === undefined ? 0 : current.value;
      if (typeof base !== 'number') {
        throw new Refusal(`key "${key}" in scope "${scope}" holds a ${typeof base}, not a number`);
      }
      const entry = next(current, base + by);
      file.entries[key] = entry;
      return entry;
    });
  }

  async listKeys(scope: string): Promise<string[]> {
    return Object.keys((await this.readScope(scope)).entries).sort();
  }

  async listScopes(): Promise<string[]> {
    const names = await readdir(this.scopes);
    return names
      .filter((name) => name.endsWith(SCOPE_SUFFIX) && !name.includes(TEMP_MARK))
      .map((name) => decodeName(name.slice(0, -SCOPE_SUFFIX.length)))
      .sort();
  }

  async deleteScope(scope: string): Promise<boolean> {
    const file = this.scopeFile(scope);
    return withFileLock(file, () =>
      unlink(file).then(
        () => true,
        () => false,
      ),
    );
  }

  claimSlot(request: SlotRequest): Promise<SlotClaim> {
    return this.changeSlots((file, now) => {
      const live = (name: string) => {
        const lease = file.slots[name];
        return lease && lease.expiresAt > now ? lease : undefined;
      };
      const take = (slot: string): SlotClaim => {
        const lease = {
          slot,
          holder: request.holder,
          machine: request.machine,
          expiresAt: now + request.ttlMs,
        };
        file.slots[slot] = lease;
        return { ok: true, lease };
      };
      if (request.slot !== undefined) {
        const held = live(request.slot);
        return held && held.holder !== request.holder ? { ok: false, heldBy: held } : take(request.slot);
      }
      for (let n = 1; n <= request.maxSlots; n++) {
        const held = live(slotName(n));
        if (!held || held.holder === request.holder) return take(slotName(n));
      }
      return { ok: false };
    });
  }

  renewSlot(slot: string, holder: string, ttlMs: number): Promise<SlotLease | undefined> {
    return this.changeSlots((file, now) => {
      const lease = file.slots[slot];
      if (!lease || lease.holder !== holder || lease.expiresAt <= now) return undefined;
      const renewed = { ...lease, expiresAt: now + ttlMs };
      file.slots[slot] = renewed;
      return renewed;
    });
  }

  releaseSlot(slot: string, holder: string): Promise<boolean> {
    return this.changeSlots((file) => {
      if (file.slots[slot]?.holder !== holder) return false;
      delete file.slots[slot];
      return true;
    });
  }

  async listSlots(): Promise<SlotLease[]> {
    const now = Date.now();
    const file = await this.readJson(this.slotsFile, slotsFileSchema, { format: 1, slots: {} });
    return Object.values(file.slots)
      .filter((lease) => lease.expiresAt > now)
      .sort((a, b) => a.slot.localeCompare(b.slot, 'en', { numeric: true }));
  }

  transact<D, T>(
    document: Document<D>,
    change: (current: D, now: number) => { next: D; result: T },
  ): Promise<T> {
    const file = this.documentFile(document.name);
    return withFileLock(file, async () => {
      const current = await this.readJson(file, document.schema, document.empty);
      const { next, result } = change(current, Date.now());
      await this.writeJson(file, next);
      return result;
    });
  }

  read<D>(document: Document<D>): Promise<D> {
    return this.readJson(this.documentFile(document.name), document.schema, document.empty);
  }

  async listDocuments(): Promise<string[]> {
    return (await readdir(this.location))
      .filter((name) => name.startsWith('doc-') && name.endsWith('.json') && !name.includes(TEMP_MARK))
      .map((name) => decodeName(name.slice('doc-'.length, -'.json'.length)))
      .sort();
  }

  async close(): Promise<void> {}

  private documentFile(name: string): string {
    return path.join(this.location, `doc-${encodeName(name)}.json`);
  }

  private scopeFile(scope: string): string {
    return path.join(this.scopes, `${encodeName(scope)}${SCOPE_SUFFIX}`);
  }

  private readScope(scope: string): Promise<ScopeFile> {
    return this.readJson(this.scopeFile(scope), scopeFileSchema, { format: 1, entries: {} });
  }

  private changeScope<T>(scope: string, change: (file: ScopeFile) => T): Promise<T> {
    const target = this.scopeFile(scope);
    return withFileLock(target, async () => {
      const file = await this.readJson(target, scopeFileSchema, { format: 1, entries: {} });
      const result = change(file);
      if (Object.keys(file.entries).length === 0) await unlink(target).catch(() => undefined);
      else await this.writeJson(target, file);
      return result;
    });
  }

  private changeSlots<T>(change: (file: SlotsFile, now: number) => T): Promise<T> {
    return withFileLock(this.slotsFile, async () => {
      const file = await this.readJson(this.slotsFile, slotsFileSchema, { format: 1, slots: {} });
      const now = Date.now();
      for (const [name, lease] of Object.entries(file.slots))
        if (lease.expiresAt <= now) delete file.slots[name];
      const result = change(file, now);
      await this.writeJson(this.slotsFile, file);
      return result;
    });
  }

  private async readJson<D>(file: string, schema: z.ZodType<D>, empty: D): Promise<D> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(empty);
      throw error;
    }
    let parsed: D;
    try {
      const json: unknown = JSON.parse(text);
      // Deeper than any value a tool accepts: not written by Rampart, and rewriting the file would recurse on it.
      if (exceedsJsonDepth(json, MAX_JSON_DEPTH + FILE_NESTING)) throw new Error('nested too deep');
      parsed = schema.parse(json);
    } catch {
      const quarantined = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(file, quarantined).catch(() => undefined);
      throw new Refusal(
        `state file ${file} is corrupt; it was moved to ${quarantined} for inspection and this state starts empty`,
      );
    }
    return parsed;
  }

  private writeJson(file: string, data: unknown): Promise<void> {
    return writeFileAtomic(file, JSON.stringify(data));
  }

  private async removeOrphanTemps(): Promise<void> {
    const now = Date.now();
    for (const dir of [this.scopes, this.location]) {
      for (const name of await readdir(dir)) {
        if (!name.includes(TEMP_MARK)) continue;
        const full = path.join(dir, name);
        const info = await stat(full).catch(() => undefined);
        if (info && now - info.mtimeMs > ORPHAN_TEMP_MS) await rm(full, { force: true });
      }
    }
  }
}

function next(current: Entry | undefined, value: unknown): Entry {
  return { value, version: (current?.version ?? 0) + 1, updatedAt: new Date().toISOString() };
}
