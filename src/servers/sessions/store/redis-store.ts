import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { Refusal } from '../../../core/errors.js';
import { hideUrlPassword } from '../../../guards/redact.js';
import { decodeName, encodeName } from '../../../guards/state-names.js';
import * as scripts from './redis-scripts.js';
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

export interface RedisStoreOptions {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Prepended to every key, e.g. `rampart:sessions:`; an ACL user can be limited to `~<prefix>*`. */
  readonly keyPrefix: string;
  readonly connectTimeoutMs?: number;
  /** How long one command may wait for its answer: a Redis that hangs (a frozen host) fails calls, never holds them. */
  readonly commandTimeoutMs?: number;
  /** PEM of the CA that signed the server's certificate, for `rediss://` with a private CA. */
  readonly tlsCa?: string;
}

type Commands = RedisClient & {
  rampartSet(key: string, field: string, value: string, now: string): Promise<number>;
  rampartCas(
    key: string,
    field: string,
    value: string,
    now: string,
    expected: number,
  ): Promise<[number, number, string | null, string | null]>;
  rampartIncrement(key: string, field: string, by: string, now: string): Promise<[string, number]>;
  rampartDelete(key: string, field: string): Promise<number>;
  rampartClaim(numberOfKeys: number, ...args: (string | number)[]): Promise<[number, string?, number?]>;
  rampartRenew(key: string, holder: string, ttlMs: number): Promise<string | null>;
  rampartRelease(key: string, holder: string): Promise<number>;
};

const COMMAND_TIMEOUT_MS = 2_000;

/** Escapes Redis glob characters so a prefix matches only itself in SCAN. */
function literalGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Shared state in Redis: each change is one Lua script (atomic), slots expire by Redis's own TTL, listing
 * uses SCAN, and every key of a project shares one hash tag so a cluster keeps them on one node (scripts
 * touch several). Works for any number of servers on any number of machines.
 */
