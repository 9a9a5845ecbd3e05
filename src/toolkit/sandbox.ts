import { readdir } from 'node:fs/promises';
import { Sandbox } from '../core/sandbox.js';
import { canonicalRoots } from '../guards/path.js';
import { atomicWrite } from '../servers/fs/io.js';

/**
 * A path sandbox over the given directories: every path a tool touches goes through it (containment after
 * realpath, symlinks checked at every component, the descriptor checked again after open).
 */
export async function openSandbox(directories: readonly string[]): Promise<Sandbox> {
  return new Sandbox(await canonicalRoots(directories), false);
}

/** Reads a text file inside the sandbox, at most `maxBytes` of it (UTF-8). */
export async function readTextInSandbox(
  sandbox: Sandbox,
  requested: string,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  const opened = await sandbox.openFile(requested);
  try {
    const size = Math.min(opened.size, maxBytes);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await opened.handle.read(buffer, 0, size, 0);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), truncated: opened.size > maxBytes };
  } finally {
    await opened.handle.close();
  }
}

/** Writes a file inside the sandbox atomically (temp file + rename, never through a link). */
export async function writeTextInSandbox(
  sandbox: Sandbox,
  requested: string,
  text: string,
): Promise<{ created: boolean }> {
  const { created } = await atomicWrite(sandbox, requested, text);
  return { created };
}

/** The entries of a directory inside the sandbox, read through its verified descriptor. */
export async function listDirectoryInSandbox(
  sandbox: Sandbox,
  requested: string,
): Promise<{ name: string; type: 'file' | 'directory' | 'other' }[]> {
  const anchor = await sandbox.openDirectory(requested);
  try {
    const entries = await readdir(anchor.entry(''), { withFileTypes: true });
    return entries
      .map((e) => ({
        name: e.name,
        type: e.isFile() ? ('file' as const) : e.isDirectory() ? ('directory' as const) : ('other' as const),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await anchor.close();
  }
}

export { Sandbox };
