import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { resolveCommits } from '../objects.js';
import { type GitContext, READ_ONLY, repoPathArg, repositoryOutput } from './shared.js';

const NAMESPACES = {
  local: ['refs/heads'],
  remote: ['refs/remotes'],
  all: ['refs/heads', 'refs/remotes'],
} as const;

const branch = z.object({
  name: z.string().describe('Branch name; remote ones keep their remote prefix, e.g. origin/main'),
  remote: z.boolean(),
  commit: z.string(),
  current: z.boolean(),
  upstream: z.string().optional(),
});
type Branch = z.output<typeof branch>;

export function parseBranches(raw: string): Branch[] {
  return raw
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [head, ref, commit, upstream] = line.split('\0');
      const remote = ref?.startsWith('refs/remotes/') ?? false;
      return {
        name: (ref ?? '').replace(/^refs\/(heads|remotes)\//, ''),
        remote,
        commit: commit ?? '',
        current: head === '*',
        ...(upstream ? { upstream } : {}),
      };
    });
}

export function branchTool({ repos, runner }: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_branch',
    title: 'Git Branch',
    description:
      'Lists branches: local, remote-tracking or all, optionally only those that contain (or do not contain) a commit.',
    input: z.object({
      repo_path: repoPathArg,
      branch_type: z
        .enum(['local', 'remote', 'all'])
        .default('local')
        .describe(
          "Whether to list local branches ('local'), remote branches ('remote') or all branches ('all')",
        ),
      contains: z.string().nullish().describe('Only branches that contain this commit'),
      not_contains: z.string().nullish().describe('Only branches that do not contain this commit'),
    }),
    output: z.object({ repository: repositoryOutput, branches: z.array(branch) }),
    annotations: READ_ONLY,
    handler: async (args, { signal }) => {
      const repo = await repos.select(args.repo_path);
      const wanted = [
        ...(args.contains ? [{ flag: '--contains', revision: args.contains, label: 'contains' }] : []),
        ...(args.not_contains
          ? [{ flag: '--no-contains', revision: args.not_contains, label: 'not_contains' }]
          : []),
      ];
      const ids = await resolveCommits(runner, repo, wanted, signal);
      const { stdout } = await runner.run(
        repo,
        [
          'for-each-ref',
          '--format=%(HEAD)%00%(refname)%00%(objectname)%00%(upstream:short)',
          ...wanted.map((w, i) => `${w.flag}=${ids[i]}`),
          '--end-of-options',
          ...NAMESPACES[args.branch_type],
        ],
        { signal },
      );
      return { repository: repo.root, branches: parseBranches(stdout.toString('utf8')) };
    },
    present: (result) =>
      result.branches.length === 0
        ? 'No branches'
        : result.branches
            .map((b) => `${b.current ? '*' : ' '} ${b.remote ? `remotes/${b.name}` : b.name}`)
            .join('\n'),
  });
}
