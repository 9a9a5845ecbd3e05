import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { checkRepoPath } from '../../../guards/git.js';
import { isWithin } from '../../../guards/path.js';
import { entryAt, resolveCommit } from '../objects.js';
import type { GitRepository, GitRunner } from '../runner.js';
import { type GitContext, READ_ONLY, repoPathArg, repositoryOutput, revisionArg } from './shared.js';

const blamedLine = z.object({
  line: z.number().describe('Line number in the blamed revision'),
  commit: z.string(),
  author: z.string(),
  date: z.string().describe('Author date, ISO 8601 UTC'),
  summary: z.string().describe('First line of the commit message'),
  text: z.string(),
});
type BlamedLine = z.output<typeof blamedLine>;

interface CommitInfo {
  author: string;
  date: string;
  summary: string;
}

/** Parses `git blame --porcelain`: commit details are printed once, on a commit's first line. */
export function parseBlame(raw: string): BlamedLine[] {
  const lines: BlamedLine[] = [];
  const commits = new Map<string, CommitInfo>();
  let current: { commit: string; line: number } | undefined;
  for (const row of raw.split('\n')) {
    if (row.startsWith('\t')) {
      if (!current) continue;
      const info = commits.get(current.commit) ?? { author: '', date: '', summary: '' };
      lines.push({ line: current.line, commit: current.commit, ...info, text: row.slice(1) });
      current = undefined;
      continue;
    }
    const header = /^([0-9a-f]{40,64}) \d+ (\d+)/.exec(row);
    if (header) {
      current = { commit: header[1] as string, line: Number(header[2]) };
      if (!commits.has(current.commit)) commits.set(current.commit, { author: '', date: '', summary: '' });
      continue;
    }
    if (!current) continue;
    const info = commits.get(current.commit) as CommitInfo;
    const space = row.indexOf(' ');
    const key = space < 0 ? row : row.slice(0, space);
    const value = space < 0 ? '' : row.slice(space + 1);
    if (key === 'author') info.author = value;
    else if (key === 'author-time') info.date = new Date(Number(value) * 1000).toISOString();
    else if (key === 'summary') info.summary = value;
  }
  return lines;
}

/**
 * git blame reads every file `blame.ignoreRevsFile` names, and an error quotes the file's first line; no
 * override can empty that list. So blame runs only when each file named lies inside the repository.
 */
async function assertIgnoreRevsInside(
  runner: GitRunner,
  repo: GitRepository,
  signal: AbortSignal,
): Promise<void> {
  const entries = await runner.configEntries(repo, '^blame\\.ignorerevsfile$', signal);
  for (const [, value] of entries) {
    if (value === '') continue;
    const real = await realpath(path.resolve(repo.topLevel ?? repo.gitDir, value)).catch(() => undefined);
    if (!real || !isWithin(repo.root, real)) {
      throw new Refusal(
        `this repository's config sets blame.ignoreRevsFile to "${value}", which is not a file inside ${repo.root}; ` +
          'git blame would read it, so git_blame is refused',
      );
    }
  }
}

export function blameTool({ repos, runner }: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_blame',
    title: 'Git Blame',
    description:
      'Who last changed each line of a file at a revision (committed content; default HEAD): commit, author, ' +
      'date and summary per line. Use start_line/end_line for part of a long file.',
    input: z
      .object({
        repo_path: repoPathArg,
        path: z.string().describe('The file, relative to the repository top level'),
        revision: revisionArg('HEAD'),
        start_line: z.number().int().min(1).nullish().describe('First line to blame (1-based)'),
        end_line: z.number().int().min(1).nullish().describe('Last line to blame'),
      })
      .refine((a) => !a.start_line || !a.end_line || a.end_line >= a.start_line, {
        message: 'end_line must not be before start_line',
        path: ['end_line'],
      }),
    output: z.object({ repository: repositoryOutput, path: z.string(), lines: z.array(blamedLine) }),
    annotations: READ_ONLY,
    continuation: 'blame a smaller range with start_line and end_line',
    handler: async (args, { signal }) => {
      const repo = await repos.select(args.repo_path);
      const path = checkRepoPath(args.path, repo.topLevel);
      if (path === '') throw new Refusal('path names the repository itself; give a file');
      const commit = await resolveCommit(runner, repo, args.revision ?? 'HEAD', 'revision', signal);
      await assertIgnoreRevsInside(runner, repo, signal);
      const entry = await entryAt(runner, repo, commit, path, signal);
      if (!entry)
        throw new Refusal(`path "${args.path}" does not exist at revision ${args.revision ?? 'HEAD'}`);
      if (entry.type !== 'blob')
        throw new Refusal(
          `path "${args.path}" is a ${entry.type === 'tree' ? 'directory' : entry.type}, not a file`,
        );
      const range =
        args.start_line || args.end_line ? ['-L', `${args.start_line ?? 1},${args.end_line ?? ''}`] : [];
      // blame has no --end-of-options in every git this runs on; the revision is a full object id by now.
      const { stdout } = await runner.run(
        repo,
        ['blame', '--porcelain', '--no-textconv', ...range, commit, '--', path],
        { signal },
      );
      return { repository: repo.root, path, lines: parseBlame(stdout.toString('utf8')) };
    },
    present: (result) =>
      result.lines
        .map((l) => `${l.commit.slice(0, 8)} (${l.author} ${l.date.slice(0, 10)} ${l.line}) ${l.text}`)
        .join('\n'),
  });
}
