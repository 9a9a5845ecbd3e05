import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-file.js';
import { Refusal } from '../../../core/errors.js';
import { download } from '../download.js';
import { chunkPage, type DocChunk } from './chunks.js';
import type { DocPage } from './pages.js';
import { pagesFromLlmsText } from './pages.js';
import type { ProgressListener } from './progress.js';
import { DocsIndex, INDEX_FORMAT } from './search-index.js';
import { readSnapshot } from './snapshot.js';
import { folderFingerprint, markdownFiles, pagesFromFolder } from './sources.js';

export interface DocsOptions {
  /** A folder of KrakenD documentation markdown; when set, the docs come from here and never the network. */
  readonly localDir?: string;
  /** llms-full.txt, downloaded when there is no local folder. */
  readonly url: string;
  readonly cacheDir: string;
  readonly maxAgeMs: number;
  readonly offline: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly siteBase: string;
  /**
   * A dated docs snapshot shipped with the program (`rampart release`, `npm run snapshot:krakend-docs`), used
   * when nothing is cached yet or the cache is older; checked against its SHA-256 manifest before it is trusted.
   */
  readonly seedDir?: string;
}

/** What is on disk beside the index: enough to tell whether it is current. */
interface CachedIndex {
  readonly format: number;
  readonly source: string;
  readonly etag?: string;
  /** When the source was last confirmed current (downloaded, or answered 304). */
  readonly checkedAt: string;
  readonly builtAt: string;
  readonly fingerprint?: string;
  readonly index: string;
}

export interface DocsStatus {
  readonly source: string;
  readonly chunks: number;
  readonly pages: number;
  readonly checkedAt: string;
  readonly builtAt: string;
  readonly stale: boolean;
}

export interface RefreshReport extends DocsStatus {
  readonly updated: boolean;
  readonly message: string;
}

const INDEX_FILE = 'index.json';
const SOURCE_FILE = 'llms-full.txt';

/**
 * The KrakenD docs as a search index: built from a local markdown folder or llms-full.txt, kept in the data
 * directory, and swapped in whole (file renamed into place, then the in-memory reference replaced), so a search
 * never sees half an index. A stale download is re-checked with its ETag in the background.
 */
export class DocsLibrary {
  private current: { index: DocsIndex; cached: CachedIndex } | undefined;
  private loading: Promise<{ index: DocsIndex; cached: CachedIndex }> | undefined;
  private refreshing: Promise<RefreshReport> | undefined;
  /** Why the shipped snapshot was not used, for the message when nothing else answers either. */
  private seedProblem: string | undefined;

  constructor(
    readonly options: DocsOptions,
    private readonly onProgress?: ProgressListener,
    private readonly onBackgroundError: (error: unknown) => void = (error) =>
      process.stderr.write(`krakend docs: background refresh failed: ${(error as Error).message}\n`),
  ) {}

  get source(): string {
    return this.options.localDir ?? this.options.url;
  }

  async index(signal?: AbortSignal): Promise<DocsIndex> {
    const current = this.current ?? (await this.load(signal));
    if (this.isStale(current.cached) && !this.options.offline && !this.refreshing) {
      this.refresh({ force: false }).catch((error) => this.onBackgroundError(error));
    }
    return current.index;
  }

  async status(signal?: AbortSignal): Promise<DocsStatus> {
    const { index, cached } = this.current ?? (await this.load(signal));
    return describe(index, cached, this.isStale(cached));
  }

