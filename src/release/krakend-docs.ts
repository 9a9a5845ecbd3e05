import { SNAPSHOT_FOLDER } from '../servers/krakend/docs/snapshot.js';
import { buildSnapshot } from '../servers/krakend/docs/snapshot-build.js';
import type { ShippedFile } from './shipped.js';

export interface KrakendDocsRequest {
  /** llms-full.txt by URL, or a folder of the KrakenD documentation's markdown. */
  readonly from: string;
  /** The docs' Apache-2.0 LICENSE, by URL or file (default: the folder's, or the documentation repository's). */
  readonly license?: string;
}

/**
 * The KrakenD docs snapshot for a release: the index, its SHA-256 manifest, LICENSE and NOTICE, in the folder the
 * installed bundle looks for beside itself, so the first docs search works with no network.
 */
export async function krakendDocsFiles(request: KrakendDocsRequest): Promise<ShippedFile[]> {
  const snapshot = await buildSnapshot({
    from: request.from,
    ...(request.license ? { license: request.license } : {}),
    timeoutMs: 60_000,
    maxBytes: 64 * 1024 * 1024,
  });
  return snapshot.files.map((file) => ({
    path: `${SNAPSHOT_FOLDER}/${file.name}`,
    data: file.data,
    mode: 0o644,
  }));
}
