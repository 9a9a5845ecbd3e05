import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import type { Sandbox } from '../../../core/sandbox.js';
import { pathArg, READ_ONLY } from './shared.js';

function fileInfoTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'get_file_info',
    title: 'Get File Info',
    description:
      'Metadata of a file or directory inside the allowed directories: size, created, modified and accessed times, ' +
      'type and permissions. Reads no content.',
    input: z.object({ path: pathArg() }),
    output: z.object({
      size: z.number(),
      created: z.string(),
      modified: z.string(),
      accessed: z.string(),
      isDirectory: z.boolean(),
      isFile: z.boolean(),
      isSymbolicLink: z
        .boolean()
        .describe('True when the path itself is a link (to somewhere inside the roots)'),
      permissions: z.string().describe('Octal permission bits, e.g. 644'),
    }),
    annotations: READ_ONLY,
    handler: async (args) => {
      // In this order: the verified stat refuses with the caller's path; only then is the name looked at.
      const info = await sandbox.statVerified(args.path);
      const isLink = await sandbox.isLink(args.path);
      return {
        size: info.size,
        created: info.birthtime.toISOString(),
        modified: info.mtime.toISOString(),
        accessed: info.atime.toISOString(),
        isDirectory: info.isDirectory(),
        isFile: info.isFile(),
        isSymbolicLink: isLink,
        permissions: (info.mode & 0o777).toString(8).padStart(3, '0'),
      };
    },
    present: (result) =>
      Object.entries(result)
        .map(([key, value]) => `${key}: ${value}`)
        .join('\n'),
  });
}

function allowedDirectoriesTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'list_allowed_directories',
    title: 'List Allowed Directories',
    description:
      'The directories this server may use; everything below them is usable too. Call it first when unsure where ' +
      'files are. When the client sent MCP roots, this is the part of the operator’s directories that they cover.',
    input: z.object({}),
    output: z.object({
      directories: z.array(z.string()),
      narrowedByClientRoots: z
        .boolean()
        .describe('True when the client’s MCP roots narrowed the operator’s directories'),
    }),
    annotations: READ_ONLY,
    handler: async () => ({
      directories: sandbox.roots.map((r) => r.real),
      narrowedByClientRoots: sandbox.narrowedByClient,
    }),
    present: (result) =>
      result.directories.length === 0
        ? 'Allowed directories: none (the client’s roots do not overlap the directories this server was started with)'
        : `Allowed directories:\n${result.directories.join('\n')}`,
  });
}

export function infoTools(sandbox: Sandbox): ToolDefinition[] {
  return [fileInfoTool(sandbox), allowedDirectoriesTool(sandbox)];
}