  /** Re-reads the source: with `force`, even when the cache is fresh, and without the ETag. */
  refresh(request: {
    force: boolean;
    signal?: AbortSignal;
    progress?: ProgressListener;
  }): Promise<RefreshReport> {
    this.refreshing ??= this.doRefresh(request).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(request: {
    force: boolean;
    signal?: AbortSignal;
    progress?: ProgressListener;
  }): Promise<RefreshReport> {
    const existing = this.current ?? (await this.readCache());
    if (existing && !request.force && !this.options.localDir && !this.isStale(existing.cached)) {
      this.current ??= existing;
      return {
        ...describe(existing.index, existing.cached, false),
        updated: false,
        message: 'the index is fresh',
      };
    }
    if (this.options.localDir) {
      const rebuilt = await this.buildFromFolder(request.force ? undefined : existing, request.progress);
      this.current = rebuilt;
      const updated = rebuilt !== existing;
      return {
        ...describe(rebuilt.index, rebuilt.cached, false),
        updated,
        message: updated ? `indexed ${rebuilt.index.chunks.length} sections` : 'the folder is unchanged',
      };
    }
    if (this.options.offline) {
      throw new Refusal(`cannot refresh the docs from ${this.options.url}: downloads are off (offline)`);
    }
    const etag =
      !request.force && existing?.cached.source === this.options.url ? existing.cached.etag : undefined;
    const fetched = await download(this.options.url, {
      ...this.options,
      ...(etag ? { etag } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (fetched.notModified && existing) {
      const cached = { ...existing.cached, checkedAt: new Date().toISOString() };
      await this.writeCache(cached);
      this.current = { index: existing.index, cached };
      return {
        ...describe(existing.index, cached, false),
        updated: false,
        message: 'unchanged (304 Not Modified)',
      };
    }
    if (fetched.notModified) throw new Refusal(`${this.options.url} answered 304 with nothing cached`);
    const pages = pagesFromLlmsText(fetched.text, this.options.siteBase);
    if (pages.length === 0) throw new Refusal(`${this.options.url} holds no "# " headed pages to index`);
    const index = await buildIndex(pages, request.progress ?? this.onProgress);
    const now = new Date().toISOString();
    const cached: CachedIndex = {
      format: INDEX_FORMAT,
      source: this.options.url,
      ...(fetched.etag ? { etag: fetched.etag } : {}),
      checkedAt: now,
      builtAt: now,
      index: index.toJSON(),
    };
    await mkdir(this.options.cacheDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path.join(this.options.cacheDir, SOURCE_FILE), fetched.text);
    await this.writeCache(cached);
    this.current = { index, cached };
    return {
      ...describe(index, cached, false),
      updated: true,
      message: `indexed ${index.chunks.length} sections`,
    };
  }

  private load(signal?: AbortSignal): Promise<{ index: DocsIndex; cached: CachedIndex }> {
    this.loading ??= this.loadOnce(signal).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async loadOnce(signal?: AbortSignal): Promise<{ index: DocsIndex; cached: CachedIndex }> {
    const cached = await this.readCache();
    if (this.options.localDir) {
      this.current = await this.buildFromFolder(cached, this.onProgress);
      return this.current;
    }
    const seeded = await this.readSeed();
    // Whichever was confirmed current last answers: a cache refreshed since the release, or a newer snapshot.
    const best =
      cached && seeded
        ? Date.parse(seeded.cached.checkedAt) > Date.parse(cached.cached.checkedAt)
          ? seeded
          : cached
        : (cached ?? seeded);
    if (best) {
      this.current = best;
      return best;
    }
    const why = this.seedProblem ? `; ${this.seedProblem}` : '';
    if (this.options.offline) {
      throw new Refusal(
        `no cached KrakenD docs in ${this.options.cacheDir} and downloads are off; set docsDir to a folder of the docs' markdown${why}`,
      );
    }
    try {
      await this.refresh({ force: true, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (error instanceof Refusal && why) throw new Refusal(`${error.message}${why}`);
      throw error;
    }
    return this.current as { index: DocsIndex; cached: CachedIndex };
  }

  /** Rebuilds from the folder unless the cached index was built from the same files. */
  private async buildFromFolder(
    cached: { index: DocsIndex; cached: CachedIndex } | undefined,
    progress?: ProgressListener,
  ): Promise<{ index: DocsIndex; cached: CachedIndex }> {
    const dir = this.options.localDir as string;
    let files: string[];
    try {
      files = await markdownFiles(dir);
    } catch (error) {
      throw new Refusal(`cannot read the docs folder ${dir}: ${(error as Error).message}`);
    }
    if (files.length === 0) throw new Refusal(`the docs folder ${dir} holds no markdown files`);
    const fingerprint = await folderFingerprint(dir, files);
    if (cached && cached.cached.source === dir && cached.cached.fingerprint === fingerprint) return cached;
    const listener = progress ?? this.onProgress;
    const pages = await pagesFromFolder(dir, files, this.options.siteBase, (done, total) =>
      listener?.(done, total, 'reading pages'),
    );
    const index = await buildIndex(pages, listener);
    const now = new Date().toISOString();
    const fresh: CachedIndex = {
      format: INDEX_FORMAT,
      source: dir,
      checkedAt: now,
      builtAt: now,
      fingerprint,
      index: index.toJSON(),
    };
    await this.writeCache(fresh);
    return { index, cached: fresh };
  }

  private isStale(cached: CachedIndex): boolean {
    if (this.options.localDir) return false;
    return Date.now() - Date.parse(cached.checkedAt) > this.options.maxAgeMs;
  }

  private async readCache(): Promise<{ index: DocsIndex; cached: CachedIndex } | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.options.cacheDir, INDEX_FILE), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const cached = JSON.parse(text) as CachedIndex;
      // A folder's index is that folder's; a downloaded one serves whichever URL it came from (a mirror, or a
      // cache synced elsewhere and imported), until it is stale and re-read from the configured URL.
      const fromUrl = /^https?:\/\//.test(cached.source);
      if (cached.format !== INDEX_FORMAT) return undefined;
      if (this.options.localDir ? cached.source !== this.options.localDir : !fromUrl) return undefined;
      return { index: await DocsIndex.fromJSON(cached.index), cached };
    } catch {
      return undefined; // a damaged cache is rebuilt, not trusted
    }
  }

  /** The shipped snapshot, only when every file matches its manifest: as old as its date says, whatever its URL. */
  private async readSeed(): Promise<{ index: DocsIndex; cached: CachedIndex } | undefined> {
    const dir = this.options.seedDir;
    if (!dir) {
      this.seedProblem = 'no docs snapshot is in use (docsSnapshotDir is none)';
      return undefined;
    }
    const read = await readSnapshot(dir);
    if (read.status === 'absent') {
      this.seedProblem = `no docs snapshot ships with this copy of Rampart (none in ${dir}; a git checkout makes one with npm run snapshot:krakend-docs)`;
      return undefined;
    }
    if (read.status === 'refused') {
      this.seedProblem = `the shipped docs snapshot in ${dir} was refused: ${read.reason}`;
      process.stderr.write(`krakend docs: ${this.seedProblem}\n`);
      return undefined;
    }
    try {
      const cached = JSON.parse(read.index) as CachedIndex;
      if (cached.format !== INDEX_FORMAT)
        throw new Error(`index format ${cached.format} is not ${INDEX_FORMAT}`);
      return { index: await DocsIndex.fromJSON(cached.index), cached };
    } catch (error) {
      this.seedProblem = `the shipped docs snapshot in ${dir} was refused: ${(error as Error).message}`;
      return undefined;
    }
  }

  private async writeCache(cached: CachedIndex): Promise<void> {
    await mkdir(this.options.cacheDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path.join(this.options.cacheDir, INDEX_FILE), JSON.stringify(cached));
  }
}

function buildIndex(pages: readonly DocPage[], progress?: ProgressListener): Promise<DocsIndex> {
  const chunks: DocChunk[] = [];
  pages.forEach((page, i) => {
    chunks.push(...chunkPage(page, chunks.length));
    progress?.(i + 1, pages.length, 'indexing');
  });
  return DocsIndex.build(chunks);
}

function describe(index: DocsIndex, cached: CachedIndex, stale: boolean): DocsStatus {
  return {
    source: cached.source,
    chunks: index.chunks.length,
    pages: index.pages,
    checkedAt: cached.checkedAt,
    builtAt: cached.builtAt,
    stale,
  };
}
