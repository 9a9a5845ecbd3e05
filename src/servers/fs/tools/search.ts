import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import type { Sandbox } from '../../../core/sandbox.js';
import { ignoreRulesAt } from '../gitignore-files.js';
import { excludeMatcher, globDepth, globMatcher } from '../glob.js';
import type { GrepMatch } from '../grep.js';
import { runContentSearch } from '../grep-runner.js';
import { walk } from '../walk.js';
import { excludeArg, pathArg, READ_ONLY, respectGitignoreArg } from './shared.js';

function searchFilesTool(sandbox: Sandbox, maxWalkEntries: number): ToolDefinition {
  return defineTool({
    name: 'search_files',
    title: 'Search Files',
    description:
      'Find files and directories whose path, relative to the starting directory, matches a glob: "*.ts" matches ' +
      'only direct entries, "**/*.ts" matches at any depth. Returns full paths, sorted. Walks only inside the ' +
      'allowed directories and never through links that leave them. Like the reference server it includes ' +
      'git-ignored files; respectGitignore skips them, with node_modules and .git.',
    input: z.object({
      path: pathArg('directory to search from'),
      pattern: z
        .string()
        .min(1)
        .describe('Glob matched against the path relative to `path`, e.g. **/*.test.ts'),
      excludePatterns: excludeArg,
      maxResults: z.number().int().positive().default(10_000).describe('Most paths to return'),
      respectGitignore: respectGitignoreArg,
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
        ...(args.respectGitignore ? { ignore: await ignoreRulesAt(sandbox, start) } : {}),
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
      'literal, a fixed string. Returns path:line:text like grep -n, with optional context lines. Like ripgrep, ' +
      'skips what .gitignore files ignore (root and nested, negations included) and node_modules and .git ' +
      'directories unless includeIgnored is true; a path given explicitly is searched even when ignored. Skips ' +
      'binary files; include/exclude globs narrow the files (a glob without "/" matches the file name). Stops at ' +
      'maxResults.',
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
        .describe('Skip files and directories matching these globs, e.g. *.min.js'),
      includeIgnored: z
        .boolean()
        .default(false)
        .describe('Also search git-ignored files and node_modules and .git directories (skipped by default)'),
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
    handler: (args, ctx) =>
      runContentSearch(
        sandbox,
        {
          query: {
            pattern: args.pattern,
            literal: args.literal,
            ignoreCase: args.ignoreCase,
            before: args.context,
            after: args.context,
            maxLineChars: 500,
          },
          starts: args.path === undefined ? sandbox.roots.map((r) => r.given) : [args.path],
          include: args.include,
          exclude: args.exclude,
          includeIgnored: args.includeIgnored,
          maxResults: args.maxResults,
          maxWalkEntries,
        },
        ctx.signal,
      ),
    present: presentGrep,
  });
}

export function searchTools(sandbox: Sandbox, maxWalkEntries: number): ToolDefinition[] {
  return [searchFilesTool(sandbox, maxWalkEntries), grepTool(sandbox, maxWalkEntries)];
}
