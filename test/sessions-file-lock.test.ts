import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeName } from '../src/guards/state-names.js';
import { withFileLock } from '../src/servers/sessions/store/file-lock.js';
import { FileStore } from '../src/servers/sessions/store/file-store.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-file-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Backdates a file or directory by `ms`, as if it had been left that long ago. */
function age(file: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  utimesSync(file, then, then);
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

const claim = (store: FileStore) =>
  store.claimSlot({ holder: 'h', machine: 'm', maxSlots: 3, ttlMs: 60_000 });

describe('the file store lock', () => {
  it('recovers at once from a lock directory left without its owner', async () => {
    const store = await FileStore.open(dir, 'p');
    const slotsLock = path.join(dir, encodeName('p'), 'slots.json.lock');
    // Left by a holder killed between mkdir and naming itself (or between unlinking its owner file and rmdir).
    mkdirSync(slotsLock, { mode: 0o700 });
    age(slotsLock, 5_000);
    const old = await timed(() => claim(store));
    expect(old.value.ok).toBe(true);
    expect(old.ms).toBeLessThan(500);
    expect(existsSync(slotsLock)).toBe(false);

    // Even one left a moment ago costs only the short grace a live taker gets to name itself, not the old 10 s.
    mkdirSync(slotsLock, { mode: 0o700 });
    const fresh = await timed(() => claim(store));
    expect(fresh.value.ok).toBe(true);
    expect(fresh.ms).toBeLessThan(3_000);
    await store.close();
  });

  it('never steals a live lock', async () => {
    const target = path.join(dir, 'state.json');
    const spans: { who: string; from: number; to: number }[] = [];
    const hold = (who: string, ms: number) =>
      withFileLock(target, async () => {
        const from = Date.now();
        await sleep(ms);
        spans.push({ who, from, to: Date.now() });
      });

    // Held well past the ownerless grace, by this (live) process.
    const holder = hold('holder', 2_500);
    await sleep(100);
    // The lock directory looks a minute old: its age says nothing while its holder lives.
    age(`${target}.lock`, 60_000);
    await Promise.all([holder, hold('waiter', 10)]);
    const [first, second] = spans;
    expect(first?.who).toBe('holder');
    expect(second?.who).toBe('waiter');
    expect(second?.from).toBeGreaterThanOrEqual(first?.to ?? Number.POSITIVE_INFINITY);
  });

  it('never steals a lock another live process holds, and takes it at once when that process dies', async () => {
    const target = path.join(dir, 'state.json');
    const lock = `${target}.lock`;
    // Another process holding the lock as withFileLock does: the directory, then its owner file; then it hangs.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); const os = require('node:os');
         fs.mkdirSync(${JSON.stringify(lock)}, { mode: 0o700 });
         fs.writeFileSync(${JSON.stringify(`${lock}/owner`)}, JSON.stringify({ pid: process.pid, host: os.hostname() }), { flag: 'wx' });
         console.log('held'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      age(lock, 60_000);
      let entered = 0;
      const waiter = withFileLock(target, async () => {
        entered = Date.now();
      });
      await sleep(2_000);
      expect(entered).toBe(0);
      holder.kill('SIGKILL');
      await once(holder, 'exit');
      const killed = Date.now();
      await waiter;
      expect(entered - killed).toBeLessThan(1_000);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('keeps changes whole when many takers race over a lock left without its owner', async () => {
    const store = await FileStore.open(dir, 'p');
    await store.set('s', 'n', 0);
    const scopeLock = path.join(dir, encodeName('p'), 'scopes', `${encodeName('s')}.json.lock`);
    mkdirSync(scopeLock, { mode: 0o700 });
    age(scopeLock, 5_000);
    await Promise.all(Array.from({ length: 50 }, () => store.increment('s', 'n', 1)));
    expect((await store.get('s', 'n'))?.value).toBe(50);
    await store.close();
  });
});
