import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { checkRepoPath, checkRevision } from '../../../guards/git.js';
import { lookUp } from '../objects.js';
import { cutNote, type GitContext, READ_ONLY, repoPathArg, repositoryOutput, revisionArg } from './shared.js';

const entry = z.object({
  path: z.string().describe('Relative to the repository top level'),
  type: z.enum(['blob', 'tree', 'commit']).describe('blob is a file, tree a directory, commit a submodule'),
  mode: z
    .string()
    .describe('100644 file, 100755 executable, 120000 symbolic link, 040000 directory, 160000 submodule'),
  object: z.string(),
  size: z.number().optional().describe('Bytes, for files'),
});
type Entry = z.output<typeof entry>;

/** Parses `git ls-tree -z -l`: `mode type object size<TAB>name` per NUL-terminated record. */
export function parseTree(raw: string, base: string): Entry[] {
  const entries: Entry[] = [];
  for (const record of raw.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, object, size] = record.slice(0, tab).split(/ +/);
    const name = record.slice(tab + 1);
    entries.push({
      path: base ? `${base}/${name}` : name,
      type: type as Entry['type'],
      mode: mode ?? '',
      object: object ?? '',
      ...(size && size !== '-' ? { size: Number(size) } : {}),
    });
  }
  return entries;
}

/** The commit and the object at `path` in it, looked up in one git process. */
async function commitAndEntry(
  ctx: GitContext,
  where: { repo_path?: string | null; revision?: string | null; path: string },
  signal: AbortSignal,
) {
  const repo = await ctx.repos.select(where.repo_path);
  const revision = checkRevision(where.revision ?? 'HEAD', 'revision');
  const relative = checkRepoPath(where.path, repo.topLevel);
  const [commit, object] = await lookUp(
    ctx.runner,
    repo,
    [`${revision}^{commit}`, relative === '' ? `${revision}^{tree}` : `${revision}:${relative}`],
    signal,
  );
  if (!commit) throw new Refusal(`revision "${revision}" does not name a commit in ${repo.root}`);
  return { repo, relative, commit, object };
}

function lsTreeTool(ctx: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_ls_tree',
    title: 'Git List Tree',
    description:
      'Lists the files and directories of a directory at a revision (default: the top level at HEAD), with ' +
      'modes, object ids and file sizes; recursive lists everything below it.',
    input: z.object({
      repo_path: repoPathArg,
      revision: revisionArg('HEAD'),
      path: z
        .string()
        .nullish()
        .describe('A directory, relative to the repository top level (default: the top level)'),
      recursive: z.boolean().default(false).describe('List every file below the directory'),
      max_entries: z.number().int().min(1).max(100_000).default(1000).describe('Most entries to return'),
    }),
    output: z.object({
      repository: repositoryOutput,
      revision: z.string().describe('The commit listed'),
      entries: z.array(entry),
      truncated: z.boolean(),
    }),
    annotations: READ_ONLY,
    continuation: 'list a subdirectory with path',
    handler: async (args, { signal }) => {
      const { repo, relative, commit, object } = await commitAndEntry(
        ctx,
        { ...args, path: args.path ?? '.' },
        signal,
      );
      if (!object)
        throw new Refusal(`path "${args.path}" does not exist at revision ${args.revision ?? 'HEAD'}`);
      if (object.type !== 'tree')
        throw new Refusal(`path "${args.path}" is a file; use git_read_file to read it`);
      const { stdout, truncated } = await ctx.runner.run(
        repo,
        ['ls-tree', '-z', '-l', ...(args.recursive ? ['-r'] : []), '--end-of-options', object.id],
        { signal },
      );
      const all = parseTree(stdout.toString('utf8'), relative);
      const entries = all.slice(0, args.max_entries);
      return {
        repository: repo.root,
        revision: commit.id,
        entries,
        truncated: truncated || all.length > entries.length,
      };
    },
    present: (result) => {
      const lines = result.entries.map(
        (e) =>
          `${e.mode} ${e.type.padEnd(6)} ${String(e.size ?? '-').padStart(9)}  ${e.path}${e.type === 'tree' ? '/' : ''}`,
      );
      if (result.truncated) lines.push('[more entries not shown; list a subdirectory with path]');
      return lines.length === 0 ? 'Empty directory' : lines.join('\n');
    },
  });
}

const BINARY_SNIFF_BYTES = 8000;

function readFileTool(ctx: GitContext): ToolDefinition {
  return defineTool({
    name: 'git_read_file',
    title: 'Git Read File',
    description:
      'The content of a file as committed at a revision (default HEAD), without touching the working tree. ' +
      'Binary files are described, not returned; a symbolic link gives its target.',
    input: z.object({
      repo_path: repoPathArg,
      path: z.string().describe('The file, relative to the repository top level'),
      revision: revisionArg('HEAD'),
    }),
    output: z.object({
      repository: repositoryOutput,
      path: z.string(),
      revision: z.string().describe('The commit read from'),
      size: z.number(),
      binary: z.boolean(),
      content: z.string().describe('The text; empty for a binary file'),
      truncated: z.boolean(),
    }),
    annotations: READ_ONLY,
    continuation: 'the file is larger than the server returns; use git_grep to find the part you need',
    handler: async (args, { signal }) => {
      const { repo, relative, commit, object } = await commitAndEntry(ctx, args, signal);
      if (relative === '') throw new Refusal('path names the repository itself; give a file');
      if (!object)
        throw new Refusal(`path "${args.path}" does not exist at revision ${args.revision ?? 'HEAD'}`);
      if (object.type === 'tree')
        throw new Refusal(`path "${args.path}" is a directory; use git_ls_tree to list it`);
      if (object.type !== 'blob') throw new Refusal(`path "${args.path}" is a ${object.type}, not a file`);
      const { stdout, truncated } = await ctx.runner.run(
        repo,
        ['cat-file', '--end-of-options', 'blob', object.id],
        {
          signal,
        },
      );
      const binary = stdout.subarray(0, BINARY_SNIFF_BYTES).includes(0);
      const content = binary ? '' : stdout.toString('utf8');
      return {
        repository: repo.root,
        path: relative,
        revision: commit.id,
        size: object.size,
        binary,
        content:
          truncated && !binary
            ? content + cutNote(ctx.runner.maxOutputBytes, 'use git_grep to find the part you need')
            : content,
        truncated,
      };
    },
    present: (result) =>
      result.binary
        ? `${result.path} is a binary file of ${result.size} bytes at ${result.revision}`
        : result.content,
  });
}

export function treeTools(ctx: GitContext): ToolDefinition[] {
  return [lsTreeTool(ctx), readFileTool(ctx)];
}
