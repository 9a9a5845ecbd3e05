import {
  closeSync,
  close as fsClose,
  constants as fsc,
  open as fsOpen,
  readlink as fsReadlink,
  fstatSync,
  openSync,
  readlinkSync,
  statSync,
} from 'node:fs';
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GuardRefusal } from './refusal.js';

/** A refusal to touch a path. Its message is safe to show a model: it never carries content from outside. */
export class PathRefusal extends GuardRefusal {
  override readonly name = 'PathRefusal';
}

/** A root the operator allowed, as given (for display and lexical checks) and canonical (for real checks). */
export interface Root {
  readonly given: string;
  readonly real: string;
}

const MAX_PATH_BYTES = 4096;
const HAS_PROC_FD = process.platform === 'linux';

/** True when `candidate` is `root` or lies below it, by whole path components. Both must be absolute and normalized. */
export function isWithin(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate.startsWith(prefix);
}

export function isWithinAny(roots: readonly string[], candidate: string): boolean {
  return roots.some((root) => isWithin(root, candidate));
}

export function describeRoots(roots: readonly Root[]): string {
  return roots.length === 0 ? 'none' : roots.map((r) => r.given).join(', ');
}

function outside(label: string, requested: string, roots: readonly Root[], how = ''): PathRefusal {
  return new PathRefusal(
    `${label} "${requested}" ${how}is outside the allowed roots (${describeRoots(roots)})`,
  );
}

/** Rejects input no filesystem call should ever see. */
export function assertCleanInput(requested: string, label = 'path'): void {
  if (requested.length === 0) throw new PathRefusal(`${label} is empty`);
  if (requested.includes('\0')) throw new PathRefusal(`${label} contains a NUL byte`);
  if (Buffer.byteLength(requested) > MAX_PATH_BYTES) {
    throw new PathRefusal(`${label} is longer than ${MAX_PATH_BYTES} bytes`);
  }
}

/** `~` and `~/…` expanded to the home directory; anything else unchanged. */
export function expandHome(requested: string): string {
  if (requested === '~') return os.homedir();
  if (requested.startsWith('~/')) return path.join(os.homedir(), requested.slice(2));
  return requested;
}

/**
 * Turns what the model asked for into an absolute, normalized path that lies lexically inside a root.
 * Relative paths are taken against each root in turn. Nothing on disk is touched.
 */
export function lexicalResolve(requested: string, roots: readonly Root[], label = 'path'): string {
  assertCleanInput(requested, label);
  const expanded = expandHome(requested);
  const inside = (candidate: string) =>
    roots.some((r) => isWithin(r.given, candidate) || isWithin(r.real, candidate));
  if (path.isAbsolute(expanded)) {
    const absolute = path.resolve(expanded);
    if (inside(absolute)) return absolute;
    throw outside(label, requested, roots);
  }
  for (const root of roots) {
    const candidate = path.resolve(root.real, expanded);
    if (inside(candidate)) return candidate;
  }
  throw outside(label, requested, roots);
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * Resolves an existing path through every symlink and checks the canonical result.
 * Refuses when any component leads outside the real roots.
 */
export async function resolveExisting(
  requested: string,
  roots: readonly Root[],
  label = 'path',
): Promise<string> {
  const absolute = lexicalResolve(requested, roots, label);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    // Say nothing about what lies beyond a link that leaves the roots: not even whether it exists.
    await refuseIfLeavesRoots(absolute, roots, requested, label);
    throw resolutionFailure(error, label, requested);
  }
  if (!isWithinAny(realRoots(roots), real))
    throw outside(label, requested, roots, 'resolves through a symbolic link that ');
  return real;
}

