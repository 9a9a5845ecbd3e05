import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** Marks a temp file left by a writer that died between writing and renaming it. */
export const TEMP_MARK = '.tmp-';

/**
 * Replaces `file` with `text` in one rename: a reader sees the old content or the new, never a torn write.
 * The temp file is created 0600 and exclusively (`O_EXCL`), so it is never an existing file or link.
 */
export async function writeFileAtomic(file: string, text: string | Uint8Array): Promise<void> {
  const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
