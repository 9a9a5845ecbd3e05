import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/config.js';
import { Refusal } from '../../core/errors.js';
import { assertCleanInput, expandHome, isWithin } from '../../guards/path.js';
import type { GitRepository, GitRunner } from './runner.js';

const PROBE_TIMEOUT_MS = 15_000;

/**
 * Checks each configured repository once and pins where its git directory and working tree are. A
 * directory whose top level git places elsewhere (a subdirectory, or `core.worktree` pointing out) is a
 * configuration error: serving it would widen what the operator named.
 */
export async function pinRepositories(given: readonly string[], runner: GitRunner): Promise<GitRepository[]> {
  const pinned: GitRepository[] = [];
  for (const entry of given) {
    const repo = await pinRepository(entry, runner);
    const clash = pinned.find((p) => p.root === repo.root);
    if (clash) throw new ConfigError(`repository "${entry}" is the same as "${clash.given}"`);
    pinned.push(repo);
  }
  return pinned;
}

async function pinRepository(given: string, runner: GitRunner): Promise<GitRepository> {
  let real: string;
  try {
    real = await realpath(path.resolve(expandHome(given)));
    if (!(await stat(real)).isDirectory()) throw new ConfigError(`repository "${given}" is not a directory`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`repository "${given}" does not exist or cannot be read`);
  }
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const ask = async (...args: string[]) => {
    try {
      const { stdout } = await runner.probe(real, args, signal, path.dirname(real));
      return stdout.toString('utf8').trim();
    } catch (error) {
      const reason =
        error instanceof Refusal ? error.message.replace(/^git \S+ failed: /, '') : String(error);
      throw new ConfigError(`repository "${given}" cannot be used: ${reason}`);
    }
  };
  const [gitDirLine, commonDirLine, bareLine] = (
    await ask('rev-parse', '--absolute-git-dir', '--git-common-dir', '--is-bare-repository')
  ).split('\n');
  const gitDir = await realpath(gitDirLine ?? '');
  const commonDir = await realpath(path.resolve(real, commonDirLine ?? ''));
  if (bareLine === 'true') {
    if (gitDir !== real) {
      throw new ConfigError(
        `repository "${given}" lies inside the bare repository ${gitDir}; give that directory`,
      );
    }
    return { given, root: real, gitDir, commonDir };
  }
  if (isWithin(gitDir, real)) {
    throw new ConfigError(`repository "${given}" is a git directory; give the working tree it belongs to`);
  }
  const topLevel = await realpath(await ask('rev-parse', '--show-toplevel'));
  if (topLevel !== real) {
    throw new ConfigError(
      `repository "${given}" is not the top level of its working tree (git says ${topLevel}); give the top level`,
    );
  }
  return { given, root: real, gitDir, commonDir, topLevel };
}

/**
 * The repositories one connection may use: the configured ones, narrowed to those inside the client's
 * MCP roots when it sends any. `repo_path` picks one of them; it never names a new one.
 */
export class RepositorySet {
  private clientRoots: string[] | undefined;

  constructor(
    readonly configured: readonly GitRepository[],
    private readonly honourClientRoots = true,
  ) {}

  get usable(): readonly GitRepository[] {
    const roots = this.clientRoots;
    if (!roots) return this.configured;
    return this.configured.filter((repo) => roots.some((root) => isWithin(root, repo.root)));
  }

  describe(): string {
    const usable = this.usable;
    return usable.length === 0
      ? 'none (the client’s roots contain none of them)'
      : usable.map((r) => r.root).join(', ');
  }

  async setClientRoots(paths: string[] | undefined): Promise<void> {
    if (!paths || !this.honourClientRoots) {
      this.clientRoots = undefined;
      return;
    }
    const real: string[] = [];
    for (const p of paths) {
      const resolved = await realpath(p).catch(() => undefined);
      if (resolved) real.push(resolved);
    }
    this.clientRoots = real;
  }

  /** The repository `repoPath` names (its top level or any directory inside it), or the only one there is. */
  async select(repoPath: string | undefined | null): Promise<GitRepository> {
    const usable = this.usable;
    if (repoPath === undefined || repoPath === null || repoPath === '') {
      if (usable.length === 1) return usable[0] as GitRepository;
      throw new Refusal(
        usable.length === 0
          ? `no repository is available: ${this.describe()}`
          : `repo_path is required: this server has ${usable.length} repositories (${this.describe()})`,
      );
    }
    assertCleanInput(repoPath, 'repo_path');
    const notOurs = () =>
      new Refusal(`repo_path "${repoPath}" is not one of the configured repositories (${this.describe()})`);
    const real = await realpath(path.resolve(expandHome(repoPath))).catch(() => undefined);
    if (!real) throw notOurs();
    const match = usable
      .filter((repo) => isWithin(repo.root, real) || isWithin(repo.gitDir, real))
      .sort((a, b) => b.root.length - a.root.length)[0];
    if (!match) throw notOurs();
    return match;
  }
}
