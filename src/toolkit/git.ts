import { gitConfigSchema } from '../servers/git/config.js';
import { prepareGit } from '../servers/git/index.js';
import type { GitRepository, GitRunner } from '../servers/git/runner.js';

export interface OpenedRepository {
  /** Runs git with argument arrays (no shell), no system or global config, hooks, filters, pager or helpers. */
  readonly runner: GitRunner;
  readonly repository: GitRepository;
}

/** Pins a repository (its top level and git directory, found once) and the hardened runner for it. */
export async function openRepository(
  directory: string,
  options: { gitBinary?: string; maxOutputBytes?: number } = {},
): Promise<OpenedRepository> {
  const config = gitConfigSchema.parse({ repositories: [directory], logLevel: 'silent', ...options });
  const prepared = await prepareGit(config);
  return { runner: prepared.runner, repository: prepared.repositories[0] as GitRepository };
}

export { checkRepoPath, checkRevision, GitRefusal } from '../guards/git.js';
export type { GitRepository, GitRunner };
