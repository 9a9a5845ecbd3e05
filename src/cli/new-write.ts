import { constants as fsc } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './usage-error.js';

/**
 * Writes a generated project into `dir`: refuses a folder that is not empty unless `force`, never writes
 * outside it (each path checked lexically, then its parent's real path), never follows a link at the last
 * component, and never deletes anything.
 */
export async function writeProject(
  dir: string,
  files: ReadonlyMap<string, string>,
  force: boolean,
): Promise<string[]> {
  const target = path.resolve(dir);
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw new UsageError(`${dir} is a symbolic link; give a real folder`);
  if (existing && !existing.isDirectory()) throw new UsageError(`${dir} exists and is not a folder`);
  if (existing && !force && (await readdir(target)).length > 0)
    throw new UsageError(`${dir} is not empty; use --force to write into it (nothing is deleted)`);
  await mkdir(target, { recursive: true, mode: 0o755 });
  const real = await realpath(target);
  const written: string[] = [];
  for (const [relative, content] of files) {
    const file = path.resolve(real, relative);
    if (path.isAbsolute(relative) || !file.startsWith(`${real}${path.sep}`))
      throw new UsageError(`refusing to write ${relative}: outside ${dir}`);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    const parent = await realpath(path.dirname(file));
    if (parent !== real && !parent.startsWith(`${real}${path.sep}`))
      throw new UsageError(`refusing to write ${relative}: its folder leads outside ${dir}`);
    const flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_NOFOLLOW | (force ? fsc.O_TRUNC : fsc.O_EXCL);
    const handle = await open(path.join(parent, path.basename(file)), flags, 0o644).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ELOOP')
          throw new UsageError(`refusing to write ${relative}: it is a symbolic link`);
        if (error.code === 'EEXIST') throw new UsageError(`refusing to replace ${relative}; use --force`);
        throw error;
      },
    );
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    written.push(relative);
  }
  return written;
}
