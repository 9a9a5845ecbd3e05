import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FileStore } from '../src/servers/sessions/store/file-store.js';
import { RedisStore } from '../src/servers/sessions/store/redis-store.js';
import type { SessionStore } from '../src/servers/sessions/store/types.js';
import { type AclUser, createAclUser, REDIS_URL } from './helpers/redis.js';
import { describeWithService } from './helpers/services.js';

/** Opens a store for a namespace; every call of one suite shares the same backing place. */
type Opener = (namespace: string) => Promise<SessionStore>;

const holder = () => randomBytes(8).toString('hex');

/** The contract every store keeps. Run once per store, against the real thing. */
function storeContract(open: () => Opener) {
  let store: SessionStore;
  const ns = () => `project-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    store = await open()(ns());
  });
  afterAll(async () => {
    await store?.close();
  });

  it('keeps any JSON value as given, with a version that starts at 1 and grows by one', async () => {
    const values = [{ a: [1, { b: null }], empty: [], obj: {} }, [], 'text ✓', 42, 4.5, true, null];
    for (const [i, value] of values.entries()) {
      const first = await store.set('data', `k${i}`, value);
      expect(first.version).toBe(1);
      expect((await store.get('data', `k${i}`))?.value).toEqual(value);
    }
    expect((await store.set('data', 'k0', 'again')).version).toBe(2);
    expect(await store.get('data', 'absent')).toBeUndefined();
  });

  it('deletes a key and says whether it existed', async () => {
    await store.set('del', 'x', 1);
    expect(await store.delete('del', 'x')).toBe(true);
    expect(await store.delete('del', 'x')).toBe(false);
    expect(await store.get('del', 'x')).toBeUndefined();
  });

  it('compare_and_set writes only on the expected version, and shows the current one when refused', async () => {
    expect((await store.compareAndSet('cas', 'k', 0, 'first')).ok).toBe(true);
    const refused = await store.compareAndSet('cas', 'k', 0, 'second');
    expect(refused).toMatchObject({ ok: false, entry: { value: 'first', version: 1 } });
    const swapped = await store.compareAndSet('cas', 'k', 1, 'second');
    expect(swapped).toMatchObject({ ok: true, entry: { value: 'second', version: 2 } });
    expect((await store.compareAndSet('cas', 'missing', 3, 'x')).entry).toBeUndefined();
  });

  it('increments numbers (an absent key counts as 0) and refuses anything else', async () => {
    expect((await store.increment('inc', 'n', 5)).value).toBe(5);
    expect((await store.increment('inc', 'n', -2)).value).toBe(3);
    expect((await store.increment('inc', 'f', 0.5)).value).toBe(0.5);
    expect((await store.get('inc', 'n'))?.version).toBe(2);
    await store.set('inc', 's', 'text');
    await expect(store.increment('inc', 's', 1)).rejects.toThrow(/not a number|does not hold a number/);
  });

  it('lists keys and scopes, whatever characters their names use, and deletes scopes', async () => {
    const odd = ['a/b', '../../etc/passwd', 'x:y', 'sp ace', 'ünï', '%2F'];
    for (const scope of odd) await store.set(scope, 'k', 1);
    await store.set('a/b', 'second', 2);
    const scopes = await store.listScopes();
    for (const scope of odd) expect(scopes).toContain(scope);
    expect(await store.listKeys('a/b')).toEqual(['k', 'second']);
    expect(await store.deleteScope('a/b')).toBe(true);
    expect(await store.deleteScope('a/b')).toBe(false);
    expect(await store.listKeys('a/b')).toEqual([]);
    expect(await store.listScopes()).not.toContain('a/b');
  });

  it('keeps projects apart', async () => {
    const other = await open()(ns());
    try {
      await store.set('shared-name', 'k', 'mine');
      expect(await other.get('shared-name', 'k')).toBeUndefined();
      expect(await other.listScopes()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('claims the lowest free slot, gives a holder its own slot back, and refuses a held one by name', async () => {
    const slots = await open()(ns());
    try {
      const a = holder();
      const b = holder();
      const first = await slots.claimSlot({ holder: a, machine: 'm1', maxSlots: 3, ttlMs: 10_000 });
      expect(first).toMatchObject({ ok: true, lease: { slot: 'claude_1', holder: a, machine: 'm1' } });
      expect(await slots.claimSlot({ holder: a, machine: 'm1', maxSlots: 3, ttlMs: 10_000 })).toMatchObject({
        ok: true,
        lease: { slot: 'claude_1' },
      });
      expect(await slots.claimSlot({ holder: b, machine: 'm2', maxSlots: 3, ttlMs: 10_000 })).toMatchObject({
        ok: true,
        lease: { slot: 'claude_2' },
      });
      const taken = await slots.claimSlot({
        holder: b,
        machine: 'm2',
        slot: 'claude_1',
        maxSlots: 3,
        ttlMs: 10_000,
      });
      expect(taken).toMatchObject({ ok: false, heldBy: { slot: 'claude_1', machine: 'm1' } });
      expect((await slots.listSlots()).map((l) => l.slot)).toEqual(['claude_1', 'claude_2']);
      expect(await slots.releaseSlot('claude_1', b)).toBe(false);
      expect(await slots.releaseSlot('claude_1', a)).toBe(true);
      expect((await slots.listSlots()).map((l) => l.slot)).toEqual(['claude_2']);
      await slots.claimSlot({ holder: holder(), machine: 'm3', maxSlots: 3, ttlMs: 10_000 });
      await slots.claimSlot({ holder: holder(), machine: 'm3', maxSlots: 3, ttlMs: 10_000 });
      expect(
        (await slots.claimSlot({ holder: holder(), machine: 'm4', maxSlots: 3, ttlMs: 10_000 })).ok,
      ).toBe(false);
    } finally {
      await slots.close();
    }
  });

  it('frees a slot when its lease expires, and its old holder cannot renew it', async () => {
    const slots = await open()(ns());
    try {
      const a = holder();
      expect((await slots.claimSlot({ holder: a, machine: 'm', maxSlots: 1, ttlMs: 150 })).ok).toBe(true);
      expect(await slots.renewSlot('claude_1', a, 150)).toMatchObject({ slot: 'claude_1', holder: a });
      await sleep(300);
      expect(await slots.listSlots()).toEqual([]);
      const b = holder();
      expect((await slots.claimSlot({ holder: b, machine: 'm', maxSlots: 1, ttlMs: 10_000 })).ok).toBe(true);
      expect(await slots.renewSlot('claude_1', a, 10_000)).toBeUndefined();
    } finally {
      await slots.close();
    }
  });

  it('runs document transactions one at a time, and reads what they wrote', async () => {
    const counter = { name: 'counter', schema: z.object({ n: z.number() }), empty: { n: 0 } };
    await Promise.all(
      Array.from({ length: 30 }, () =>
        store.transact(counter, (current) => ({ next: { n: current.n + 1 }, result: null })),
      ),
    );
    expect(await store.read(counter)).toEqual({ n: 30 });
  });

  it('loses no increment among many at once', async () => {
    await Promise.all(Array.from({ length: 40 }, () => store.increment('race', 'n', 1)));
    expect((await store.get('race', 'n'))?.value).toBe(40);
  });
}

describe('session store contract: file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-sessions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  storeContract(() => (namespace) => FileStore.open(dir, namespace));

  it('keeps its directories 0700 and its files 0600', async () => {
    const store = await FileStore.open(dir, 'modes');
    await store.set('s', 'k', 1);
    await store.claimSlot({ holder: holder(), machine: 'm', maxSlots: 1, ttlMs: 1000 });
    expect(statSync(store.location).mode & 0o777).toBe(0o700);
    for (const name of ['slots.json', 'scopes']) {
      const info = statSync(path.join(store.location, name));
      expect(info.mode & 0o777, name).toBe(info.isDirectory() ? 0o700 : 0o600);
    }
    for (const file of readdirSync(path.join(store.location, 'scopes'))) {
      expect(statSync(path.join(store.location, 'scopes', file)).mode & 0o777).toBe(0o600);
    }
  });

  it('reports and quarantines a corrupt state file instead of silently resetting it', async () => {
    const store = await FileStore.open(dir, 'corrupt');
    await store.set('notes', 'k', 'kept?');
    const scopes = path.join(store.location, 'scopes');
    const [file] = readdirSync(scopes);
    writeFileSync(path.join(scopes, file as string), '{"format":1,"entries":{"k":');
    await expect(store.get('notes', 'k')).rejects.toThrow(/is corrupt; it was moved to .*corrupt-/);
    expect(readdirSync(scopes).some((name) => name.includes('.corrupt-'))).toBe(true);
    expect(await store.get('notes', 'k')).toBeUndefined();
  });
});

await describeWithService(
  'Redis',
  6379,
  'session store contract: Redis, as an ACL user limited to its prefix',
  () => {
    let user: AclUser;
    beforeAll(async () => {
      user = await createAclUser();
    });
    afterAll(async () => {
      await user?.remove();
    });
    storeContract(
      () => (namespace) =>
        RedisStore.open(
          { url: REDIS_URL, username: user.username, password: user.password, keyPrefix: user.keyPrefix },
          namespace,
        ),
    );

    it('cannot reach keys outside its prefix', async () => {
      const store = await RedisStore.open(
        { url: REDIS_URL, username: user.username, password: user.password, keyPrefix: 'someone-else:' },
        'p',
      );
      try {
        await expect(store.set('s', 'k', 1)).rejects.toThrow(/refused the operation: NOPERM/);
      } finally {
        await store.close();
      }
    });

    it('names the server, without its password, when it cannot connect', async () => {
      await expect(
        RedisStore.open({ url: 'redis://:hunter2@127.0.0.1:1', keyPrefix: 'x:', connectTimeoutMs: 500 }, 'p'),
      ).rejects.toThrow(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 cannot be used/);
    });
  },
);
