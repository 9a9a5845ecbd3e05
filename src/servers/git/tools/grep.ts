import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { resolveCommit } from '../objects.js';
import { type GitContext, pathspecs, READ_ONLY, repoPathArg, repositoryOutput } from './shared.js';

const MAX_PATTERN_LENGTH = 1000;

const match = z.object({ path: z.string(), line: z.number(), text: z.string() });
type Match = z.output<typeof match>;

/** Parses `git grep -n -z` output (`path NUL line NUL text`), dropping the `<commit>:` prefix of a revision search. */
export function parseGrep(
  raw: string,
  commit: string | undefined,
  limit: number,
): { matches: Match[]; more: boolean } {
  const matches: Match[] = [];
  const prefix = commit ? `${commit}:` : '';
  const rows = raw.split('\n');
  for (const row of rows) {
    if (row === '') continue;
    if (matches.length === limit) return { matches, more: true };
    const [file, line, ...text] = row.split('\0');
    if (file === undefined || line === undefined) continue;
    matches.push({
      path: file.startsWith(prefix) ? file.slice(prefix.length) : file,
      line: Number(line),
      text: text.join('\0'),
    });
  }
  return { matches, more: false };
}

export function grepTool({ repos, runner }: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_grep',
    title: 'Git Grep',
    description:
      'Searches tracked files for a pattern (extended regular expression, or a literal with fixed_strings): in ' +
      'the working tree, or in a revision when one is given. Binary files are skipped. Returns path, line and text.',
    input: z.object({
      repo_path: repoPathArg,
      pattern: z.string().min(1).max(MAX_PATTERN_LENGTH).describe('What to search for'),
      revision: z
        .string()
        .nullish()
        .describe('Search this commit instead of the working tree (branch, tag, commit id, HEAD~2…)'),
      path: z
        .string()
        .nullish()
        .describe('Only this file or directory (relative to the repository top level)'),
      ignore_case: z.boolean().default(false).describe('Match regardless of case'),
      fixed_strings: z.boolean().default(false).describe('Treat pattern as a literal string, not a regex'),
      max_results: z.number().int().min(1).max(10_000).default(200).describe('Most matching lines to return'),
    }),
    output: z.object({
      repository: repositoryOutput,
      matches: z.array(match),
      truncated: z.boolean().describe('True when more lines matched than max_results'),
    }),
    annotations: READ_ONLY,
    continuation: 'narrow with path or a more specific pattern',
    handler: async (args, { signal }) => {
      const repo = await repos.select(args.repo_path);
      if (args.pattern.includes('\0')) throw new Refusal('pattern contains a NUL byte');
      const paths = pathspecs(args.path, repo);
      let commit: string | undefined;
      if (args.revision) commit = await resolveCommit(runner, repo, args.revision, 'revision', signal);
      else if (!repo.topLevel) commit = await resolveCommit(runner, repo, 'HEAD', 'revision', signal);
      // grep has no --end-of-options in every git this runs on; the pattern follows -e and the revision is an object id.
      const { stdout, truncated } = await runner.run(
        repo,
        [
          'grep',
          '-n',
          '-z',
          '-I',
          '--no-color',
          '--full-name',
          args.fixed_strings ? '-F' : '-E',
          ...(args.ignore_case ? ['-i'] : []),
          '-e',
          args.pattern,
          ...(commit ? [commit] : []),
          '--',
          ...paths,
        ],
        { signal, okExitCodes: [1], readsWorkingTree: commit === undefined },
      );
      const raw = stdout.toString('utf8');
      // A cut-off stream ends in a partial line; only whole lines are matches.
      const whole = truncated ? raw.slice(0, raw.lastIndexOf('\n') + 1) : raw;
      const { matches, more } = parseGrep(whole, commit, args.max_results);
      return { repository: repo.root, matches, truncated: more || truncated };
    },
    present: (result) => {
      if (result.matches.length === 0) return 'No matches';
      const lines = result.matches.map((m) => `${m.path}:${m.line}: ${m.text}`);
      if (result.truncated) lines.push('[more matches not shown; narrow with path or raise max_results]');
      return lines.join('\n');
    },
  });
}
