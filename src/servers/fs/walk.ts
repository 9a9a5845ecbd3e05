import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import type { Sandbox } from '../../core/sandbox.js';
import { type DirAnchor, isWithinAny, PathRefusal, realRoots } from '../../guards/path.js';
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
  readonly concurrency?: number;
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
 * Walks a tree concurrently without ever leaving the roots: each directory is opened with O_NOFOLLOW
 * and its descriptor verified before it is listed, symlinked directories are never entered, and links are
 * resolved (only they) to decide whether they may be reported.
 */
export async function walk(options: WalkOptions): Promise<WalkStats> {
  const { sandbox, signal, maxEntries } = options;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const concurrency = options.concurrency ?? 16;
  const queue: Pending[] = [{ real: options.start, relative: '', depth: 0, ignore: options.ignore }];
  let active = 0;
  let seen = 0;
  let stopped = false;
  let capped = false;

  const openDirectory = async (
    dir: Pending,
  ): Promise<{ anchor: DirAnchor; entries: Dirent[] } | undefined> => {
    let anchor: DirAnchor | undefined;
    try {
      anchor = await sandbox.anchor(dir.real, options.requested);
      return { anchor, entries: await readdir(anchor.entry(''), { withFileTypes: true }) };
    } catch (error) {
      await anchor?.close();
      // A directory that vanished, was swapped for a link, or cannot be read is skipped, not followed.
      if (error instanceof PathRefusal || (error as NodeJS.ErrnoException).code) return undefined;
      throw error;
    }
  };

  const visit = async (dir: Pending): Promise<void> => {
    if (signal.aborted) throw signal.reason;
    const opened = await openDirectory(dir);
    if (!opened) return;
    // The directory stays open while its entries are handed out, so their pinned paths stay valid.
    const { anchor, entries } = opened;
    let ignore = dir.ignore;
    if (ignore && entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
      const patterns = readGitignoreSync(anchor, sandbox.roots);
      if (patterns !== undefined) ignore = ignore.below(dir.relative, patterns);
    }
    try {
      for (const dirent of entries) {
        if (stopped) return;
        if (++seen > maxEntries) {
          stopped = true;
          capped = true;
          return;
        }
        const relative = dir.relative ? `${dir.relative}/${dirent.name}` : dirent.name;
        if (options.exclude?.(relative)) continue;
        const kind = kindOf(dirent);
        if (ignore?.ignores(relative, kind === 'directory')) continue;
        const path = `${dir.real === '/' ? '' : dir.real}/${dirent.name}`;
        const depth = dir.depth + 1;
        let linkTarget: WalkEntry['linkTarget'];
        if (kind === 'symlink') {
          if (!options.reportLinks) continue;
          const target = await realpath(path).catch(() => undefined);
          if (!target || !isWithinAny(realRoots(sandbox.roots), target)) continue;
          const info = await stat(target).catch(() => undefined);
          if (!info) continue;
          linkTarget = info.isDirectory() ? 'directory' : 'file';
        }
        const entry: WalkEntry = {
          path,
          relative,
          name: dirent.name,
          kind,
          depth,
          ...(linkTarget ? { linkTarget } : {}),
          ...(anchor.pinned ? { pinnedPath: anchor.entry(dirent.name) } : {}),
        };
        if (options.onEntry(entry) === false) {
          stopped = true;
          return;
        }
        if (kind === 'directory' && depth < maxDepth) queue.push({ real: path, relative, depth, ignore });
      }
    } finally {
      await anchor.close();
    }
  };

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const pump = () => {
      if (failed) return;
      while (active < concurrency && queue.length > 0 && !stopped) {
        const next = queue.pop() as Pending;
        active++;
        visit(next).then(
          () => {
            active--;
            pump();
          },
          (error) => {
            failed = true;
            reject(error);
          },
        );
      }
      if (active === 0 && (queue.length === 0 || stopped)) resolve();
    };
    pump();
  });
  return { entries: Math.min(seen, maxEntries), stopped, capped };
}
