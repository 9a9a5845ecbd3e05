import path from 'node:path';
import { NO_CONFIRMATION } from '../../core/confirm.js';
import type { ResourceTemplateDefinition, ToolDefinition } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { decodeVariable, JSON_TYPE, jsonContents as json } from '../../core/resource-json.js';
import { checkRepoPath, checkRevision } from '../../guards/git.js';
import { DEFAULT_LIMITS } from '../../guards/limits.js';
import { lookUp } from './objects.js';
import type { GitRepository } from './runner.js';
import { branchTool } from './tools/branch.js';
import { historyTools } from './tools/history.js';
import type { GitContext } from './tools/shared.js';
import { statusTool } from './tools/status.js';

/** Commits git://{repo}/log shows, newest first. */
export const LOG_COMMITS = 50;
const BINARY_SNIFF_BYTES = 8000;

const TEXT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.csv': 'text/csv',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.xml': 'application/xml',
};
const BINARY_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
};

/**
 * Each configured repository's name in URIs: its directory's base name, reduced to characters a URI host keeps
 * as they are, with `-2`, `-3`, … for a name already taken (in the order the repositories were configured).
 */
export function repositoryNames(repositories: readonly GitRepository[]): Map<string, GitRepository> {
  const named = new Map<string, GitRepository>();
  for (const repo of repositories) {
    const cleaned = path.basename(repo.root).replace(/[^A-Za-z0-9._-]/g, '-');
    const base = /^\.*$/.test(cleaned) ? 'repository' : cleaned;
    let name = base;
    for (let n = 2; named.has(name); n++) name = `${base}-${n}`;
    named.set(name, repo);
  }
  return named;
}

/** The resources' view of the repositories: the configured ones by name, narrowed by the client's roots. */
class NamedRepositories {
  private readonly byName: Map<string, GitRepository>;

  constructor(private readonly ctx: GitContext) {
    this.byName = repositoryNames(ctx.repos.configured);
  }

  /** Names of the repositories this connection may use now. */
  usable(): string[] {
    const usable = new Set(this.ctx.repos.usable);
    return [...this.byName].filter(([, repo]) => usable.has(repo)).map(([name]) => name);
  }

  pick(value: string | string[] | undefined): GitRepository {
    const name = decodeVariable(value, 'repo');
    const repo = this.byName.get(name);
    if (!repo || !this.ctx.repos.usable.includes(repo)) {
      const known = this.usable();
      throw new Refusal(
        `repo "${name}" is not one of the configured repositories (${known.length > 0 ? known.join(', ') : 'none available'})`,
      );
    }
    return repo;
  }
}

/**
 * Runs a read-only git tool's handler for a resource, its arguments checked by the tool's own schema: the same
 * repository selection, revision and path guards and the same git invocation as the tool.
 */
async function viaTool(tool: ToolDefinition, args: Record<string, unknown>, signal: AbortSignal) {
  return tool.handler(tool.input.parse(args), {
    signal,
    limits: DEFAULT_LIMITS,
    log: createLogger({ level: 'silent' }),
    progress: async () => {},
    confirmation: NO_CONFIRMATION,
  });
}

function toolNamed(tools: readonly ToolDefinition[], name: string): ToolDefinition {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`git tool ${name} is missing`);
  return tool;
}

/** A `git://{repo}/<view>` template answered by one read-only tool. */
function repositoryView(
  named: NamedRepositories,
  view: { name: string; title: string; description: string; suffix: string },
  read: (repo: GitRepository, signal: AbortSignal) => Promise<unknown>,
): ResourceTemplateDefinition {
  return {
    name: view.name,
    title: view.title,
    description: view.description,
    uriTemplate: `git://{repo}/${view.suffix}`,
    mimeType: JSON_TYPE,
    list: async () =>
      named.usable().map((name) => ({ uri: `git://${name}/${view.suffix}`, name, mimeType: JSON_TYPE })),
    read: async (uri, variables, signal) => json(uri.href, await read(named.pick(variables.repo), signal)),
    complete: { repo: async (value) => named.usable().filter((name) => name.startsWith(value)) },
  };
}

/** Branch and tag names of the repository `{repo}` names (or of the only one), for completing `{rev}`. */
async function refNames(
  ctx: GitContext,
  named: NamedRepositories,
  repoValue: string | undefined,
  signal: AbortSignal,
): Promise<string[]> {
  const usable = named.usable();
  const chosen = repoValue ?? (usable.length === 1 ? usable[0] : undefined);
  if (chosen === undefined) return [];
  const repo = named.pick(chosen);
  const { stdout } = await ctx.runner.run(
    repo,
    [
      'for-each-ref',
      '--format=%(refname:short)',
      '--end-of-options',
      'refs/heads',
      'refs/tags',
      'refs/remotes',
    ],
    { signal },
  );
  return ['HEAD', ...stdout.toString('utf8').split('\n').filter(Boolean)];
}