function resolutionFailure(error: unknown, label: string, requested: string): Error {
  switch (errnoCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new PathRefusal(`${label} "${requested}" does not exist`);
    case 'ELOOP':
      return new PathRefusal(`${label} "${requested}" has a symbolic link loop`);
    case 'ENAMETOOLONG':
      return new PathRefusal(`${label} "${requested}" has a name that is too long`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * When a path cannot be resolved, finds its nearest ancestor that can and refuses if that one lies outside
 * the roots. Without this, the different failures (does not exist, not a directory, permission denied) would
 * tell a caller what exists beyond a link that leads out.
 */
async function refuseIfLeavesRoots(
  absolute: string,
  roots: readonly Root[],
  requested: string,
  label: string,
): Promise<void> {
  const real = realRoots(roots);
  for (let current = path.dirname(absolute); ; current = path.dirname(current)) {
    const resolved = await realpath(current).catch(() => undefined);
    if (resolved !== undefined) {
      if (!isWithinAny(real, resolved))
        throw outside(label, requested, roots, 'resolves through a symbolic link that ');
      return;
    }
    if (current === path.dirname(current)) return;
  }
}

/** Where a new entry will be created: the canonical parent (which exists and is inside) and the final name. */
export interface CreateTarget {
  readonly parent: string;
  readonly name: string;
  /** True when something (file, directory or link) already stands at the final name. */
  readonly exists: boolean;
}

/**
 * Resolves a path that may not exist yet. The parent must exist and resolve inside the roots; the final
 * component must not be a symbolic link (a dangling link would carry a write outside).
 */
export async function resolveForCreate(
  requested: string,
  roots: readonly Root[],
  label = 'path',
): Promise<CreateTarget> {
  const absolute = lexicalResolve(requested, roots, label);
  const name = path.basename(absolute);
  if (absolute === path.dirname(absolute) || name === '' || name === '.' || name === '..') {
    throw new PathRefusal(`${label} "${requested}" names no file`);
  }
  let parent: string;
  try {
    parent = await realpath(path.dirname(absolute));
  } catch (error) {
    await refuseIfLeavesRoots(path.dirname(absolute), roots, requested, label);
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new PathRefusal(`${label} "${requested}": parent directory does not exist`);
    }
    throw resolutionFailure(error, label, requested);
  }
  const real = realRoots(roots);
  if (!isWithinAny(real, parent))
    throw outside(label, requested, roots, 'resolves through a symbolic link that ');
  const final = path.join(parent, name);
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(final);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { parent, name, exists: false };
    if (errnoCode(error) === 'ENOTDIR') {
      throw new PathRefusal(`${label} "${requested}": parent is not a directory`);
    }
    throw error;
  }
  if (!info.isSymbolicLink()) return { parent, name, exists: true };
  const target = await realpath(final).catch(() => undefined);
  if (target === undefined) {
    // Whether a link's missing target lies outside must not tell anything about what is there.
    const pointsTo = path.resolve(parent, await readlink(final));
    if (!isWithinAny(real, pointsTo))
      throw outside(label, requested, roots, 'resolves through a symbolic link that ');
    await refuseIfLeavesRoots(pointsTo, roots, requested, label);
    throw new PathRefusal(`${label} "${requested}" is a dangling symbolic link`);
  }
  if (!isWithinAny(real, target))
    throw outside(label, requested, roots, 'resolves through a symbolic link that ');
  // A link that stays inside is written through: its target is replaced, the link itself is kept.
  return { parent: path.dirname(target), name: path.basename(target), exists: true };
}

export function realRoots(roots: readonly Root[]): string[] {
  return roots.map((r) => r.real);
}

/**
 * The canonical path an open descriptor refers to, read back from the kernel. On Linux this is exact;
 * elsewhere it is undefined and callers fall back to an inode comparison. An unlinked file reads back as
 * `<path> (deleted)`, which is still checked as a path: no name gets special treatment, because a file
 * outside can be named anything.
 */
export async function descriptorPath(fd: number): Promise<string | undefined> {
  if (!HAS_PROC_FD) return undefined;
  return callback<string>((done) => fsReadlink(`/proc/self/fd/${fd}`, done));
}

/**
 * Checks, after open, that a descriptor really lies inside the roots. This is what defeats
 * check-then-open races: whatever a swapped symlink made us open, we verify where it actually is.
 */
export async function verifyDescriptor(
  fd: number,
  expectedPath: string,
  roots: readonly Root[],
  requested: string,
  label = 'path',
): Promise<void> {
  const actual = await descriptorPath(fd);
  if (actual !== undefined) {
    if (!isWithinAny(realRoots(roots), actual))
      throw outside(label, requested, roots, 'was swapped for a link that ');
    return;
  }
  const opened = fstatSync(fd);
  const named = await stat(expectedPath).catch(() => undefined);
  if (
    !named ||
    opened.ino !== named.ino ||
    opened.dev !== named.dev ||
    !isWithinAny(realRoots(roots), expectedPath)
  ) {
    throw outside(label, requested, roots, 'changed while it was opened and ');
  }
}

/**
 * O_NONBLOCK so that opening a FIFO (or a device) returns at once instead of waiting for a writer, which
 * would hang a thread for good; callers then refuse anything that is not a regular file. For regular files
 * the flag changes nothing.
 */
export const OPEN_READ_FLAGS = fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK;
export const OPEN_DIR_FLAGS = fsc.O_RDONLY | fsc.O_DIRECTORY | fsc.O_NOFOLLOW;

/**
 * For metadata only: Linux's O_PATH (which Node does not name) opens without needing read permission and
 * allows fstat and the /proc/self/fd check; elsewhere a non-blocking read-only open.
 */
export const OPEN_METADATA_FLAGS =
  (process.platform === 'linux' ? 0o10000000 : fsc.O_RDONLY | fsc.O_NONBLOCK) | fsc.O_NOFOLLOW;

/**
 * The synchronous twin of open + verifyDescriptor, for hot loops over many small files where a thread-pool
 * hop per system call costs more than the call. Returns the open descriptor, or undefined when the file
 * cannot be opened or does not lie inside the roots (the descriptor is then already closed).
 */
export function openVerifiedSync(realPath: string, roots: readonly Root[]): number | undefined {
  return openInsideSync(realPath, OPEN_READ_FLAGS, roots);
}

/** Opens `realPath` with `flags` and keeps the descriptor only if it lies inside the roots; else closes it. */
function openInsideSync(realPath: string, flags: number, roots: readonly Root[]): number | undefined {
  let fd: number;
  try {
    fd = openSync(realPath, flags);
  } catch {
    return undefined;
  }
  try {
    let inside: boolean;
    if (HAS_PROC_FD) {
      inside = isWithinAny(realRoots(roots), readlinkSync(`/proc/self/fd/${fd}`));
    } else {
      const opened = fstatSync(fd);
      const named = statSync(realPath, { throwIfNoEntry: false });
      inside = named !== undefined && opened.ino === named.ino && isWithinAny(realRoots(roots), realPath);
    }
    if (inside) return fd;
  } catch {
    // fall through: an unverifiable descriptor is never used
  }
  closeSync(fd);
  return undefined;
}

/**
 * Opens a file that a walk found in a verified directory. Through a pinned anchor path the file is, by
 * construction, an entry of that directory (one name component, O_NOFOLLOW), so no per-file check is needed;
 * without one (no /proc) it falls back to the full post-open check.
 */
export function openEntrySync(
  pinnedPath: string | undefined,
  realPath: string,
  roots: readonly Root[],
): number | undefined {
  if (pinnedPath === undefined) return openVerifiedSync(realPath, roots);
  try {
    return openSync(pinnedPath, OPEN_READ_FLAGS);
  } catch {
    return undefined;
  }
}

/**
 * The synchronous twin of `anchorDirectory`, for walks: a directory walk makes four system calls a directory,
 * and through the thread pool each costs several times the call itself (the walk is then CPU-bound on hops,
 * not on the file system). Returns undefined when `realDir` cannot be opened as a directory without following
 * a link, or its descriptor does not lie inside the roots (the descriptor is then already closed).
 */
export function openDirectorySync(realDir: string, roots: readonly Root[]): SyncDirAnchor | undefined {
  const fd = openInsideSync(realDir, OPEN_DIR_FLAGS, roots);
  if (fd === undefined) return undefined;
  let open = true;
  return {
    ...anchorOn(fd, realDir),
    close: () => {
      // Once only: a second close could hit a descriptor number the process has since reused.
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** What both anchors are, apart from how they close: entries reached through the verified descriptor. */
function anchorOn(fd: number, realDir: string): Omit<DirAnchor, 'close'> {
  const base = HAS_PROC_FD ? `/proc/self/fd/${fd}` : realDir;
  return { fd, real: realDir, pinned: HAS_PROC_FD, entry: (name: string) => pinnedEntry(base, name) };
}

function pinnedEntry(base: string, name: string): string {
  // One name component only: '..' or a slash would step out of the pinned directory.
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new PathRefusal(`"${name}" is not a single directory entry name`);
  }
  return name === '' ? base : `${base}/${name}`;
}

/**
 * A directory held open and verified. Paths built with `entry()` go through `/proc/self/fd/N/` on Linux,
 * so later operations stay on the verified directory even if its path is swapped for a link meanwhile.
 */
export interface DirAnchor {
  readonly fd: number;
  readonly real: string;
  /**
   * True when `entry()` paths are pinned to the verified descriptor (Linux). A file opened at such a path with
   * O_NOFOLLOW is an entry of the verified directory, exactly as openat(dirfd, name, O_NOFOLLOW) would give.
   */
  readonly pinned: boolean;
  entry(name: string): string;
  close(): Promise<void>;
}

/** A `DirAnchor` opened and closed synchronously (see `openDirectorySync`). */
export interface SyncDirAnchor extends Omit<DirAnchor, 'close'> {
  close(): void;
}

export async function anchorDirectory(
  realDir: string,
  roots: readonly Root[],
  requested: string,
  label = 'path',
): Promise<DirAnchor> {
  // A raw descriptor through the callback API: a FileHandle and the promise API cost several times the system
  // call itself, and a walk opens one directory per few dozen entries.
  let fd: number;
  try {
    fd = await callback<number>((done) => fsOpen(realDir, OPEN_DIR_FLAGS, done));
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ELOOP' || code === 'ENOTDIR') {
      throw new PathRefusal(`${label} "${requested}" is not a directory inside the allowed roots`);
    }
    if (code === 'ENOENT') throw new PathRefusal(`${label} "${requested}" does not exist`);
    throw error;
  }
  const close = () => callback<void>((done) => fsClose(fd, done));
  try {
    await verifyDescriptor(fd, realDir, roots, requested, label);
  } catch (error) {
    await close();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    ...anchorOn(fd, realDir),
    // Once only: a second close could hit a descriptor number the process has since reused.
    close: () => {
      closed ??= close();
      return closed;
    },
  };
}

function callback<T>(
  start: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}

/** Canonicalizes the operator's directories: each must exist and be a directory. Nested roots are kept. */
export async function canonicalRoots(dirs: readonly string[]): Promise<Root[]> {
  const roots: Root[] = [];
  for (const dir of dirs) {
    assertCleanInput(dir, 'root');
    const given = path.resolve(expandHome(dir));
    let real: string;
    try {
      real = await realpath(given);
    } catch {
      throw new PathRefusal(`root "${dir}" does not exist`);
    }
    if (!(await stat(real)).isDirectory()) throw new PathRefusal(`root "${dir}" is not a directory`);
    if (!roots.some((r) => r.real === real)) roots.push({ given, real });
  }
  return roots;
}

/**
 * The part of the operator's roots that the client's roots also cover. A client root inside an operator
 * root narrows to that client root; an operator root inside a client root stays as it is; anything else
 * is dropped. The result never covers a path the operator's roots did not.
 */
export function intersectRoots(operator: readonly Root[], client: readonly Root[]): Root[] {
  const result: Root[] = [];
  const add = (root: Root) => {
    if (!result.some((r) => r.real === root.real)) result.push(root);
  };
  for (const c of client) {
    for (const o of operator) {
      if (isWithin(o.real, c.real)) add(c);
      else if (isWithin(c.real, o.real)) add(o);
    }
  }
  return result;
}
