import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Sandbox } from '../../core/sandbox.js';
import { isWithinAny, openDirectorySync, realRoots } from '../../guards/path.js';
import { readGitignoreSync } from './gitignore-files.js';
import type { IgnoreRules } from './ignore-rules.js';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface WalkEntry {
  /** Real absolute path (the directory part is canonical; the entry itself may be a link). */
  readonly path: string;
  /** Path relative to the walk's start, with `/` separators. */
  readonly relative: string;
  readonly name: string;
  readonly kind: EntryKind;
  /** For a symlink whose target stays inside the roots: what it points to. */
  readonly linkTarget?: 'file' | 'directory';
  /** 1 for the start directory's own entries. */
  readonly depth: number;
  /**
   * The entry's path through its directory's verified, still-open descriptor (Linux), valid only during
   * `onEntry`: open it with O_NOFOLLOW to get exactly this entry, whatever happens to the path meanwhile.
   */
  readonly pinnedPath?: string;
}

export interface WalkOptions {
  readonly sandbox: Sandbox;
  /** Canonical path of the start directory (already resolved inside the roots). */
  readonly start: string;
  readonly requested: string;
  readonly signal: AbortSignal;
  /** Deepest entry depth to report; directories deeper than this are not opened. */
  readonly maxDepth?: number;
  /** Entries for which this is true are skipped, and excluded directories are not entered. */
  readonly exclude?: (relative: string) => boolean;
  /**
   * Git's ignore rules in force at the start (see `ignoreRulesAt`): ignored entries are skipped and ignored
   * directories not entered; each directory's own `.gitignore` is added for what lies below it.
   */
  readonly ignore?: IgnoreRules;
  /** Resolve symlinks and report those whose target stays inside the roots; others are never reported. */
  readonly reportLinks?: boolean;
  readonly maxEntries: number;
  /** Return `false` to stop the walk. */
  readonly onEntry: (entry: WalkEntry) => boolean | undefined;
}

export interface WalkStats {
  readonly entries: number;
  /** True when the walk stopped early (entry cap or `onEntry` said stop). */
  readonly stopped: boolean;
  readonly capped: boolean;
}

function kindOf(entry: Dirent): EntryKind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

interface Pending {
  readonly real: string;
  readonly relative: string;
  readonly depth: number;
  readonly ignore?: IgnoreRules;
}

/**
 * How long the walk holds the event loop before it lets other requests (and cancellation) in. The walk makes
 * its system calls synchronously, as `find` does: through the thread pool each call costs several times the
 * call itself, which made a warm 100,000-file search four times slower than `find`.
 */
const SLICE_MS = 5;

/** What a symlink whose target stays inside the roots points to; undefined for any other link. */
function insideLinkTarget(path: string, roots: readonly string[]): WalkEntry['linkTarget'] {
  try {
    const target = realpathSync.native(path);
    if (!isWithinAny(roots, target)) return undefined;
    return statSync(target).isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * Walks a tree without ever leaving the roots: each directory is opened with O_NOFOLLOW and its descriptor
 * verified before it is listed, symlinked directories are never entered, and links are resolved (only they)
 * to decide whether they may be reported. Directories are listed in slices of SLICE_MS between which the
 * event loop runs and cancellation is checked.
 */
export async function walk(options: WalkOptions): Promise<WalkStats> {
  const { sandbox, signal, maxEntries } = options;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const roots = realRoots(sandbox.roots);
  const pending: Pending[] = [{ real: options.start, relative: '', depth: 0, ignore: options.ignore }];
  let seen = 0;
  let stopped = false;
  let capped = false;
  let sliceStart = performance.now();

  const visit = (dir: Pending): void => {
    // A directory that vanished, was swapped for a link, or cannot be read is skipped, not followed.
    const anchor = openDirectorySync(dir.real, sandbox.roots);
    if (!anchor) return;
    // The directory stays open while its entries are handed out, so their pinned paths stay valid.
    try {
      let entries: Dirent[];
      try {
        entries = readdirSync(anchor.entry(''), { withFileTypes: true });
      } catch {
        return;
      }
      let ignore = dir.ignore;
      if (ignore && entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
        const patterns = readGitignoreSync(anchor, sandbox.roots);
        if (patterns !== undefined) ignore = ignore.below(dir.relative, patterns);
      }
      const pinnedBase = anchor.pinned ? anchor.entry('') : undefined;
      const parent = dir.real === '/' ? '' : dir.real;
      const depth = dir.depth + 1;
      for (const dirent of entries) {
        if (++seen > maxEntries) {
          stopped = true;
          capped = true;
          return;
        }
        const relative = dir.relative ? `${dir.relative}/${dirent.name}` : dirent.name;
        if (options.exclude?.(relative)) continue;
        const kind = kindOf(dirent);
        if (ignore?.ignores(relative, kind === 'directory')) continue;
        const path = `${parent}/${dirent.name}`;
        let linkTarget: WalkEntry['linkTarget'];
        if (kind === 'symlink') {
          if (!options.reportLinks) continue;
          linkTarget = insideLinkTarget(path, roots);
          if (!linkTarget) continue;
        }
        const entry: WalkEntry = {
          path,
          relative,
          name: dirent.name,
          kind,
          depth,
          linkTarget,
          // Built per entry (a hundred thousand in a large search), so no checks: readdir never yields '.', '..' or '/'.
          pinnedPath: pinnedBase === undefined ? undefined : `${pinnedBase}/${dirent.name}`,
        };
        if (options.onEntry(entry) === false) {
          stopped = true;
          return;
        }
        if (kind === 'directory' && depth < maxDepth) pending.push({ real: path, relative, depth, ignore });
      }
    } finally {
      anchor.close();
    }
  };

  while (pending.length > 0 && !stopped) {
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    if (signal.aborted) throw signal.reason;
    visit(pending.pop() as Pending);
  }
  return { entries: Math.min(seen, maxEntries), stopped, capped };
}
