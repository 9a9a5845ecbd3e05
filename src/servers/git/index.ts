import { ConfigError } from '../../core/config.js';
import { defineServer, type ServerDefinition } from '../../core/define.js';
import { locateExecutable } from '../../core/executables.js';
import type { GitConfig } from './config.js';
import { pinRepositories, RepositorySet } from './repositories.js';
import { gitResourceTemplates } from './resources.js';
import { type GitRepository, GitRunner } from './runner.js';
import { blameTool } from './tools/blame.js';
import { branchTool } from './tools/branch.js';
import { diffTools } from './tools/diff.js';
import { grepTool } from './tools/grep.js';
import { historyTools } from './tools/history.js';
import { statusTool } from './tools/status.js';
import { treeTools } from './tools/tree.js';

export { type GitConfig, gitConfigSchema } from './config.js';

export const GIT_VERSION = '0.1.0';

/** The runner and the pinned repositories, checked once per process. */
export interface PreparedGit {
  readonly runner: GitRunner;
  readonly repositories: readonly GitRepository[];
  readonly ignoreClientRoots: boolean;
}

/** The git executable as an absolute path, found once: git later runs with a fixed PATH of its own. */
async function locateGit(binary: string): Promise<string> {
  const found = await locateExecutable(binary);
  if (found) return found;
  throw new ConfigError(
    `gitBinary "${binary}" was not found or is not executable; install git or give its path`,
  );
}

export async function prepareGit(config: GitConfig): Promise<PreparedGit> {
  const runner = new GitRunner(await locateGit(config.gitBinary), config.maxOutputBytes);
  const repositories = await pinRepositories(config.repositories, runner);
  return { runner, repositories, ignoreClientRoots: config.ignoreClientRoots };
}

/** The git server for one connection: the configured repositories, narrowed by the client's roots. */
export function gitServer(prepared: PreparedGit): ServerDefinition {
  const repos = new RepositorySet(prepared.repositories, !prepared.ignoreClientRoots);
  const ctx = { repos, runner: prepared.runner };
  return defineServer({
    name: 'git',
    version: GIT_VERSION,
    instructions:
      `Read-only git inspection of ${prepared.repositories.map((r) => r.root).join(', ')}. ` +
      'repo_path may be left out when there is one repository. Revisions are branch names, tags, commit ids or ' +
      'expressions like HEAD~2; paths are relative to the repository top level. Nothing here changes a repository. ' +
      'Resources: git://{repo}/status, git://{repo}/log, git://{repo}/branches and git://{repo}/blob/{rev}/{+path}, ' +
      '{repo} being the directory name of a repository.',
    tools: [
      statusTool(ctx),
      ...diffTools(ctx),
      ...historyTools(ctx),
      branchTool(ctx),
      blameTool(ctx),
      grepTool(ctx),
      ...treeTools(ctx),
    ],
    resourceTemplates: gitResourceTemplates(ctx),
    onClientRoots: (roots) => repos.setClientRoots(roots),
  });
}
