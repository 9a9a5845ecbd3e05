import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import type { Sandbox } from '../../../core/sandbox.js';
import { ignoreRulesAt } from '../gitignore-files.js';
import { excludeMatcher } from '../glob.js';
import { walk } from '../walk.js';
import { excludeArg, formatSize, pathArg, READ_ONLY, respectGitignoreArg } from './shared.js';

const entryKind = z.enum(['file', 'directory', 'symlink', 'other']);

function kindOf(entry: Dirent): z.output<typeof entryKind> {
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

async function listEntries(sandbox: Sandbox, requested: string): Promise<Dirent[]> {
  const anchor = await sandbox.openDirectory(requested);
  try {
    return await readdir(anchor.entry(''), { withFileTypes: true });
  } finally {
    await anchor.close();
  }
}

function listDirectoryTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'list_directory',
    title: 'List Directory',
    description:
      'List the entries of a directory inside the allowed directories, each marked [DIR] or [FILE] (links and other ' +
      'entries show as [FILE]; the structured result tells them apart).',
    input: z.object({ path: pathArg('directory') }),
    output: z.object({ entries: z.array(z.object({ name: z.string(), type: entryKind })) }),
    annotations: READ_ONLY,
    handler: async (args) => {
      const entries = await listEntries(sandbox, args.path);
      return { entries: entries.map((e) => ({ name: e.name, type: kindOf(e) })) };
    },
    present: (result) =>
      result.entries.map((e) => `${e.type === 'directory' ? '[DIR]' : '[FILE]'} ${e.name}`).join('\n'),
  });
}

function listWithSizesTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'list_directory_with_sizes',
    title: 'List Directory with Sizes',
    description:
      'List a directory inside the allowed directories with each file size and totals, sorted by name or by size ' +
      '(largest first). Links are listed with their own size and never followed.',
    input: z.object({
      path: pathArg('directory'),
      sortBy: z.enum(['name', 'size']).default('name').describe('Sort by name, or by size (largest first)'),
    }),
    output: z.object({
      entries: z.array(
        z.object({ name: z.string(), type: entryKind, size: z.number(), modified: z.string() }),
      ),
      totalFiles: z.number().int(),
      totalDirectories: z.number().int(),
      totalBytes: z.number(),
    }),
    annotations: READ_ONLY,
    handler: async (args) => {
      const anchor = await sandbox.openDirectory(args.path);
      try {
        const dirents = await readdir(anchor.entry(''), { withFileTypes: true });
        const entries = await Promise.all(
          dirents.map(async (e) => {
            const info = await lstat(anchor.entry(e.name)).catch(() => undefined);
            return {
              name: e.name,
              type: kindOf(e),
              size: info && !e.isDirectory() ? info.size : 0,
              modified: (info?.mtime ?? new Date(0)).toISOString(),
            };
          }),
        );
        entries.sort((a, b) => (args.sortBy === 'size' ? b.size - a.size : a.name.localeCompare(b.name)));
        const files = entries.filter((e) => e.type !== 'directory');
        return {
          entries,
          totalFiles: files.length,
          totalDirectories: entries.length - files.length,
          totalBytes: files.reduce((sum, e) => sum + e.size, 0),
        };
      } finally {
        await anchor.close();
      }
    },
    present: (result) =>
      [
        ...result.entries.map((e) =>
          e.type === 'directory'
            ? `[DIR] ${e.name.padEnd(30)}`
            : `[FILE] ${e.name.padEnd(30)} ${formatSize(e.size).padStart(10)}`,
        ),
        '',
        `Total: ${result.totalFiles} files, ${result.totalDirectories} directories`,
        `Combined size: ${formatSize(result.totalBytes)}`,
      ].join('\n'),
  });
}

interface TreeNode {
  name: string;
  type: 'file' | 'directory';
  children?: TreeNode[];
}

const treeNode: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.enum(['file', 'directory']),
    children: z.array(treeNode).optional(),
  }),
);

function sortTree(nodes: TreeNode[]): TreeNode[] {
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  for (const node of nodes) if (node.children) sortTree(node.children);
  return nodes;
}

function directoryTreeTool(sandbox: Sandbox, maxWalkEntries: number): ToolDefinition {
  return defineTool({
    name: 'directory_tree',
    title: 'Directory Tree',
    description:
      'Recursive JSON tree of a directory inside the allowed directories: each entry has name, type (file or ' +
      'directory) and, for directories, children. Use maxDepth to bound it and excludePatterns to skip noise such as ' +
      'node_modules, or respectGitignore to skip git-ignored entries with node_modules and .git. Links are shown ' +
      'only when they stay inside the allowed directories, and never entered.',
    input: z.object({
      path: pathArg('directory'),
      excludePatterns: excludeArg,
      maxDepth: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Deepest level to include (1 = direct entries only)'),
      maxEntries: z.number().int().positive().default(10_000).describe('Most entries to return'),
      respectGitignore: respectGitignoreArg,
    }),
    output: z.object({
      tree: z.array(treeNode),
      entries: z.number().int(),
      truncated: z.boolean().describe('True when maxEntries stopped the walk'),
    }),
    annotations: READ_ONLY,
    continuation: 'use maxDepth or excludePatterns to see less at once',
    handler: async (args, ctx) => {
      const start = await sandbox.resolveExisting(args.path);
      const root: TreeNode[] = [];
      const byPath = new Map<string, TreeNode[]>([['', root]]);
      let count = 0;
      const stats = await walk({
        sandbox,
        start,
        requested: args.path,
        signal: ctx.signal,
        exclude: excludeMatcher(args.excludePatterns),
        ...(args.respectGitignore ? { ignore: await ignoreRulesAt(sandbox, start) } : {}),
        maxDepth: args.maxDepth,
        reportLinks: true,
        maxEntries: maxWalkEntries,
        onEntry: (entry) => {
          if (entry.kind === 'other') return true;
          if (++count > args.maxEntries) return false;
          const isDir = entry.kind === 'directory' || entry.linkTarget === 'directory';
          const node: TreeNode = { name: entry.name, type: isDir ? 'directory' : 'file' };
          if (entry.kind === 'directory' && entry.depth < (args.maxDepth ?? Number.POSITIVE_INFINITY)) {
            node.children = [];
            byPath.set(entry.relative, node.children);
          }
          const parent = entry.relative.includes('/')
            ? entry.relative.slice(0, entry.relative.lastIndexOf('/'))
            : '';
          byPath.get(parent)?.push(node);
          return true;
        },
      });
      return { tree: sortTree(root), entries: Math.min(count, args.maxEntries), truncated: stats.stopped };
    },
    present: (result) =>
      JSON.stringify(result.tree, null, 2) +
      (result.truncated
        ? `\n[truncated after ${result.entries} entries; use maxDepth or excludePatterns]`
        : ''),
  });
}

export function listTools(sandbox: Sandbox, maxWalkEntries: number): ToolDefinition[] {
  return [listDirectoryTool(sandbox), listWithSizesTool(sandbox), directoryTreeTool(sandbox, maxWalkEntries)];
}