export class RedisStore implements SessionStore {
  readonly kind = 'redis';
  private readonly base: string;
  private transactions: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: Commands,
    readonly location: string,
    keyPrefix: string,
    namespace: string,
  ) {
    this.base = `${keyPrefix}{${encodeName(namespace)}}`;
  }

  static async open(options: RedisStoreOptions, namespace: string): Promise<RedisStore> {
    const { Redis } = await import('ioredis');
    const location = hideUrlPassword(options.url);
    const settings: RedisOptions = {
      lazyConnect: true,
      // The ready check runs INFO, which a least-privilege ACL user may not have; a PING after connecting does.
      enableReadyCheck: false,
      // Fail a command at once while disconnected (a clear error) instead of queueing it; reconnect in the background.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      ...(options.username ? { username: options.username } : {}),
      ...(options.password ? { password: options.password } : {}),
      ...(options.tlsCa && options.url.startsWith('rediss:') ? { tls: { ca: options.tlsCa } } : {}),
    };
    const client = new Redis(options.url, settings) as Commands;
    // The cause of a failed connection (a refused certificate, say) arrives as an error event, not as the rejection.
    let lastError: Error | undefined;
    client.on('error', (error: Error) => {
      lastError = error;
    });
    client.defineCommand('rampartSet', { numberOfKeys: 1, lua: scripts.SET });
    client.defineCommand('rampartCas', { numberOfKeys: 1, lua: scripts.COMPARE_AND_SET });
    client.defineCommand('rampartIncrement', { numberOfKeys: 1, lua: scripts.INCREMENT });
    client.defineCommand('rampartDelete', { numberOfKeys: 1, lua: scripts.DELETE });
    client.defineCommand('rampartClaim', { lua: scripts.CLAIM_SLOT });
    client.defineCommand('rampartRenew', { numberOfKeys: 1, lua: scripts.RENEW_SLOT });
    client.defineCommand('rampartRelease', { numberOfKeys: 1, lua: scripts.RELEASE_SLOT });
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.disconnect();
      throw new Refusal(`Redis at ${location} cannot be used: ${(lastError ?? (error as Error)).message}`);
    }
    return new RedisStore(client, location, options.keyPrefix, namespace);
  }

  get(scope: string, key: string): Promise<Entry | undefined> {
    return this.call(async () => {
      const [value, version, updatedAt] = await this.client.hmget(
        this.scopeKey(scope),
        `v:${key}`,
        `n:${key}`,
        `t:${key}`,
      );
      return value === null || value === undefined
        ? undefined
        : toEntry(value, version ?? null, updatedAt ?? null);
    });
  }

  set(scope: string, key: string, value: unknown): Promise<Entry> {
    const json = JSON.stringify(value);
    const now = new Date().toISOString();
    return this.call(async () => {
      const version = await this.client.rampartSet(this.scopeKey(scope), key, json, now);
      return { value: JSON.parse(json) as unknown, version: Number(version), updatedAt: now };
    });
  }

  delete(scope: string, key: string): Promise<boolean> {
    return this.call(async () => (await this.client.rampartDelete(this.scopeKey(scope), key)) === 1);
  }

  compareAndSet(scope: string, key: string, expected: number, value: unknown): Promise<CasResult> {
    const json = JSON.stringify(value);
    const now = new Date().toISOString();
    return this.call(async () => {
      const [ok, version, current, updatedAt] = await this.client.rampartCas(
        this.scopeKey(scope),
        key,
        json,
        now,
        expected,
      );
      if (ok === 1)
        return {
          ok: true,
          entry: { value: JSON.parse(json) as unknown, version: Number(version), updatedAt: now },
        };
      return {
        ok: false,
        entry:
          current === null || current === undefined
            ? undefined
            : toEntry(current, String(version), updatedAt ?? null),
      };
    });
  }

  increment(scope: string, key: string, by: number): Promise<Entry> {
    const now = new Date().toISOString();
    return this.call(async () => {
      try {
        const [value, version] = await this.client.rampartIncrement(
          this.scopeKey(scope),
          key,
          String(by),
          now,
        );
        return { value: Number(value), version: Number(version), updatedAt: now };
      } catch (error) {
        if ((error as Error).message.includes('NOTNUMBER')) {
          throw new Refusal(`key "${key}" in scope "${scope}" does not hold a number`);
        }
        throw error;
      }
    });
  }

  listKeys(scope: string): Promise<string[]> {
    return this.call(async () => {
      const fields = await this.client.hkeys(this.scopeKey(scope));
      return fields
        .filter((f) => f.startsWith('n:'))
        .map((f) => f.slice(2))
        .sort();
    });
  }

  listScopes(): Promise<string[]> {
    const prefix = `${this.base}:scope:`;
    return this.call(async () =>
      (await this.scan(prefix)).map((key) => decodeName(key.slice(prefix.length))).sort(),
    );
  }

  deleteScope(scope: string): Promise<boolean> {
    return this.call(async () => (await this.client.del(this.scopeKey(scope))) === 1);
  }

  claimSlot(request: SlotRequest): Promise<SlotClaim> {
    const names =
      request.slot !== undefined
        ? [request.slot]
        : Array.from({ length: request.maxSlots }, (_, i) => slotName(i + 1));
    return this.call(async () => {
      const [index, held, pttl] = await this.client.rampartClaim(
        names.length,
        ...names.map((n) => this.slotKey(n)),
        request.holder,
        request.machine,
        request.ttlMs,
      );
      const now = Date.now();
      if (index > 0) {
        const slot = names[index - 1] as string;
        return {
          ok: true,
          lease: { slot, holder: request.holder, machine: request.machine, expiresAt: now + request.ttlMs },
        };
      }
      if (held && request.slot !== undefined) {
        return { ok: false, heldBy: toLease(request.slot, held, Number(pttl), now) };
      }
      return { ok: false };
    });
  }

  renewSlot(slot: string, holder: string, ttlMs: number): Promise<SlotLease | undefined> {
    return this.call(async () => {
      // Every tool call renews its session, so this is one round trip: the script returns what it renewed.
      const renewed = await this.client.rampartRenew(this.slotKey(slot), holder, ttlMs);
      return renewed ? toLease(slot, renewed, ttlMs, Date.now()) : undefined;
    });
  }

  releaseSlot(slot: string, holder: string): Promise<boolean> {
    return this.call(async () => (await this.client.rampartRelease(this.slotKey(slot), holder)) === 1);
  }

  listSlots(): Promise<SlotLease[]> {
    const prefix = `${this.base}:slot:`;
    return this.call(async () => {
      const keys = await this.scan(prefix);
      if (keys.length === 0) return [];
      const pipeline = this.client.pipeline();
      for (const key of keys) pipeline.get(key).pttl(key);
      const replies = (await pipeline.exec()) ?? [];
      const now = Date.now();
      const leases: SlotLease[] = [];
      keys.forEach((key, i) => {
        const value = replies[i * 2]?.[1] as string | null;
        const pttl = Number(replies[i * 2 + 1]?.[1]);
        if (value && pttl > 0) leases.push(toLease(decodeName(key.slice(prefix.length)), value, pttl, now));
      });
      return leases.sort((a, b) => a.slot.localeCompare(b.slot, 'en', { numeric: true }));
    });
  }

  transact<D, T>(
    document: Document<D>,
    change: (current: D, now: number) => { next: D; result: T },
  ): Promise<T> {
    const key = this.documentKey(document.name);
    // WATCH belongs to the connection and EXEC clears every watch on it, so this process's transactions take
    // turns; other processes (other connections) are kept out by the WATCH itself.
    const run = this.transactions.then(() =>
      this.call(async () => {
        for (let attempt = 0; attempt < 100; attempt++) {
          await this.client.watch(key);
          const current = parseDocument(document, await this.client.get(key), this.location);
          const { next, result } = change(current, Date.now());
          const done = await this.client.multi().set(key, JSON.stringify(next)).exec();
          if (done !== null) return result;
        }
        throw new Refusal(`too much contention on ${document.name}; try again`);
      }),
    );
    this.transactions = run.catch(() => undefined);
    return run;
  }

  read<D>(document: Document<D>): Promise<D> {
    return this.call(async () =>
      parseDocument(document, await this.client.get(this.documentKey(document.name)), this.location),
    );
  }

  listDocuments(): Promise<string[]> {
    const prefix = `${this.base}:doc:`;
    return this.call(async () =>
      (await this.scan(prefix)).map((key) => decodeName(key.slice(prefix.length))).sort(),
    );
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private scopeKey(scope: string): string {
    return `${this.base}:scope:${encodeName(scope)}`;
  }

  private documentKey(name: string): string {
    return `${this.base}:doc:${encodeName(name)}`;
  }

  private slotKey(slot: string): string {
    return `${this.base}:slot:${encodeName(slot)}`;
  }

  private async scan(prefix: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${literalGlob(prefix)}*`, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return [...new Set(found)];
  }

  /** Runs one store operation, turning connection trouble into one clear line; the client reconnects by itself. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof Refusal) throw error;
      const message = (error as Error).message ?? String(error);
      if (/NOPERM|NOAUTH|WRONGPASS/.test(message)) {
        throw new Refusal(`Redis at ${this.location} refused the operation: ${message.split('\n')[0]}`);
      }
      if (/Command timed out/.test(message)) {
        throw new Refusal(
          `Redis at ${this.location} did not answer in time; a change sent may still land when it does, so read ` +
            'before trying a change again',
        );
      }
      // ioredis's words for "no connection, and commands are not queued" name its options, not the problem.
      const reason = /Stream isn't writeable|Connection is closed/.test(message)
        ? 'not connected; reconnecting'
        : message.split('\n')[0];
      throw new Refusal(`Redis at ${this.location} is unavailable (${reason}); try again shortly`);
    }
  }
}

function parseDocument<D>(document: Document<D>, text: string | null, location: string): D {
  if (text === null) return structuredClone(document.empty);
  try {
    return document.schema.parse(JSON.parse(text));
  } catch {
    throw new Refusal(
      `the ${document.name} document in Redis at ${location} is corrupt; delete it to start afresh`,
    );
  }
}

function toEntry(value: string, version: string | null, updatedAt: string | null): Entry {
  return { value: JSON.parse(value) as unknown, version: Number(version ?? 0), updatedAt: updatedAt ?? '' };
}

function toLease(slot: string, stored: string, ttlMs: number, now: number): SlotLease {
  const bar = stored.indexOf('|');
  return { slot, holder: stored.slice(0, bar), machine: stored.slice(bar + 1), expiresAt: now + ttlMs };
}
