import { z } from 'zod';

export { READ_ONLY } from '../../../core/define.js';

export const pathArg = (what = 'file or directory') =>
  z.string().describe(`Path of the ${what}: absolute, or relative to the first allowed directory`);

export const excludeArg = z
  .array(z.string())
  .default([])
  .describe('Globs to skip; a bare name such as node_modules skips that name at any depth');

export const respectGitignoreArg = z
  .boolean()
  .default(false)
  .describe(
    'Skip what .gitignore files (and .git/info/exclude) ignore, and node_modules and .git directories, as grep ' +
      'does by default. Off by default, like the reference server',
  );

export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  if (bytes <= 0) return '0 B';
  const exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), units.length - 1);
  if (exponent === 0) return `${bytes} B`;
  return `${(bytes / 1024 ** exponent).toFixed(2)} ${units[exponent]}`;
}

/** Room kept free in a result for markers and JSON framing. */
export const RESULT_HEADROOM = 512;
