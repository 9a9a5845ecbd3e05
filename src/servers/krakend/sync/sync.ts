import path from 'node:path';
import type { KrakendConfig } from '../config.js';
import { DocsLibrary } from '../docs/library.js';
import type { ProgressListener } from '../docs/progress.js';
import { SchemaDocuments } from '../schema/documents.js';
import { SchemaSource } from '../schema/source.js';
import { CANONICAL_SCHEMA_BASE, KNOWN_VERSIONS } from '../schema/versions.js';

export interface SyncReport {
  readonly versions: readonly string[];
  readonly documents: number;
  readonly failed: readonly string[];
  readonly docs?: { readonly pages: number; readonly chunks: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Fills the cache for a machine that will later have no network: the schema of every version this release knows
 * (all their files), the unversioned root, and the docs index, each from the configured sources. A version that
 * cannot be fetched is reported and the rest go on.
 */
export async function syncCache(
  config: KrakendConfig,
  dataDir: string,
  progress?: ProgressListener,
  signal?: AbortSignal,
): Promise<SyncReport> {
  const base = config.schemaBaseUrl.endsWith('/') ? config.schemaBaseUrl : `${config.schemaBaseUrl}/`;
  const limits = { offline: false, timeoutMs: config.downloadTimeoutMs, maxBytes: config.maxDownloadBytes };
  const source = new SchemaSource({ cacheDir: path.join(dataDir, 'schema'), baseUrl: base, ...limits });
  const total = KNOWN_VERSIONS.length + 2;
  let done = 0;
  const step = (message: string) => progress?.(++done, total, message);
  const versions: string[] = [];
  const failed: string[] = [];
  let documents = 0;
  try {
    await source.read('krakend.json', signal);
    documents++;
  } catch (error) {
    failed.push(`schema root krakend.json: ${(error as Error).message}`);
  }
  step('schema root');
  for (const version of KNOWN_VERSIONS) {
    try {
      const gathered = await SchemaDocuments.gather(
        source,
        `${CANONICAL_SCHEMA_BASE}v${version}/krakend.json`,
        signal,
      );
      documents += [...gathered.entries()].length;
      versions.push(version);
    } catch (error) {
      failed.push(`schema v${version}: ${(error as Error).message}`);
    }
    step(`schema v${version}`);
  }
  let docs: SyncReport['docs'];
  try {
    const library = new DocsLibrary(
      {
        url: config.docsUrl,
        cacheDir: path.join(dataDir, 'docs'),
        maxAgeMs: config.docsMaxAgeDays * DAY_MS,
        siteBase: 'https://www.krakend.io/',
        ...limits,
      },
      undefined,
      () => {},
    );
    const report = await library.refresh({ force: true, ...(signal ? { signal } : {}) });
    docs = { pages: report.pages, chunks: report.chunks };
  } catch (error) {
    failed.push(`docs ${config.docsUrl}: ${(error as Error).message}`);
  }
  step('docs');
  return { versions, documents, failed, ...(docs ? { docs } : {}) };
}
