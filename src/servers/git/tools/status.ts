import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { type GitContext, READ_ONLY, repoPathArg, repositoryOutput } from './shared.js';

const change = z.object({
  path: z.string(),
  status: z.string().describe('modified, added, deleted, renamed, copied, type changed or unmerged'),
  from: z.string().optional().describe('The old path of a rename or copy'),
});

const statusOutput = z.object({
  repository: repositoryOutput,
  branch: z.string().nullable().describe('Current branch; null when HEAD is detached'),
  head: z.string().nullable().describe('Commit HEAD points at; null before the first commit'),
  upstream: z.string().optional(),
  ahead: z.number().optional(),
  behind: z.number().optional(),
  staged: z.array(change),
  unstaged: z.array(change),
  untracked: z.array(z.string()),
  conflicted: z.array(z.string()),
});
type Status = z.output<typeof statusOutput>;
type Change = z.output<typeof change>;

const WORDS: Record<string, string> = {
  M: 'modified',
  T: 'type changed',
  A: 'added',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  U: 'unmerged',
};

/** Parses `git status --porcelain=v2 --branch -z`. */
export function parseStatus(repository: string, raw: string): Status {
  const status: Status = {
    repository,
    branch: null,
    head: null,
    staged: [],
    unstaged: [],
    untracked: [],
    conflicted: [],
  };
  const fields = raw.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i] as string;
    if (entry === '') continue;
    if (entry.startsWith('# ')) {
      const [key, ...rest] = entry.slice(2).split(' ');
      const value = rest.join(' ');
      if (key === 'branch.oid') status.head = value === '(initial)' ? null : value;
      else if (key === 'branch.head') status.branch = value === '(detached)' ? null : value;
      else if (key === 'branch.upstream') status.upstream = value;
      else if (key === 'branch.ab') {
        const [ahead, behind] = rest;
        status.ahead = Number(ahead?.slice(1));
        status.behind = Number(behind?.slice(1));
      }
      continue;
    }
    const tokens = entry.split(' ');
    const kind = tokens[0];
    if (kind === '?') status.untracked.push(entry.slice(2));
    else if (kind === 'u') status.conflicted.push(tokens.slice(10).join(' '));
    else if (kind === '1' || kind === '2') {
      const xy = tokens[1] ?? '..';
      const path = tokens.slice(kind === '1' ? 8 : 9).join(' ');
      const from = kind === '2' ? fields[++i] : undefined;
      const add = (list: Change[], code: string) => {
        if (code === '.') return;
        list.push({ path, status: WORDS[code] ?? code, ...(from !== undefined ? { from } : {}) });
      };
      add(status.staged, xy[0] ?? '.');
      add(status.unstaged, xy[1] ?? '.');
    }
  }
  return status;
}

function present(status: Status): string {
  const lines = ['Repository status:'];
  const where = status.branch
    ? `On branch ${status.branch}`
    : `HEAD detached at ${status.head?.slice(0, 12)}`;
  lines.push(status.head === null ? `${where} (no commits yet)` : where);
  if (status.upstream) {
    lines.push(`Upstream ${status.upstream}: ${status.ahead ?? 0} ahead, ${status.behind ?? 0} behind`);
  }
  const section = (title: string, items: string[]) => {
    if (items.length > 0) lines.push('', `${title}:`, ...items.map((item) => `  ${item}`));
  };
  const describe = (c: Change) => `${c.status}: ${c.from ? `${c.from} -> ` : ''}${c.path}`;
  section('Changes staged for commit', status.staged.map(describe));
  section('Changes not staged for commit', status.unstaged.map(describe));
  section('Unmerged paths', status.conflicted);
  section('Untracked files', status.untracked);
  if (
    status.staged.length + status.unstaged.length + status.untracked.length + status.conflicted.length ===
    0
  ) {
    lines.push('nothing to commit, working tree clean');
  }
  return lines.join('\n');
}

export function statusTool({ repos, runner }: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_status',
    title: 'Git Status',
    description:
      'The working tree status: current branch and upstream, staged, unstaged, untracked and conflicted files. ' +
      'Reads only; never refreshes or writes the index.',
    input: z.object({ repo_path: repoPathArg }),
    output: statusOutput,
    annotations: READ_ONLY,
    handler: async (args, ctx) => {
      const repo = await repos.select(args.repo_path);
      if (!repo.topLevel)
        throw new Refusal(`${repo.root} is a bare repository: it has no working tree to show`);
      const { stdout } = await runner.run(
        repo,
        [
          'status',
          '--porcelain=v2',
          '--branch',
          '-z',
          '--untracked-files=normal',
          '--ignore-submodules=dirty',
        ],
        { signal: ctx.signal, readsWorkingTree: true },
      );
      return parseStatus(repo.root, stdout.toString('utf8'));
    },
    present,
  });
}
