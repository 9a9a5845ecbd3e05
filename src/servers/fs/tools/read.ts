import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal, toSafeFailure } from '../../../core/errors.js';
import type { Sandbox } from '../../../core/sandbox.js';
import { readLineRange, readTailLines } from '../io.js';
import { mimeTypeOf } from '../mime.js';
import { pathArg, READ_ONLY, RESULT_HEADROOM } from './shared.js';

const textInput = z.object({
  path: pathArg('file'),
  head: z.number().int().nonnegative().optional().describe('Return only the first N lines'),
  tail: z.number().int().nonnegative().optional().describe('Return only the last N lines'),
  offset: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Skip this many lines first (0-based line to start at)'),
  limit: z.number().int().positive().optional().describe('Return at most this many lines (with offset)'),
});

const textOutput = z.object({
  content: z.string().describe('The text read'),
  truncated: z
    .boolean()
    .describe('True when the result stopped at the byte limit before the requested lines ended'),
  nextOffset: z.number().int().optional().describe('Pass as offset to continue after a truncated read'),
});

type TextArgs = z.output<typeof textInput>;
type TextResult = z.output<typeof textOutput>;

async function readText(
  sandbox: Sandbox,
  args: TextArgs,
  maxBytes: number,
  signal: AbortSignal,
): Promise<TextResult> {
  if (args.head !== undefined && args.tail !== undefined) throw new Refusal('give head or tail, not both');
  if (args.tail !== undefined && (args.offset !== undefined || args.limit !== undefined)) {
    throw new Refusal('tail cannot be combined with offset or limit');
  }
  if (args.head !== undefined && args.limit !== undefined) throw new Refusal('give head or limit, not both');
  const file = await sandbox.openFile(args.path);
  try {
    if (args.tail !== undefined) {
      const slice = await readTailLines(file.handle, file.size, args.tail, maxBytes, signal);
      return { content: slice.lines.join('\n'), truncated: slice.truncated };
    }
    const start = args.offset ?? 0;
    const count = args.head ?? args.limit;
    if (count === undefined && start === 0 && file.size <= maxBytes) {
      return { content: await file.handle.readFile({ encoding: 'utf8', signal }), truncated: false };
    }
    const slice = await readLineRange(
      file.handle,
      start,
      count ?? Number.POSITIVE_INFINITY,
      maxBytes,
      signal,
    );
    const content = slice.lines.join('\n');
    if (!slice.truncated) return { content, truncated: false };
    return { content, truncated: true, nextOffset: start + Math.max(1, slice.lines.length) };
  } finally {
    await file.handle.close();
  }
}

function presentText(result: TextResult): string {
  if (!result.truncated) return result.content;
  const how =
    result.nextOffset !== undefined
      ? `call read_text_file again with offset=${result.nextOffset} to continue`
      : 'the lines requested exceed the result limit; ask for fewer lines';
  return `${result.content}\n[truncated at the result size limit; ${how}]`;
}

function textTool(sandbox: Sandbox, name: 'read_text_file' | 'read_file'): ToolDefinition {
  const deprecated = name === 'read_file';
  return defineTool({
    name,
    title: deprecated ? 'Read File (deprecated)' : 'Read Text File',
    description: deprecated
      ? 'Deprecated alias of read_text_file; use read_text_file.'
      : 'Read a file inside the allowed directories as UTF-8 text. Use head or tail for the first or last N lines, ' +
        'or offset and limit for a range of lines; large files are read without loading them whole. Output longer ' +
        'than the result limit is cut, and the reply says which offset continues it.',
    input: textInput,
    output: textOutput,
    annotations: READ_ONLY,
    handler: (args, ctx) => readText(sandbox, args, ctx.limits.maxResultBytes - RESULT_HEADROOM, ctx.signal),
    present: presentText,
  });
}

const mediaBlock = z.union([
  z.object({ type: z.enum(['image', 'audio']), data: z.string(), mimeType: z.string() }),
  z.object({
    type: z.literal('resource'),
    resource: z.object({ uri: z.string(), mimeType: z.string(), blob: z.string() }),
  }),
]);

function mediaTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'read_media_file',
    title: 'Read Media File',
    description:
      'Read an image, audio or other binary file inside the allowed directories and return it base64-encoded with ' +
      'its MIME type (images and audio as image/audio content, anything else as an embedded resource). Files whose ' +
      'encoding would exceed the result limit are refused.',
    input: z.object({ path: pathArg('file') }),
    output: z.object({ content: z.array(mediaBlock).describe('One content block holding the file') }),
    annotations: READ_ONLY,
    handler: async (args, ctx) => {
      const file = await sandbox.openFile(args.path);
      try {
        const encodedBytes = Math.ceil(file.size / 3) * 4;
        const allowed = Math.floor((ctx.limits.maxResultBytes - RESULT_HEADROOM) / 2);
        if (encodedBytes > allowed) {
          throw new Refusal(
            `path "${args.path}" is ${file.size} bytes; read_media_file returns at most ${Math.floor((allowed * 3) / 4)} bytes`,
          );
        }
        const data = (await file.handle.readFile({ signal: ctx.signal })).toString('base64');
        const mimeType = mimeTypeOf(file.real);
        const block = mimeType.startsWith('image/')
          ? { type: 'image' as const, data, mimeType }
          : mimeType.startsWith('audio/')
            ? { type: 'audio' as const, data, mimeType }
            : {
                type: 'resource' as const,
                resource: { uri: pathToFileURL(file.real).href, mimeType, blob: data },
              };
        return { content: [block] };
      } finally {
        await file.handle.close();
      }
    },
    present: (result) => result.content,
  });
}

const multipleOutput = z.object({
  files: z.array(
    z.object({
      path: z.string(),
      content: z.string().optional(),
      error: z.string().optional().describe('Why this file could not be read; the others are unaffected'),
      truncated: z.boolean().optional(),
    }),
  ),
});

function multipleTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'read_multiple_files',
    title: 'Read Multiple Files',
    description:
      'Read several text files at once inside the allowed directories; each comes back with its path, and a file ' +
      'that cannot be read gets an error without failing the others. The result limit is shared between the files.',
    input: z.object({
      paths: z.array(z.string()).min(1).max(256).describe('Paths of the files to read (1 to 256)'),
    }),
    output: multipleOutput,
    annotations: READ_ONLY,
    handler: async (args, ctx) => {
      const share = Math.max(
        1024,
        Math.floor((ctx.limits.maxResultBytes - RESULT_HEADROOM) / args.paths.length) - 64,
      );
      const files = await Promise.all(
        args.paths.map(async (p) => {
          try {
            const result = await readText(sandbox, { path: p }, share, ctx.signal);
            return { path: p, content: result.content, ...(result.truncated ? { truncated: true } : {}) };
          } catch (error) {
            return { path: p, error: toSafeFailure(error).message };
          }
        }),
      );
      return { files };
    },
    present: (result) =>
      result.files
        .map((f) =>
          f.error !== undefined
            ? `${f.path}: Error - ${f.error}`
            : `${f.path}:\n${f.content}${f.truncated ? '\n[truncated; read this file alone with read_text_file and offset]' : ''}\n`,
        )
        .join('\n---\n'),
  });
}

export function readTools(sandbox: Sandbox): ToolDefinition[] {
  return [
    textTool(sandbox, 'read_text_file'),
    mediaTool(sandbox),
    multipleTool(sandbox),
    textTool(sandbox, 'read_file'),
  ];
}
