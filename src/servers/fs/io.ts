import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { type FileHandle, lstat, open, rename, unlink } from 'node:fs/promises';
import { Refusal } from '../../core/errors.js';
import type { Sandbox } from '../../core/sandbox.js';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export interface LineSlice {
  readonly lines: string[];
  /** True when the byte budget ran out before the requested lines did. */
  readonly truncated: boolean;
  /** True when the end of the file was reached. */
  readonly eof: boolean;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * Reads lines [start, start + count) reading forward in fixed chunks: memory stays bounded by the byte
 * budget whatever the file's size. A single line longer than the budget is returned cut, as truncated.
 */
export async function readLineRange(
  handle: FileHandle,
  start: number,
  count: number,
  maxBytes: number,
  signal: AbortSignal,
): Promise<LineSlice> {
  if (count <= 0) return { lines: [], truncated: false, eof: false };
  const chunk = Buffer.allocUnsafe(CHUNK);
  const lines: string[] = [];
  let current: Buffer[] = [];
  let currentBytes = 0;
  let collectedBytes = 0;
  let line = 0;
  let position = 0;
  for (;;) {
    throwIfAborted(signal);
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
    if (bytesRead === 0) {
      if (currentBytes > 0 && line >= start) lines.push(Buffer.concat(current).toString('utf8'));
      return { lines, truncated: false, eof: true };
    }
    position += bytesRead;
    let i = 0;
    while (i < bytesRead) {
      const nl = chunk.indexOf(NEWLINE, i);
      const end = nl === -1 || nl >= bytesRead ? bytesRead : nl;
      if (line < start) {
        if (end === bytesRead) break;
        line++;
        i = end + 1;
        continue;
      }
      const piece = chunk.subarray(i, end);
      if (collectedBytes + currentBytes + piece.length > maxBytes) {
        if (lines.length === 0) {
          // Cut the line at the budget, stepping back over UTF-8 continuation bytes to a character boundary.
          const whole = Buffer.concat([...current, piece]);
          let end = Math.max(0, maxBytes - collectedBytes);
          while (end > 0 && ((whole[end] ?? 0) & 0xc0) === 0x80) end--;
          lines.push(whole.subarray(0, end).toString('utf8'));
        }
        return { lines, truncated: true, eof: false };
      }
      current.push(Buffer.from(piece));
      currentBytes += piece.length;
      if (end === bytesRead) break;
      lines.push(Buffer.concat(current).toString('utf8'));
      collectedBytes += currentBytes + 1;
      current = [];
      currentBytes = 0;
      line++;
      i = end + 1;
      if (lines.length >= count) return { lines, truncated: false, eof: false };
    }
  }
}

/** Reads the last `count` lines by scanning backwards from the end; never reads more than the budget. */
export async function readTailLines(
  handle: FileHandle,
  size: number,
  count: number,
  maxBytes: number,
  signal: AbortSignal,
): Promise<LineSlice> {
  if (size === 0 || count === 0) return { lines: [], truncated: false, eof: true };
  const chunks: Buffer[] = [];
  let position = size;
  let newlines = 0;
  let scanned = 0;
  let skipFinalNewline = true;
  while (position > 0 && newlines <= count && scanned < maxBytes) {
    throwIfAborted(signal);
    const length = Math.min(CHUNK, position, maxBytes - scanned);
    position -= length;
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    const data = buffer.subarray(0, bytesRead);
    chunks.unshift(data);
    scanned += bytesRead;
    for (let i = data.length - 1; i >= 0; i--) {
      if (data[i] !== NEWLINE) continue;
      if (skipFinalNewline && position + i === size - 1) continue;
      newlines++;
    }
    skipFinalNewline = false;
  }
  const reachedStart = position === 0;
  let data = Buffer.concat(chunks);
  if (!reachedStart) {
    // The scan stopped early, maybe mid-character: start at the next character boundary.
    let start = 0;
    while (start < data.length && ((data[start] ?? 0) & 0xc0) === 0x80) start++;
    data = data.subarray(start);
  }
  let text = data.toString('utf8');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  let lines = text.split('\n');
  // The first line may start mid-line when the scan stopped early: drop it, unless it is the only one, which
  // is then returned cut (its end is what the budget allowed) and marked truncated.
  const cutOnly = !reachedStart && lines.length === 1;
  if (!reachedStart && lines.length > 1) lines = lines.slice(1);
  const truncated = cutOnly || (!reachedStart && lines.length < count);
  return { lines: lines.slice(-count), truncated, eof: true };
}

export interface WriteExpectation {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Writes a file atomically: a new temp file beside the target (O_EXCL, O_NOFOLLOW, in a directory held
 * open and verified) renamed over it. An existing file is replaced, never written in place, so a
 * hardlink to a file elsewhere keeps its old content. With `expect`, refuses if the target changed.
 */
export async function atomicWrite(
  sandbox: Sandbox,
  requested: string,
  data: string | Buffer,
  options: { label?: string; expect?: WriteExpectation } = {},
): Promise<{ created: boolean; real: string }> {
  const label = options.label ?? 'path';
  const target = await sandbox.resolveForCreate(requested, label);
  const anchor = await sandbox.anchor(target.parent, requested, label);
  // Fixed length, so that a legitimately long file name still leaves room for the temp file's name.
  const temp = `.rampart-${randomBytes(8).toString('hex')}.tmp`;
  try {
    const existing = await lstat(anchor.entry(target.name)).catch(() => undefined);
    if (existing?.isDirectory()) throw new Refusal(`${label} "${requested}" is a directory`);
    if (existing && !existing.isFile()) throw new Refusal(`${label} "${requested}" is not a regular file`);
    // Permission bits only: new content must not inherit setuid, setgid or sticky bits (a write() would clear
    // them too), or replacing a setuid file would make one with the caller's content.
    const mode = existing ? existing.mode & 0o777 : 0o644;
    const handle = await open(
      anchor.entry(temp),
      fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW,
      mode,
    );
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      // Replacing a file must not hand it to whoever runs the server (root, in a container).
      if (existing && process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid);
    } finally {
      await handle.close();
    }
    if (options.expect) {
      const now = await lstat(anchor.entry(target.name)).catch(() => undefined);
      const same =
        now?.isFile() &&
        now.ino === options.expect.ino &&
        now.size === options.expect.size &&
        now.mtimeMs === options.expect.mtimeMs;
      if (!same)
        throw new Refusal(
          `${label} "${requested}" changed on disk while it was being edited; nothing was written`,
        );
    }
    await rename(anchor.entry(temp), anchor.entry(target.name));
    return { created: !existing, real: `${anchor.real}/${target.name}` };
  } catch (error) {
    await unlink(anchor.entry(temp)).catch(() => undefined);
    throw error;
  } finally {
    await anchor.close();
  }
}
