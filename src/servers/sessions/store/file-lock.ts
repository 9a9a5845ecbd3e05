import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Refusal } from '../../../core/errors.js';

/** A lock no holder keeps longer than this; one older belongs to a holder that died. */
const STALE_MS = 10_000;
const WAIT_MS = 15_000;

interface Owner {
  readonly pid: number;
  readonly host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock's holder is gone: a dead process on this host, or a lock older than any holder keeps one. */
async function isStale(lock: string): Promise<boolean> {
  const info = await stat(lock).catch(() => undefined);
  if (!info) return false;
  if (Date.now() - info.mtimeMs > STALE_MS) return true;
  const owner = await readFile(`${lock}/owner`, 'utf8')
    .then((text) => JSON.parse(text) as Owner)
    .catch(() => undefined);
  // A lock without an owner file yet is being taken right now; only age can make it stale.
  return owner !== undefined && owner.host === os.hostname() && !alive(owner.pid);
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

/**
 * Removes a lock whose holder is gone. Breakers take turns through a second lock and check again under it,
 * so a lock taken afresh after an earlier break is never mistaken for the dead one.
 */
async function breakStaleLock(lock: string): Promise<void> {
  const breaker = `${lock}.break`;
  if (
    await mkdir(breaker, { mode: 0o700 }).then(
      () => true,
      () => false,
    )
  ) {
    try {
      if (await isStale(lock)) await rm(lock, { recursive: true, force: true });
    } finally {
      await rm(breaker, { recursive: true, force: true });
    }
  } else if (await olderThan(breaker, STALE_MS)) {
    await rm(breaker, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` holding an exclusive lock on `target`, between processes too: the lock is a directory
 * (`mkdir` is atomic); a lock left by a killed process is broken (see breakStaleLock).
 */
export async function withFileLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  const deadline = Date.now() + WAIT_MS;
  let delay = 1;
  for (;;) {
    try {
      await mkdir(lock, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lock)) {
      await breakStaleLock(lock);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Refusal(
        `the state file ${target} stayed locked for ${WAIT_MS / 1000} s; try again (another process may be stuck)`,
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 20);
  }
  try {
    await writeFile(
      `${lock}/owner`,
      JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies Owner),
      {
        mode: 0o600,
      },
    );
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
