import { mkdir, readFile, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Refusal } from '../../../core/errors.js';

/**
 * A lock directory without an owner file older than this was left by a holder that died between taking and
 * naming it, or between unlinking its owner file and removing the directory: a live taker names itself right
 * after `mkdir`. Breaking one early is harmless anyway, since a taker that finds its lock gone starts again.
 */
const OWNERLESS_GRACE_MS = 1_000;
/** A holder on another host cannot be asked whether it is alive; a lock of its older than this is taken as dead. */
const FOREIGN_STALE_MS = 10_000;
const WAIT_MS = 15_000;

interface Owner {
  readonly pid: number;
  readonly host: string;
}

type LockState = 'gone' | 'live' | 'ownerless' | 'dead';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): Owner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<Owner>;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock is held. A holder on this host is alive or not, whatever the lock's age, so a live lock is never
 * broken however long it is held; an owner file from another host, or caught half-written, only ages.
 */
async function inspect(lock: string): Promise<LockState> {
  const info = await stat(lock).catch(() => undefined);
  if (!info) return 'gone';
  const age = Date.now() - info.mtimeMs;
  let text: string;
  try {
    text = await readFile(`${lock}/owner`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return age > OWNERLESS_GRACE_MS ? 'ownerless' : 'live';
    }
    return age > FOREIGN_STALE_MS ? 'dead' : 'live';
  }
  const owner = parseOwner(text);
  if (owner && owner.host === os.hostname()) return alive(owner.pid) ? 'live' : 'dead';
  return age > FOREIGN_STALE_MS ? 'dead' : 'live';
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

/**
 * Removes a lock whose holder is gone. An ownerless lock goes by `rmdir`, which removes only an empty directory:
 * if its taker has named itself meanwhile, the lock stays. A dead holder's lock goes under a second lock, where
 * breakers take turns and check again, so a lock taken afresh after an earlier break is never mistaken for it.
 */
async function breakStaleLock(lock: string, state: 'ownerless' | 'dead'): Promise<void> {
  if (state === 'ownerless') {
    await rmdir(lock).catch(() => {});
    return;
  }
  const breaker = `${lock}.break`;
  if (
    await mkdir(breaker, { mode: 0o700 }).then(
      () => true,
      () => false,
    )
  ) {
    try {
      const now = await inspect(lock);
      if (now === 'dead') await rm(lock, { recursive: true, force: true });
      else if (now === 'ownerless') await rmdir(lock).catch(() => {});
    } finally {
      await rm(breaker, { recursive: true, force: true });
    }
  } else if (await olderThan(breaker, FOREIGN_STALE_MS)) {
    await rm(breaker, { recursive: true, force: true });
  }
}

/**
 * Names this process as the holder of the lock directory it just made. False when the lock was judged
 * ownerless and broken before that (the directory is gone, or is another taker's and already named).
 */
async function nameOwner(lock: string): Promise<boolean> {
  const owner: Owner = { pid: process.pid, host: os.hostname() };
  try {
    await writeFile(`${lock}/owner`, JSON.stringify(owner), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EEXIST') return false;
    await rmdir(lock).catch(() => {});
    throw error;
  }
}

/**
 * Runs `fn` holding an exclusive lock on `target`, between processes too: the lock is a directory (`mkdir` is
 * atomic) holding an owner file created exclusively; a lock left by a killed process is broken (see
 * breakStaleLock).
 */
export async function withFileLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  const deadline = Date.now() + WAIT_MS;
  let delay = 1;
  for (;;) {
    const made = await mkdir(lock, { mode: 0o700 }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        return false;
      },
    );
    if (made && (await nameOwner(lock))) break;
    if (!made) {
      const state = await inspect(lock);
      if (state === 'gone') continue;
      if (state !== 'live') {
        await breakStaleLock(lock, state);
        continue;
      }
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
    return await fn();
  } finally {
    await release(lock);
  }
}

/**
 * Owner file first, then the directory, and never recursively: should the lock be broken and taken between the
 * two steps, the new holder's directory is not empty and stays.
 */
async function release(lock: string): Promise<void> {
  await unlink(`${lock}/owner`).catch(() => {});
  await rmdir(lock).catch(() => {});
}
