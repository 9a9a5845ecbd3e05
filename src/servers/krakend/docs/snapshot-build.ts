import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { download } from '../download.js';
import { DocsLibrary } from './library.js';
import type { ProgressListener } from './progress.js';
import { SNAPSHOT_FILES, SNAPSHOT_KIND, SNAPSHOT_META, type SnapshotMeta, sha256 } from './snapshot.js';

export const DEFAULT_DOCS_URL = 'https://www.krakend.io/llms-full.txt';
/** The licence of krakend/krakend-documentation, the source of the site's docs and of llms-full.txt. */
export const DEFAULT_LICENSE_URL =
  'https://raw.githubusercontent.com/krakend/krakend-documentation/master/LICENSE';

export interface SnapshotRequest {
  /** llms-full.txt by URL, or a folder of the KrakenD documentation's markdown. */
  readonly from: string;
  /** The docs' LICENSE, by URL or file: default the folder's LICENSE, or the documentation repository's. */
  readonly license?: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly progress?: ProgressListener;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** Every file of the snapshot folder, snapshot.json included. */
  readonly files: readonly { readonly name: string; readonly data: Buffer }[];
}

const isUrl = (value: string) => /^https?:\/\//i.test(value);

async function readLicense(request: SnapshotRequest): Promise<string> {
  const from =
    request.license ?? (isUrl(request.from) ? DEFAULT_LICENSE_URL : path.join(request.from, 'LICENSE'));
  let text: string;
  if (isUrl(from)) {
    const got = await download(from, request);
    text = got.notModified ? '' : got.text;
  } else {
    text = await readFile(from, 'utf8').catch((error: Error) => {
      throw new Error(`cannot read the docs' licence ${from}: ${error.message}`);
    });
  }
  // The snapshot ships under Apache-2.0 only: anything else would need its own decision.
  if (!/Apache License/.test(text) || !/Version 2\.0/.test(text))
    throw new Error(`${from} is not the Apache License 2.0 text; the docs snapshot ships only under it`);
  return text;
}

function notice(source: string, created: string): string {
  return [
    'KrakenD documentation search index, shipped with Rampart',
    '',
    'This folder holds a search index built from the KrakenD documentation',
    '(https://github.com/krakend/krakend-documentation, https://www.krakend.io/docs/),',
    'copyright the KrakenD authors, licensed under the Apache License, Version 2.0 (see LICENSE).',
    '',
    `Retrieved from ${source} on ${created}.`,
    'Changes made by Rampart: the pages were split at their headings, Hugo shortcodes were removed, and the',
    'sections were indexed with MiniSearch; the text is otherwise as published.',
    '',
  ].join('\n');
}

/** Fetches and indexes the docs exactly as the server does, and returns the snapshot's files with its manifest. */
export async function buildSnapshot(request: SnapshotRequest): Promise<Snapshot> {
  const license = await readLicense(request);
  const work = await mkdtemp(path.join(os.tmpdir(), 'rampart-docs-snapshot-'));
  try {
    const library = new DocsLibrary(
      {
        ...(isUrl(request.from) ? {} : { localDir: path.resolve(request.from) }),
        url: isUrl(request.from) ? request.from : DEFAULT_DOCS_URL,
        cacheDir: work,
        maxAgeMs: Number.POSITIVE_INFINITY,
        offline: false,
        timeoutMs: request.timeoutMs,
        maxBytes: request.maxBytes,
        siteBase: 'https://www.krakend.io/',
      },
      request.progress,
      () => {},
    );
    const report = await library.refresh({ force: true });
    const cached = JSON.parse(await readFile(path.join(work, 'index.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const created = new Date().toISOString();
    const source = isUrl(request.from)
      ? request.from
      : 'the KrakenD documentation repository (a local folder)';
    // A build machine's path, ETag and folder fingerprint mean nothing where the snapshot is installed.
    const { etag: _etag, fingerprint: _fingerprint, ...kept } = cached;
    const index = Buffer.from(JSON.stringify({ ...kept, source, checkedAt: created, builtAt: created }));
    const contents: Record<(typeof SNAPSHOT_FILES)[number], Buffer> = {
      'index.json': index,
      LICENSE: Buffer.from(license),
      NOTICE: Buffer.from(notice(source, created)),
    };
    const meta: SnapshotMeta = {
      kind: SNAPSHOT_KIND,
      format: 1,
      created,
      source,
      license: 'Apache-2.0',
      pages: report.pages,
      chunks: report.chunks,
      files: Object.fromEntries(
        SNAPSHOT_FILES.map((name) => [
          name,
          { sha256: sha256(contents[name]), bytes: contents[name].length },
        ]),
      ),
    };
    return {
      meta,
      files: [
        ...SNAPSHOT_FILES.map((name) => ({ name, data: contents[name] })),
        { name: SNAPSHOT_META, data: Buffer.from(`${JSON.stringify(meta, null, 2)}\n`) },
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Writes a snapshot folder whole: built beside it, then renamed over the old one. */
export async function writeSnapshot(dir: string, snapshot: Snapshot): Promise<void> {
  const staging = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  await mkdir(staging, { recursive: true });
  for (const file of snapshot.files)
    await writeFile(path.join(staging, file.name), file.data, { mode: 0o644 });
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
}
