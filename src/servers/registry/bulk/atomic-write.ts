import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** The names a file being written carries until it is complete; listings skip them. */
export const isPartialFile = (name: string) => name.startsWith('.') && name.endsWith('.partial');

/**
 * Writes `content` to `file` so that a reader sees the old state or the whole new file, never a part: a temporary
 * file in the same directory (owner-only), flushed to disk, then renamed over the name, and the directory flushed
 * so the rename survives a crash. The directory is created owner-only when missing.
 */
export async function writeFileAtomically(
  file: string,
  content: string,
  beforeRename?: (temporary: string) => Promise<void>,
): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await beforeRename?.(temporary);
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
