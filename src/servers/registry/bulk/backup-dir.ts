import { homedir } from 'node:os';
import path from 'node:path';
import { Refusal } from '../../../core/errors.js';

/** The configured backup directory as an absolute path, `~` standing for the home directory. */
export function resolveBackupDir(dir: string): string {
  return path.resolve(dir === '~' || dir.startsWith('~/') ? path.join(homedir(), dir.slice(1)) : dir);
}

/**
 * A backup named by a tool call, as an absolute path inside the backup directory: a bare file name is looked up
 * there, and anything resolving elsewhere (`..`, another absolute path) is refused, so a restore can only read
 * what a bulk operation wrote.
 */
export function backupPathInside(dir: string, requested: string): string {
  const resolved = path.resolve(dir, requested);
  const relative = path.relative(dir, resolved);
  if (
    relative === '' ||
    relative.startsWith('..') ||
    path.isAbsolute(relative) ||
    relative.includes(path.sep)
  )
    throw new Refusal(
      `backup ${requested} is not a file in the backup directory ${dir}; list_backups shows what is there`,
    );
  if (!resolved.endsWith('.json')) throw new Refusal(`backup ${requested} is not a .json backup file`);
  return resolved;
}
