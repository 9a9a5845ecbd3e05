import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Refusal } from '../../core/errors.js';
import { driverOverrides, HARDENED_CONFIG, hardenedEnvironment } from '../../guards/git.js';

/** A repository as the server pinned it at start: git never rediscovers it from a path or a `.git` file. */
export interface GitRepository {
  /** As the operator gave it, for messages. */
  readonly given: string;
  /** Canonical directory the repository is known by: the working tree's top level, or the bare repository. */
  readonly root: string;
  readonly gitDir: string;
  /** Where the config and objects live: the git directory itself, or the main one for a linked worktree. */
  readonly commonDir: string;
  /** Absent for a bare repository. */
  readonly topLevel?: string;
}

export interface RunOptions {
  readonly signal: AbortSignal;
  readonly stdin?: string;
  /** Most stdout bytes kept; the process is stopped once it prints more. */
  readonly maxBytes?: number;
  /** Exit codes that are answers rather than failures (`grep` exits 1 when nothing matched). */
  readonly okExitCodes?: readonly number[];
  /**
   * The command may read working-tree files into git (status, a diff against the working tree), which is
   * where a repository's filter and diff drivers would run: they are listed and switched off first.
   */
  readonly readsWorkingTree?: boolean;
}

export interface RunResult {
  readonly stdout: Buffer;
  /** True when stdout passed `maxBytes` and the rest was not read. */
  readonly truncated: boolean;
  readonly exitCode: number;
}

const MAX_STDERR_BYTES = 8 * 1024;
const STATIC_ENV = hardenedEnvironment(HARDENED_CONFIG, { TZ: process.env.TZ });

/**
 * The one way Rampart runs git: an argument array (no shell), the hardened environment and config, the
 * repository pinned by `--git-dir`/`--work-tree`, output capped while it streams, and the call's signal
 * killing the process.
 */
export class GitRunner {
  private readonly driverEnvironments = new WeakMap<
    GitRepository,
    { stamp: string; env: Record<string, string> }
  >();

  constructor(
    readonly binary: string,
    readonly maxOutputBytes: number,
  ) {}

  async run(repo: GitRepository, args: readonly string[], options: RunOptions): Promise<RunResult> {
    const env = options.readsWorkingTree
      ? await this.environmentWithoutDrivers(repo, options.signal)
      : STATIC_ENV;
    return this.exec(repo.topLevel ?? repo.gitDir, [...pin(repo), ...args], env, options);
  }

  /** Runs git in a directory that is not yet a pinned repository (used once per repository at start). */
  probe(
    directory: string,
    args: readonly string[],
    signal: AbortSignal,
    ceiling: string,
  ): Promise<RunResult> {
    const env = { ...STATIC_ENV, GIT_CEILING_DIRECTORIES: ceiling };
    return this.exec(directory, ['--no-pager', ...args], env, { signal });
  }

  /**
   * Entries of the repository's effective config (includes followed) whose key matches `pattern`, as
   * [key, value] pairs; reading config runs nothing.
   */
  async configEntries(
    repo: GitRepository,
    pattern: string,
    signal: AbortSignal,
  ): Promise<[string, string][]> {
    const listed = await this.exec(
      repo.topLevel ?? repo.gitDir,
      [...pin(repo), 'config', '--null', '--get-regexp', pattern],
      STATIC_ENV,
      { signal, okExitCodes: [1] },
    );
    return listed.stdout
      .toString('utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => {
        const newline = entry.indexOf('\n');
        return newline < 0 ? [entry, ''] : [entry.slice(0, newline), entry.slice(newline + 1)];
      });
  }

  /**
   * The environment with every filter and diff driver the repository configures switched off. The listing
   * is kept while the repository's config files are unchanged (by inode, size and nanosecond times); a
   * config that includes other files is listed on every call, since those files are not watched.
   */
  private async environmentWithoutDrivers(
    repo: GitRepository,
    signal: AbortSignal,
  ): Promise<Record<string, string>> {
    const stamp = await configStamp(repo);
    const cached = this.driverEnvironments.get(repo);
    if (cached && cached.stamp === stamp) return cached.env;
    const entries = await this.configEntries(repo, '^(filter|diff|include|includeif)\\.', signal);
    const overrides = driverOverrides(entries.map(([key]) => key));
    const env =
      overrides.length === 0
        ? STATIC_ENV
        : hardenedEnvironment([...HARDENED_CONFIG, ...overrides], { TZ: process.env.TZ });
    if (entries.some(([key]) => key.startsWith('include'))) this.driverEnvironments.delete(repo);
    else this.driverEnvironments.set(repo, { stamp, env });
    return env;
  }

  private exec(
    cwd: string,
    args: readonly string[],
    env: Record<string, string>,
    options: RunOptions,
  ): Promise<RunResult> {
    const { signal } = options;
    const maxBytes = options.maxBytes ?? this.maxOutputBytes;
    return new Promise<RunResult>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const child = spawn(this.binary, args, {
        cwd,
        env,
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const errors: Buffer[] = [];
      let errorBytes = 0;
      const stop = () => child.kill('SIGKILL');
      signal.addEventListener('abort', stop, { once: true });

      child.stdout?.on('data', (chunk: Buffer) => {
        if (truncated) return;
        if (size + chunk.length > maxBytes) {
          chunks.push(chunk.subarray(0, maxBytes - size));
          size = maxBytes;
          truncated = true;
          stop();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        if (errorBytes >= MAX_STDERR_BYTES) return;
        errors.push(chunk);
        errorBytes += chunk.length;
      });
      if (options.stdin !== undefined && child.stdin) {
        // A command that exits before reading all of stdin is not an error of ours.
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.stdin);
      }
      child.on('error', (error: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', stop);
        reject(new Refusal(`could not run git ("${this.binary}"): ${error.code ?? error.message}`));
      });
      child.on('close', (code) => {
        signal.removeEventListener('abort', stop);
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const stdout = Buffer.concat(chunks, size);
        if (truncated) {
          resolve({ stdout, truncated, exitCode: 0 });
          return;
        }
        const exitCode = code ?? -1;
        if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) {
          resolve({ stdout, truncated, exitCode });
          return;
        }
        reject(new Refusal(failureMessage(args, Buffer.concat(errors).toString('utf8'))));
      });
    });
  }
}

/** Identity of the files git reads a repository's config from, taken just before the listing. */
async function configStamp(repo: GitRepository): Promise<string> {
  const files = [path.join(repo.commonDir, 'config'), path.join(repo.gitDir, 'config.worktree')];
  const parts = await Promise.all(
    files.map(async (file) => {
      const info = await stat(file, { bigint: true }).catch(() => undefined);
      return info ? `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}` : 'absent';
    }),
  );
  return parts.join('|');
}

function pin(repo: GitRepository): string[] {
  return [
    '--no-pager',
    `--git-dir=${repo.gitDir}`,
    ...(repo.topLevel ? [`--work-tree=${repo.topLevel}`] : []),
  ];
}

/** `git log failed: bad revision 'x'`, from the first line git marked as fatal or an error. */
function failureMessage(args: readonly string[], stderr: string): string {
  const command = args.find((a) => !a.startsWith('-')) ?? 'command';
  const lines = stderr.split('\n').map((l) => l.trim());
  const reason =
    lines.find((l) => l.startsWith('fatal:') || l.startsWith('error:'))?.replace(/^(fatal|error):\s*/, '') ??
    lines.find(Boolean) ??
    'no reason given';
  return `git ${command} failed: ${reason}`;
}