function mimeTypeOf(file: string, binary: boolean): string {
  const extension = path.extname(file).toLowerCase();
  if (binary) return BINARY_TYPES[extension] ?? 'application/octet-stream';
  return TEXT_TYPES[extension] ?? 'text/plain';
}

/** A file as committed at a revision: looked up through cat-file's stdin, never a command-line revision. */
function blobTemplate(ctx: GitContext, named: NamedRepositories): ResourceTemplateDefinition {
  const cap = ctx.runner.maxOutputBytes;
  return {
    name: 'blob',
    title: 'File at a revision',
    description:
      'A file as committed at a revision (branch, tag, commit id, HEAD~2; a branch with "/" written %2F), path ' +
      `relative to the repository top level. Text as text, binary files base64 with a MIME type; at most ${cap} bytes.`,
    uriTemplate: 'git://{repo}/blob/{rev}/{+path}',
    async read(uri, variables, signal) {
      const repo = named.pick(variables.repo);
      const rev = checkRevision(decodeVariable(variables.rev, 'rev'), 'rev');
      const relative = checkRepoPath(decodeVariable(variables.path, 'path'), repo.topLevel, 'path');
      if (relative === '') throw new Refusal('path names the repository itself; give a file');
      const [commit, object] = await lookUp(
        ctx.runner,
        repo,
        [`${rev}^{commit}`, `${rev}:${relative}`],
        signal,
      );
      if (!commit)
        throw new Refusal(
          `rev "${rev}" does not name a commit in repo ${decodeVariable(variables.repo, 'repo')}`,
        );
      if (!object) throw new Refusal(`path "${relative}" does not exist at ${rev}`);
      if (object.type !== 'blob')
        throw new Refusal(
          `path "${relative}" is a ${object.type === 'tree' ? 'directory' : object.type}, not a file`,
        );
      if (object.size > cap)
        throw new Refusal(`path "${relative}" is ${object.size} bytes at ${rev}; the limit is ${cap}`);
      const { stdout } = await ctx.runner.run(repo, ['cat-file', '--end-of-options', 'blob', object.id], {
        signal,
      });
      const binary = stdout.subarray(0, BINARY_SNIFF_BYTES).includes(0);
      const mimeType = mimeTypeOf(relative, binary);
      return binary
        ? [{ uri: uri.href, mimeType, blob: stdout.toString('base64') }]
        : [{ uri: uri.href, mimeType, text: stdout.toString('utf8') }];
    },
    complete: {
      repo: async (value) => named.usable().filter((name) => name.startsWith(value)),
      rev: async (value, context, signal) =>
        (await refNames(ctx, named, context.arguments?.repo, signal)).filter((ref) => ref.startsWith(value)),
    },
  };
}

/** The git server's resources: each repository's status, recent log and branches, and files at a revision. */
export function gitResourceTemplates(ctx: GitContext): ResourceTemplateDefinition[] {
  const named = new NamedRepositories(ctx);
  const status = statusTool(ctx);
  const log = toolNamed(historyTools(ctx), 'git_log');
  const branches = branchTool(ctx);
  return [
    repositoryView(
      named,
      {
        name: 'repository-status',
        title: 'Repository status',
        description:
          'The working tree status: branch, upstream, staged, unstaged, untracked and conflicted files.',
        suffix: 'status',
      },
      (repo, signal) => viaTool(status, { repo_path: repo.root }, signal),
    ),
    repositoryView(
      named,
      {
        name: 'repository-log',
        title: 'Repository log',
        description: `The last ${LOG_COMMITS} commits from HEAD, newest first: hash, parents, author, dates, message.`,
        suffix: 'log',
      },
      (repo, signal) => viaTool(log, { repo_path: repo.root, max_count: LOG_COMMITS }, signal),
    ),
    repositoryView(
      named,
      {
        name: 'repository-branches',
        title: 'Repository branches',
        description:
          'Local and remote-tracking branches, with the commit each points at and the current one.',
        suffix: 'branches',
      },
      (repo, signal) => viaTool(branches, { repo_path: repo.root, branch_type: 'all' }, signal),
    ),
    blobTemplate(ctx, named),
  ];
}
