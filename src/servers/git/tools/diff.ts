import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { checkRevisionRange } from '../../../guards/git.js';
import type { GitRepository } from '../runner.js';
import {
  contextLinesArg,
  cutNote,
  diffPathArg,
  type GitContext,
  pathspecs,
  READ_ONLY,
  repoPathArg,
  repositoryOutput,
  SAFE_DIFF_FLAGS,
} from './shared.js';

const diffOutput = z.object({
  repository: repositoryOutput,
  diff: z.string().describe('Unified diff; empty when there are no changes'),
  truncated: z.boolean().describe('True when the diff was longer than the server reads; narrow it with path'),
});
type DiffResult = z.output<typeof diffOutput>;

interface DiffRun {
  readonly repo: GitRepository;
  readonly revisions: readonly string[];
  readonly contextLines: number;
  readonly path: string | null | undefined;
  readonly cached?: boolean;
  readonly signal: AbortSignal;
}

async function runDiff(ctx: GitContext, run: DiffRun): Promise<DiffResult> {
  const { repo } = run;
  const paths = pathspecs(run.path, repo);
  // A diff of the index against HEAD, or between two commits, leaves the working tree alone.
  const readsWorkingTree = !run.cached && !run.revisions.some((r) => r.includes('..'));
  const { stdout, truncated } = await ctx.runner.run(
    repo,
    [
      'diff',
      ...SAFE_DIFF_FLAGS,
      `--unified=${run.contextLines}`,
      ...(run.cached ? ['--cached'] : []),
      '--end-of-options',
      ...run.revisions,
      '--',
      ...paths,
    ],
    { signal: run.signal, readsWorkingTree },
  );
  const diff = stdout.toString('utf8');
  return {
    repository: repo.root,
    diff: truncated
      ? diff + cutNote(ctx.runner.maxOutputBytes, 'pass path to see one file or directory')
      : diff,
    truncated,
  };
}

function requireWorkingTree(repo: GitRepository, what: string): void {
  if (!repo.topLevel) throw new Refusal(`${repo.root} is a bare repository: it has no ${what}`);
}

const workingDiffInput = z.object({
  repo_path: repoPathArg,
  context_lines: contextLinesArg,
  path: diffPathArg,
});

const present = (title: string) => (result: DiffResult) =>
  result.diff === '' ? `${title}: none` : `${title}:\n${result.diff}`;

interface IndexDiff {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Index against HEAD (staged) rather than the working tree against the index (unstaged). */
  readonly cached: boolean;
  readonly heading: string;
}

/** git_diff_unstaged and git_diff_staged: the two sides of the index. */
function indexDiffTool(ctx: GitContext, spec: IndexDiff): ToolDefinition {
  return defineTool({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: workingDiffInput,
    output: diffOutput,
    annotations: READ_ONLY,
    continuation: 'pass path to narrow the diff',
    handler: async (args, { signal }) => {
      const repo = await ctx.repos.select(args.repo_path);
      requireWorkingTree(repo, spec.cached ? 'index' : 'working tree');
      return runDiff(ctx, {
        repo,
        revisions: [],
        contextLines: args.context_lines,
        path: args.path,
        cached: spec.cached,
        signal,
      });
    },
    present: present(spec.heading),
  });
}

export function diffTools(ctx: GitContext): ToolDefinition[] {
  const unstaged = indexDiffTool(ctx, {
    name: 'git_diff_unstaged',
    title: 'Git Diff (unstaged)',
    description:
      'Changes in the working tree that are not staged yet, as a unified diff. Long diffs are cut short; ' +
      'pass path to narrow to one file or directory.',
    cached: false,
    heading: 'Unstaged changes',
  });

  const staged = indexDiffTool(ctx, {
    name: 'git_diff_staged',
    title: 'Git Diff (staged)',
    description: 'Changes staged for the next commit (index against HEAD), as a unified diff.',
    cached: true,
    heading: 'Staged changes',
  });

  const between = defineTool({
    name: 'git_diff',
    title: 'Git Diff',
    description:
      'Differences against a branch or commit. target is one revision (compared with the working tree), ' +
      '"a..b" (from a to b) or "a...b" (what b changed since it forked from a).',
    input: z.object({
      repo_path: repoPathArg,
      target: z.string().describe('A revision, "a..b" or "a...b", e.g. main, HEAD~3, main..feature'),
      context_lines: contextLinesArg,
      path: diffPathArg,
    }),
    output: diffOutput,
    annotations: READ_ONLY,
    continuation: 'pass path to narrow the diff',
    handler: async (args, { signal }) => {
      const repo = await ctx.repos.select(args.repo_path);
      const range = checkRevisionRange(args.target);
      if (range.from === undefined && !repo.topLevel) {
        throw new Refusal(
          `${repo.root} is a bare repository with no working tree to compare with; give target as "a..b"`,
        );
      }
      // Checked revisions go straight to git after --end-of-options: no extra process to resolve them first.
      const revision =
        range.from === undefined ? range.to : `${range.from}${range.symmetric ? '...' : '..'}${range.to}`;
      return runDiff(ctx, {
        repo,
        revisions: [revision],
        contextLines: args.context_lines,
        path: args.path,
        signal,
      });
    },
    present: present('Diff'),
  });

  return [unstaged, staged, between];
}
