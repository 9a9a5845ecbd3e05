import { link, lstat, mkdir, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import type { Sandbox } from '../../../core/sandbox.js';
import { isWithin, isWithinAny, PathRefusal, realRoots } from '../../../guards/path.js';
import { applyEdits, fencedDiff } from '../edit.js';
import { atomicWrite } from '../io.js';
import { pathArg } from './shared.js';

const messageOutput = z.object({ content: z.string().describe('What was done') });

function writeFileTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'write_file',
    title: 'Write File',
    description:
      'Create a file or replace an existing one with new text, inside the allowed directories. The write is atomic ' +
      '(a temp file renamed into place) and keeps an existing file mode. Overwrites without asking: read first if unsure.',
    input: z.object({
      path: pathArg('file'),
      content: z.string().describe('The complete new content (UTF-8)'),
    }),
    output: messageOutput.extend({
      created: z.boolean().describe('True when the file did not exist before'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: async (args) => {
      const { created } = await atomicWrite(sandbox, args.path, args.content);
      return { content: `Successfully wrote to ${args.path}`, created };
    },
    present: (result) => result.content,
  });
}

function editFileTool(sandbox: Sandbox, maxEditBytes: number): ToolDefinition {
  return defineTool({
    name: 'edit_file',
    title: 'Edit File',
    description:
      'Replace text in a file inside the allowed directories and return a git-style unified diff. Each oldText must ' +
      'match exactly one place, exactly or ignoring indentation (the replacement is re-indented to fit). Edits apply ' +
      'in order; if any fails, nothing is written. Use dryRun to preview the diff without writing.',
    input: z.object({
      path: pathArg('file'),
      edits: z
        .array(
          z.object({
            oldText: z
              .string()
              .describe('Text to find; must match exactly one place (indentation may differ)'),
            newText: z.string().describe('Text to put in its place'),
          }),
        )
        .min(1)
        .describe('Replacements, applied in order'),
      dryRun: z.boolean().default(false).describe('Only show the diff; write nothing'),
    }),
    output: z.object({
      diff: z.string().describe('Unified diff of the change'),
      applied: z.boolean().describe('False for a dry run'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async (args, ctx) => {
      const file = await sandbox.openFile(args.path);
      let before: string;
      let stamp: { ino: number; size: number; mtimeMs: number };
      try {
        if (file.size > maxEditBytes) {
          throw new Refusal(
            `path "${args.path}" is ${file.size} bytes; edit_file handles files up to ${maxEditBytes} bytes`,
          );
        }
        const info = await file.handle.stat();
        stamp = { ino: info.ino, size: info.size, mtimeMs: info.mtimeMs };
        before = await file.handle.readFile({ encoding: 'utf8', signal: ctx.signal });
      } finally {
        await file.handle.close();
      }
      const after = applyEdits(before, args.edits, args.path);
      const diff = await fencedDiff(args.path, before, after);
      if (!args.dryRun && after !== before) await atomicWrite(sandbox, args.path, after, { expect: stamp });
      return { diff, applied: !args.dryRun };
    },
    present: (result) => result.diff,
  });
}

/**
 * mkdir -p that never leaves the roots and never looks outside them: it walks down from the canonical root one
 * component at a time (a link is followed only when it stays inside), then creates each missing level in a
 * verified parent and verifies it in turn.
 */
async function makeDirectories(sandbox: Sandbox, requested: string): Promise<number> {
  const absolute = sandbox.lexical(requested);
  const root =
    sandbox.roots.find((r) => isWithin(r.real, absolute)) ??
    sandbox.roots.find((r) => isWithin(r.given, absolute));
  if (!root)
    throw new PathRefusal(`path "${requested}" is outside the allowed roots (${sandbox.describe()})`);
  const base = isWithin(root.real, absolute) ? root.real : root.given;
  const components = path.relative(base, absolute).split(path.sep).filter(Boolean);
  let current = root.real;
  let index = 0;
  for (; index < components.length; index++) {
    const next = path.join(current, components[index] as string);
    const info = await lstat(next).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!info) break;
    if (info.isSymbolicLink()) current = await sandbox.resolveExisting(next);
    else if (info.isDirectory()) current = next;
    else
      throw new Refusal(
        `path "${requested}": "${components.slice(0, index + 1).join('/')}" is not a directory`,
      );
    if (!(await lstat(current)).isDirectory()) {
      throw new Refusal(
        `path "${requested}": "${components.slice(0, index + 1).join('/')}" is not a directory`,
      );
    }
  }
  const missing = components.slice(index);
  let anchor = await sandbox.anchor(current, requested);
  try {
    for (const name of missing) {
      await mkdir(anchor.entry(name), 0o777).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      const next = await sandbox.anchor(path.join(anchor.real, name), requested);
      await anchor.close();
      anchor = next;
    }
  } finally {
    await anchor.close();
  }
  return missing.length;
}

function createDirectoryTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'create_directory',
    title: 'Create Directory',
    description:
      'Create a directory inside the allowed directories, with any missing parents. Succeeds quietly if it already exists.',
    input: z.object({ path: pathArg('directory') }),
    output: messageOutput.extend({
      created: z.number().int().describe('How many directory levels were created'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async (args) => {
      const created = await makeDirectories(sandbox, args.path);
      return { content: `Successfully created directory ${args.path}`, created };
    },
    present: (result) => result.content,
  });
}

/** The entry to move: its canonical parent and its own name (a link is moved as a link, never followed). */
async function resolveSource(sandbox: Sandbox, requested: string): Promise<{ parent: string; name: string }> {
  const absolute = sandbox.lexical(requested, 'source');
  const parent = await sandbox.resolveExisting(path.dirname(absolute), 'source');
  const name = path.basename(absolute);
  const canonical = path.join(parent, name);
  // Compared canonically, so that a root cannot be moved away through a linked parent either.
  if (sandbox.roots.some((r) => isWithin(canonical, r.real))) {
    throw new Refusal(`source "${requested}" is or contains an allowed root and cannot be moved`);
  }
  const info = await lstat(canonical).catch(() => undefined);
  if (!info) throw new PathRefusal(`source "${requested}" does not exist`);
  if (info.isSymbolicLink()) {
    const target = await realpath(canonical).catch(() => undefined);
    if (!target || !isWithinAny(realRoots(sandbox.roots), target)) {
      throw new PathRefusal(
        `source "${requested}" is a symbolic link that leads outside the allowed roots (${sandbox.describe()})`,
      );
    }
  }
  return { parent, name };
}

function moveFileTool(sandbox: Sandbox): ToolDefinition {
  return defineTool({
    name: 'move_file',
    title: 'Move File',
    description:
      'Move or rename a file or directory; both source and destination must be inside the allowed directories. ' +
      'Fails if the destination exists (nothing is overwritten).',
    input: z.object({
      source: z.string().describe('Path of the file or directory to move'),
      destination: z.string().describe('New path; must not exist yet'),
    }),
    output: messageOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async (args) => {
      const source = await resolveSource(sandbox, args.source);
      const target = await sandbox.resolveForCreate(args.destination, 'destination');
      if (target.exists) throw new Refusal(`destination "${args.destination}" already exists`);
      const from = path.join(source.parent, source.name);
      if (isWithin(from, path.join(target.parent, target.name))) {
        throw new Refusal(`destination "${args.destination}" is inside source "${args.source}"`);
      }
      const fromDir = await sandbox.anchor(source.parent, args.source, 'source');
      const toDir = await sandbox
        .anchor(target.parent, args.destination, 'destination')
        .catch(async (error) => {
          await fromDir.close();
          throw error;
        });
      try {
        const fromPath = fromDir.entry(source.name);
        const toPath = toDir.entry(target.name);
        const info = await lstat(fromPath);
        if (info.isDirectory()) {
          if (await lstat(toPath).catch(() => undefined))
            throw new Refusal(`destination "${args.destination}" already exists`);
          await rename(fromPath, toPath);
        } else {
          // link() refuses an existing destination atomically, so nothing can be overwritten by a race.
          try {
            await link(fromPath, toPath);
            await unlink(fromPath);
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'EEXIST') throw new Refusal(`destination "${args.destination}" already exists`);
            if (code !== 'EXDEV' && code !== 'EPERM') throw error;
            // No hard links here (another filesystem, or protected_hardlinks): check, then rename.
            if (await lstat(toPath).catch(() => undefined))
              throw new Refusal(`destination "${args.destination}" already exists`);
            await rename(fromPath, toPath);
          }
        }
      } finally {
        await Promise.all([fromDir.close(), toDir.close()]);
      }
      return { content: `Successfully moved ${args.source} to ${args.destination}` };
    },
    present: (result) => result.content,
  });
}

export function writeTools(sandbox: Sandbox, maxEditBytes: number): ToolDefinition[] {
  return [
    writeFileTool(sandbox),
    editFileTool(sandbox, maxEditBytes),
    createDirectoryTool(sandbox),
    moveFileTool(sandbox),
  ];
}
