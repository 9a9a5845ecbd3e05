import { z } from 'zod';
import { checkRepoPath } from '../../../guards/git.js';
import type { RepositorySet } from '../repositories.js';
import type { GitRepository, GitRunner } from '../runner.js';

/** What every git tool works with: the repositories this connection may use and the hardened runner. */
export interface GitContext {
  readonly repos: RepositorySet;
  readonly runner: GitRunner;
}

export { READ_ONLY } from '../../../core/define.js';

export const repoPathArg = z
  .string()
  .nullish()
  .describe(
    'The repository: its top-level directory (or any directory inside it). Optional when the server has one repository.',
  );

export const contextLinesArg = z
  .number()
  .int()
  .min(0)
  .max(10_000)
  .default(3)
  .describe('Lines of context around each change');

export const diffPathArg = z
  .string()
  .nullish()
  .describe(
    'Only this file or directory (relative to the repository top level); use it when a diff is cut short',
  );

export const revisionArg = (fallback: string) =>
  z
    .string()
    .nullish()
    .describe(`A commit: branch, tag, commit id or an expression like HEAD~2 (default ${fallback})`);

export const repositoryOutput = z.string().describe('Top-level directory of the repository used');

/** Flags every diff-producing command gets: no external diff program, no textconv, no colour, no submodule walk. */
export const SAFE_DIFF_FLAGS = [
  '--no-ext-diff',
  '--no-textconv',
  '--no-color',
  '--ignore-submodules=dirty',
] as const;

/** The pathspec list for an optional `path` argument: empty for none or for the top level itself. */
export function pathspecs(path: string | null | undefined, repo: GitRepository): string[] {
  const relative = path ? checkRepoPath(path, repo.topLevel) : '';
  return relative === '' ? [] : [relative];
}

/** The note appended when git printed more than the runner reads. */
export function cutNote(maxBytes: number, how: string): string {
  return `\n[truncated: git printed more than ${maxBytes} bytes; ${how}]`;
}
