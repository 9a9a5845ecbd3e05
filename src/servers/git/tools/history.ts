import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { checkDate, checkRevision } from '../../../guards/git.js';
import { resolveCommit } from '../objects.js';
import {
  cutNote,
  type GitContext,
  pathspecs,
  READ_ONLY,
  repoPathArg,
  repositoryOutput,
  revisionArg,
  SAFE_DIFF_FLAGS,
} from './shared.js';

const commit = z.object({
  hash: z.string(),
  parents: z.array(z.string()),
  author: z.string(),
  email: z.string(),
  date: z.string().describe('Author date, ISO 8601 with the author’s offset'),
  committed: z.string().describe('Committer date, ISO 8601'),
  subject: z.string(),
  body: z.string(),
});
type Commit = z.output<typeof commit>;

// Fields separated by NUL and, with -z, commits too: a commit message cannot contain NUL, so it cannot
// shift a field.
const FORMAT = '--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%s%x00%b';
const FIELDS = 8;

function toCommit(fields: readonly string[]): Commit {
  const [hash, parents, author, email, date, committed, subject, body] = fields.map((f) => f ?? '');
  return {
    hash: hash ?? '',
    parents: parents ? parents.split(' ') : [],
    author: author ?? '',
    email: email ?? '',
    date: date ?? '',
    committed: committed ?? '',
    subject: subject ?? '',
    body: (body ?? '').trimEnd(),
  };
}

export function parseLog(raw: string): Commit[] {
  const fields = raw.split('\0').map((f, i) => (i % FIELDS === 0 ? f.replace(/^\n/, '') : f));
  const commits: Commit[] = [];
  for (let i = 0; i + FIELDS <= fields.length; i += FIELDS)
    commits.push(toCommit(fields.slice(i, i + FIELDS)));
  return commits;
}

function describeCommit(c: Commit): string {
  const message = c.body ? `${c.subject}\n\n${c.body}` : c.subject;
  return `Commit: ${c.hash}\nAuthor: ${c.author} <${c.email}>\nDate: ${c.date}\nMessage: ${message}\n`;
}

const logOutput = z.object({
  repository: repositoryOutput,
  commits: z.array(commit),
});

function logTool({ repos, runner }: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_log',
    title: 'Git Log',
    description:
      'Commit history, newest first: hash, author, dates and message. Filter by time (start_timestamp, ' +
      'end_timestamp), by a starting revision, or by a path.',
    input: z.object({
      repo_path: repoPathArg,
      max_count: z.number().int().min(1).max(10_000).default(10).describe('Most commits to return'),
      start_timestamp: z
        .string()
        .nullish()
        .describe(
          "Only commits after this: ISO 8601 ('2024-01-15T14:30:25'), relative ('2 weeks ago') or a date",
        ),
      end_timestamp: z
        .string()
        .nullish()
        .describe(
          "Only commits before this: ISO 8601 ('2024-01-15T14:30:25'), relative ('yesterday') or a date",
        ),
      revision: revisionArg('HEAD'),
      path: z.string().nullish().describe('Only commits that touch this file or directory'),
    }),
    output: logOutput,
    annotations: READ_ONLY,
    continuation: 'lower max_count or narrow by time or path',
    handler: async (args, { signal }) => {
      const repo = await repos.select(args.repo_path);
      const filters: string[] = [`--max-count=${args.max_count}`];
      if (args.start_timestamp) filters.push(`--since=${checkDate(args.start_timestamp, 'start_timestamp')}`);
      if (args.end_timestamp) filters.push(`--until=${checkDate(args.end_timestamp, 'end_timestamp')}`);
      const paths = pathspecs(args.path, repo);
      const start = args.revision ? [checkRevision(args.revision, 'revision')] : [];
      let stdout: Buffer;
      try {
        ({ stdout } = await runner.run(
          repo,
          [
            'log',
            '-z',
            '--no-show-signature',
            '--no-color',
            FORMAT,
            ...filters,
            '--end-of-options',
            ...start,
            '--',
            ...paths,
          ],
          { signal },
        ));
      } catch (error) {
        // A repository with no commits yet has no history to show; that is an answer, not a failure.
        if (
          start.length === 0 &&
          error instanceof Refusal &&
          /does not have any commits yet/.test(error.message)
        ) {
          return { repository: repo.root, commits: [] };
        }
        throw error;
      }
      return { repository: repo.root, commits: parseLog(stdout.toString('utf8')) };
    },
    present: (result) =>
      result.commits.length === 0
        ? 'Commit history: no commits'
        : `Commit history:\n${result.commits.map(describeCommit).join('\n')}`,
  });
}

const showOutput = z.object({
  repository: repositoryOutput,
  commit,
  diff: z.string().describe('What the commit changed, as a unified diff (combined for a merge)'),
  truncated: z.boolean(),
});

function showTool({ repos, runner }: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_show',
    title: 'Git Show',
    description:
      'One commit: its author, dates and message, and the diff it introduced. Long diffs are cut short; ' +
      'use git_diff with "<commit>~1..<commit>" and path to read one file’s part.',
    input: z.object({
      repo_path: repoPathArg,
      revision: z.string().describe('The commit: branch, tag, commit id or an expression like HEAD~2'),
    }),
    output: showOutput,
    annotations: READ_ONLY,
    continuation: 'use git_diff with a range and path',
    handler: async (args, { signal }) => {
      const repo = await repos.select(args.repo_path);
      const id = await resolveCommit(runner, repo, args.revision, 'revision', signal);
      const { stdout, truncated } = await runner.run(
        repo,
        [
          'show',
          '-z',
          '--no-show-signature',
          ...SAFE_DIFF_FLAGS,
          '--patch',
          `${FORMAT}%x00`,
          '--end-of-options',
          id,
          '--',
        ],
        { signal },
      );
      const raw = stdout.toString('utf8');
      const fields = raw.split('\0');
      if (fields.length <= FIELDS)
        throw new Refusal(`revision "${args.revision}": git printed no commit header`);
      const diff = fields.slice(FIELDS).join('\0').replace(/^\n/, '');
      return {
        repository: repo.root,
        commit: toCommit(fields.slice(0, FIELDS)),
        diff: truncated ? diff + cutNote(runner.maxOutputBytes, 'use git_diff with a range and path') : diff,
        truncated,
      };
    },
    present: (result) => `${describeCommit(result.commit)}\n${result.diff}`,
  });
}

export function historyTools(ctx: GitContext): ToolDefinition[] {
  return [logTool(ctx), showTool(ctx)];
}
