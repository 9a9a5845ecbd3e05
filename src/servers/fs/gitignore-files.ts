import { closeSync, fstatSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Sandbox } from '../../core/sandbox.js';
import { type DirAnchor, isWithin, openEntrySync, type Root } from '../../guards/path.js';
import { type IgnoreFactory, IgnoreRules } from './ignore-rules.js';

/** Largest ignore file read; a larger one is skipped, as if absent. */
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

let factory: IgnoreFactory | undefined;
/** The `ignore` package, loaded on the first walk that needs it (start-up time is measured). */
async function ignoreFactory(): Promise<IgnoreFactory> {
  factory ??= (await import('ignore')).default;
  return factory;
}

function readDescriptor(fd: number): string | undefined {
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_IGNORE_FILE_BYTES) return undefined;
    const buffer = Buffer.alloc(info.size);
    let length = 0;
    for (let n = 1; n > 0 && length < info.size; length += n)
      n = readSync(fd, buffer, length, info.size - length, length);
    return buffer.toString('utf8', 0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A directory's `.gitignore`, read through the walk's verified descriptor of that directory, never a link. */
export function readGitignoreSync(
  anchor: Pick<DirAnchor, 'pinned' | 'entry' | 'real'>,
  roots: readonly Root[],
): string | undefined {
  const fd = openEntrySync(
    anchor.pinned ? anchor.entry('.gitignore') : undefined,
    path.join(anchor.real, '.gitignore'),
    roots,
  );
  return fd === undefined ? undefined : readDescriptor(fd);
}

async function readInside(sandbox: Sandbox, file: string): Promise<string | undefined> {
  const opened = await sandbox.openFile(file).catch(() => undefined);
  if (!opened) return undefined;
  try {
    if (opened.size > MAX_IGNORE_FILE_BYTES) return undefined;
    const buffer = Buffer.alloc(opened.size);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      ({ bytesRead: n } = await opened.handle.read(buffer, length, buffer.length - length, length));
    return buffer.toString('utf8', 0, length);
  } catch {
    return undefined;
  } finally {
    await opened.handle.close();
  }
}

/**
 * The ignore rules in force at `start`, a canonical directory inside the roots: the `.gitignore` files of the
 * directories above it up to the top of its git work tree, and that work tree's `.git/info/exclude`. Nothing
 * above the outermost root holding `start` is read. When those rules ignore `start` itself, the caller asked
 * for it by name, and only the rules found below it will apply.
 */
export async function ignoreRulesAt(sandbox: Sandbox, start: string): Promise<IgnoreRules> {
  const empty = IgnoreRules.empty(await ignoreFactory());
  const outermost = sandbox.roots
    .filter((root) => isWithin(root.real, start))
    .sort((a, b) => a.real.length - b.real.length)[0];
  const chain: string[] = [];
  let top: string | undefined;
  for (let dir = start; ; dir = path.dirname(dir)) {
    chain.push(dir);
    const marker = await sandbox.statVerified(path.join(dir, '.git')).catch(() => undefined);
    if (marker) {
      top = dir;
      break;
    }
    if (!outermost || dir === outermost.real || dir === path.dirname(dir)) break;
  }
  let rules = empty;
  if (top !== undefined) {
    const exclude = await readInside(sandbox, path.join(top, '.git', 'info', 'exclude'));
    if (exclude !== undefined) rules = rules.above(path.relative(top, start), exclude);
  }
  for (const dir of chain.slice(1).reverse()) {
    const patterns = await readInside(sandbox, path.join(dir, '.gitignore'));
    if (patterns !== undefined) rules = rules.above(path.relative(dir, start), patterns);
  }
  return rules.ignoreStart() ? empty : rules;
}
