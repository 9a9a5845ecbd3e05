import { closeSync, fstatSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { createLimiter } from '../../../core/concurrency.js';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { OPEN_READ_FLAGS, openEntrySync, verifyDescriptor } from '../../../guards/path.js';
import { excludeMatcher, globDepth, globMatcher, nameOrPathMatcher } from '../glob.js';
import {
  compileQuery,
  type FileVerdict,
  type GrepMatch,
  grepBuffer,
  grepFile,
  WHOLE_FILE_BYTES,
} from '../grep.js';
import type { Sandbox } from '../sandbox.js';
import { walk } from '../walk.js';
import { excludeArg, pathArg, READ_ONLY } from './shared.js';

/** Large files read at once: enough to keep the thread pool busy, few enough to stay far from the fd limit. */
const FILE_CONCURRENCY = 8;

function searchFilesTool(sandbox: Sandbox, maxWalkEntries: number): ToolDefinition {
  return defineTool({
    name: 'search_files',
    title: 'Search Files',
    description:
      'Find files and directories whose path, relative to the starting directory, matches a glob: "*.ts" matches ' +
      'only direct entries, "**/*.ts" matches at any depth. Returns full paths, sorted. Walks only inside the ' +
      'allowed directories and never through links that leave them.',
    input: z.object({
      path: pathArg('directory to search from'),
      pattern: z
        .string()
        .min(1)
        .describe('Glob matched against the path relative to `path`, e.g. **/*.test.ts'),
      excludePatterns: excludeArg,
      maxResults: z.number().int().positive().default(10_000).describe('Most paths to return'),
    }),
    output: z.object({
      matches: z.array(z.string()).describe('Full paths of the matches, sorted'),
      truncated: z.boolean().describe('True when maxResults (or the walk limit) stopped the search'),
    }),
    annotations: READ_ONLY,
    continuation: 'use a narrower pattern or path, or excludePatterns',
    handler: async (args, ctx) => {
      const start = await sandbox.resolveExisting(args.path);
      const matches = globMatcher(args.pattern);
      const found: string[] = [];
      const stats = await walk({
        sandbox,
        start,
        requested: args.path,
        signal: ctx.signal,
        exclude: excludeMatcher(args.excludePatterns),
        maxDepth: globDepth(args.pattern),
        reportLinks: true,
        maxEntries: maxWalkEntries,
        onEntry: (entry) => {
          if (!matches(entry.relative)) return true;
          found.push(entry.path);
          return found.length < args.maxResults;
        },
      });
      return { matches: found.sort(), truncated: stats.stopped };
    },
    present: (result) =>
      result.matches.length === 0
        ? 'No matches found'
        : result.matches.join('\n') +
          (result.truncated ? '\n[truncated; narrow the pattern or raise maxResults]' : ''),
  });
}

const grepMatch = z.object({
  path: z.string(),
  line: z.number().int().describe('1-based line number'),
  text: z.string(),
  before: z.array(z.string()).optional(),
  after: z.array(z.string()).optional(),
});

function presentGrep(result: { matches: GrepMatch[]; truncated: boolean; filesSearched: number }): string {
  if (result.matches.length === 0) return `No matches found (${result.filesSearched} files searched)`;
  const withContext = result.matches.some((m) => m.before?.length || m.after?.length);
  const blocks = result.matches.map((m) => {
    const lines = [
      ...(m.before ?? []).map((t, i) => `${m.path}-${m.line - (m.before?.length ?? 0) + i}-${t}`),
      `${m.path}:${m.line}:${m.text}`,
      ...(m.after ?? []).map((t, i) => `${m.path}-${m.line + i + 1}-${t}`),
    ];
    return lines.join('\n');
  });
  const body = blocks.join(withContext ? '\n--\n' : '\n');
  return result.truncated
    ? `${body}\n[truncated at maxResults; narrow the pattern, path or include globs]`
    : body;
}

function grepTool(sandbox: Sandbox, maxWalkEntries: number): ToolDefinition {
  return defineTool({
    name: 'grep',
    title: 'Grep',
    description:
      'Search file contents inside the allowed directories for a regular expression (JavaScript syntax) or, with ' +
      'literal, a fixed string. Returns path:line:text like grep -n, with optional context lines. Skips binary ' +
      'files; include/exclude globs narrow the files (a glob without "/" matches the file name). Stops at maxResults.',
    input: z.object({
      pattern: z.string().min(1).describe('Regular expression, or a fixed string when literal is true'),
      path: z
        .string()
        .optional()
        .describe('File or directory to search; every allowed directory when omitted'),
      literal: z.boolean().default(false).describe('Treat pattern as a fixed string'),
      ignoreCase: z.boolean().default(false).describe('Match without regard to case'),
      include: z.array(z.string()).default([]).describe('Only files matching one of these globs, e.g. *.ts'),
      exclude: z
        .array(z.string())
        .default([])
        .describe('Skip files and directories matching these globs, e.g. node_modules'),
      context: z
        .number()
        .int()
        .min(0)
        .max(20)
        .default(0)
        .describe('Lines of context before and after each match'),
      maxResults: z
        .number()
        .int()
        .positive()
        .max(100_000)
        .default(500)
        .describe('Most matching lines to return'),
    }),
    output: z.object({
      matches: z.array(grepMatch),
      filesSearched: z.number().int(),
      binaryFilesSkipped: z.number().int(),
      truncated: z.boolean().describe('True when maxResults (or the walk limit) stopped the search'),
    }),
    annotations: READ_ONLY,
    continuation: 'narrow the pattern, path or include globs',
    handler: async (args, ctx) => {
      let query: ReturnType<typeof compileQuery>;
      try {
        query = compileQuery({
          pattern: args.pattern,
          literal: args.literal,
          ignoreCase: args.ignoreCase,
          before: args.context,
          after: args.context,
          maxLineChars: 500,
        });
      } catch (error) {
        throw new Refusal(`pattern is not a valid regular expression: ${(error as Error).message}`);
      }
      const include = args.include.length > 0 ? nameOrPathMatcher(args.include) : () => true;
      const exclude = args.exclude.length > 0 ? nameOrPathMatcher(args.exclude) : () => false;
      const matches: GrepMatch[] = [];
      let filesSearched = 0;
      let binaryFilesSkipped = 0;
      let truncated = false;
      const emit = (match: GrepMatch) => {
        if (matches.length >= args.maxResults) {
          truncated = true;
          return false;
        }
        matches.push(match);
        return true;
      };
      const record = (verdict: FileVerdict) => {
        filesSearched++;
        if (verdict === 'binary') binaryFilesSkipped++;
      };
      // One more than fits, so that a file with further matches is seen to be cut (truncated).
      const budget = () => args.maxResults - matches.length + 1;
      /** Any file, read through a verified handle; large files are read in chunks. */
      const searchOne = async (real: string, requested: string) => {
        if (matches.length >= args.maxResults) return;
        const handle = await open(real, OPEN_READ_FLAGS).catch(() => undefined);
        if (!handle) return;
        try {
          await verifyDescriptor(handle.fd, real, sandbox.roots, requested);
          const info = await handle.stat();
          if (!info.isFile()) return;
          record((await grepFile(handle, info.size, real, query, budget(), emit, ctx.signal)).verdict);
        } catch {
          // A file that vanished, was swapped for a link or cannot be read is skipped.
        } finally {
          await handle.close();
        }
      };
      let scratch = Buffer.allocUnsafe(256 * 1024);
      /**
       * A small file found by the walk, searched synchronously: for files of a few KB the thread pool's hop per
       * system call costs more than the calls, and grep -r makes the same calls the same way. Returns false
       * for a file too large to read whole, which goes to searchOne instead.
       */
      const searchSmallSync = (real: string, pinned: string | undefined): boolean => {
        const fd = openEntrySync(pinned, real, sandbox.roots);
        if (fd === undefined) return true;
        try {
          const info = fstatSync(fd);
          if (!info.isFile()) return true;
          if (info.size > WHOLE_FILE_BYTES) return false;
          if (scratch.length < info.size)
            scratch = Buffer.allocUnsafe(Math.max(info.size, scratch.length * 2));
          let length = 0;
          for (let n = 1; n > 0 && length < info.size; length += n)
            n = readSync(fd, scratch, length, info.size - length, length);
          record(grepBuffer(scratch.subarray(0, length), real, query, budget(), emit).verdict);
        } catch {
          // A file that vanished or cannot be read is skipped.
        } finally {
          closeSync(fd);
        }
        return true;
      };
      const starts = args.path === undefined ? sandbox.roots.map((r) => r.given) : [args.path];
      for (const requested of starts) {
        const start = await sandbox.resolveExisting(requested);
        const anchor = await sandbox.openDirectory(requested).catch(() => undefined);
        if (!anchor) {
          await searchOne(start, requested);
          continue;
        }
        await anchor.close();
        const pending = new Set<Promise<void>>();
        const limit = createLimiter(FILE_CONCURRENCY);
        const stats = await walk({
          sandbox,
          start,
          requested,
          signal: ctx.signal,
          exclude,
          maxEntries: maxWalkEntries,
          onEntry: (entry) => {
            if (entry.kind !== 'file' || !include(entry.relative)) return true;
            if (!searchSmallSync(entry.path, entry.pinnedPath)) {
              const task = limit(() => searchOne(entry.path, requested)).finally(() => pending.delete(task));
              pending.add(task);
            }
            return matches.length < args.maxResults;
          },
        });
        await Promise.all(pending);
        if (stats.capped) truncated = true;
        if (matches.length >= args.maxResults) break;
      }
      matches.sort((a, b) => (a.path === b.path ? a.line - b.line : a.path < b.path ? -1 : 1));
      return { matches, filesSearched, binaryFilesSkipped, truncated };
    },
    present: presentGrep,
  });
}

export function searchTools(sandbox: Sandbox, maxWalkEntries: number): ToolDefinition[] {
  return [searchFilesTool(sandbox, maxWalkEntries), grepTool(sandbox, maxWalkEntries)];
}
