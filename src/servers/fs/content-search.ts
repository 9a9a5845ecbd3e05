import { closeSync, fstatSync, readSync } from 'node:fs';
import { createLimiter } from '../../core/concurrency.js';
import { Refusal } from '../../core/errors.js';
import type { Sandbox } from '../../core/sandbox.js';
import { openEntrySync } from '../../guards/path.js';
import { ignoreRulesAt } from './gitignore-files.js';
import { nameOrPathMatcher } from './glob.js';
import {
  type CompiledQuery,
  compileQuery,
  type FileVerdict,
  type GrepMatch,
  type GrepQuery,
  grepBuffer,
  grepFile,
  WHOLE_FILE_BYTES,
} from './grep.js';
import { walk } from './walk.js';

/** A content search, as plain data so that it can be handed to a worker thread. */
export interface ContentSearch {
  readonly query: GrepQuery;
  /** Files or directories to search, as the model gave them. */
  readonly starts: readonly string[];
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** Also search what .gitignore ignores, and node_modules and .git, which a walk skips by default. */
  readonly includeIgnored: boolean;
  readonly maxResults: number;
  readonly maxWalkEntries: number;
}

export interface ContentSearchResult {
  matches: GrepMatch[];
  filesSearched: number;
  binaryFilesSkipped: number;
  truncated: boolean;
}

/** Large files read at once: enough to keep the thread pool busy, few enough to stay far from the fd limit. */
const LARGE_FILE_CONCURRENCY = 8;

export function compileOrRefuse(query: GrepQuery): CompiledQuery {
  try {
    return compileQuery(query);
  } catch (error) {
    throw new Refusal(`pattern is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** Walks the starts and searches every text file, inside the sandbox's roots only. */
export async function searchContents(
  sandbox: Sandbox,
  search: ContentSearch,
  signal: AbortSignal,
): Promise<ContentSearchResult> {
  const query = compileOrRefuse(search.query);
  const { maxResults } = search;
  const include = search.include.length > 0 ? nameOrPathMatcher(search.include) : () => true;
  const exclude = search.exclude.length > 0 ? nameOrPathMatcher(search.exclude) : () => false;
  const result: ContentSearchResult = {
    matches: [],
    filesSearched: 0,
    binaryFilesSkipped: 0,
    truncated: false,
  };
  const { matches } = result;
  const emit = (match: GrepMatch) => {
    if (matches.length >= maxResults) {
      result.truncated = true;
      return false;
    }
    matches.push(match);
    return true;
  };
  const record = (verdict: FileVerdict) => {
    result.filesSearched++;
    if (verdict === 'binary') result.binaryFilesSkipped++;
  };
  // One more than fits, so that a file with further matches is seen to be cut (truncated).
  const budget = () => maxResults - matches.length + 1;

  /** Any file, read through a verified handle; large files are read in chunks. */
  const searchOne = async (requested: string) => {
    if (matches.length >= maxResults) return;
    const file = await sandbox.openFile(requested).catch(() => undefined);
    if (!file) return;
    try {
      record((await grepFile(file.handle, file.size, file.real, query, budget(), emit, signal)).verdict);
    } catch {
      // A file that cannot be read is skipped.
    } finally {
      await file.handle.close();
    }
  };

  let scratch = Buffer.allocUnsafe(256 * 1024);
  /**
   * A small file found by the walk, searched synchronously: for files of a few KB the thread pool's hop per
   * system call costs more than the calls, and grep -r makes the same calls the same way. Returns false for
   * a file too large to read whole, which goes to searchOne instead.
   */
  const searchSmallSync = (real: string, pinned: string | undefined): boolean => {
    const fd = openEntrySync(pinned, real, sandbox.roots);
    if (fd === undefined) return true;
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) return true;
      if (info.size > WHOLE_FILE_BYTES) return false;
      if (scratch.length < info.size) scratch = Buffer.allocUnsafe(Math.max(info.size, scratch.length * 2));
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

  for (const requested of search.starts) {
    const start = await sandbox.resolveExisting(requested);
    const anchor = await sandbox.openDirectory(requested).catch(() => undefined);
    if (!anchor) {
      await searchOne(start);
      continue;
    }
    await anchor.close();
    const pending = new Set<Promise<void>>();
    const limit = createLimiter(LARGE_FILE_CONCURRENCY);
    const stats = await walk({
      sandbox,
      start,
      requested,
      signal,
      exclude,
      ...(search.includeIgnored ? {} : { ignore: await ignoreRulesAt(sandbox, start) }),
      maxEntries: search.maxWalkEntries,
      onEntry: (entry) => {
        if (entry.kind !== 'file' || !include(entry.relative)) return true;
        if (!searchSmallSync(entry.path, entry.pinnedPath)) {
          const task = limit(() => searchOne(entry.path)).finally(() => pending.delete(task));
          pending.add(task);
        }
        return matches.length < maxResults;
      },
    });
    await Promise.all(pending);
    if (stats.capped) result.truncated = true;
    if (matches.length >= maxResults) break;
  }
  matches.sort((a, b) => (a.path === b.path ? a.line - b.line : a.path < b.path ? -1 : 1));
  return result;
}
