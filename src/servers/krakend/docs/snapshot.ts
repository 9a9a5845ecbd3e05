import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder `rampart release` and `npm run snapshot:krakend-docs` write at the root of what they ship. */
export const SNAPSHOT_FOLDER = 'krakend-docs';
export const SNAPSHOT_META = 'snapshot.json';
export const SNAPSHOT_KIND = 'rampart-krakend-docs-snapshot';
/** The index the docs library loads, and the Apache-2.0 licence and notice that must travel with it. */
export const SNAPSHOT_FILES = ['index.json', 'LICENSE', 'NOTICE'] as const;

export interface SnapshotMeta {
  readonly kind: typeof SNAPSHOT_KIND;
  readonly format: 1;
  /** When the docs were fetched: the snapshot is as old as this says. */
  readonly created: string;
  readonly source: string;
  readonly license: 'Apache-2.0';
  readonly pages: number;
  readonly chunks: number;
  readonly files: Record<string, { readonly sha256: string; readonly bytes: number }>;
}

export type SnapshotRead =
  | { readonly status: 'absent' }
  | { readonly status: 'refused'; readonly reason: string }
  | { readonly status: 'ok'; readonly meta: SnapshotMeta; readonly index: string };

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** package.json names of the npm package and of the release bundle. */
const PROGRAMS = new Set(['rampart-mcp', 'rampart-release']);

/**
 * Where this copy of Rampart keeps its snapshot: beside the nearest package.json above this module that is
 * Rampart's own, which is the bundle's folder in a release and the package root under npm or in a clone.
 */
export function shippedSnapshotDir(from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let depth = 0; depth < 6; depth++) {
    try {
      const name = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown })
        .name;
      if (typeof name === 'string' && PROGRAMS.has(name)) return path.join(dir, SNAPSHOT_FOLDER);
    } catch {
      // no package.json here, or not JSON: keep climbing
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** Reads a snapshot and checks every file against the SHA-256 its snapshot.json records; any mismatch refuses it. */
export async function readSnapshot(dir: string): Promise<SnapshotRead> {
  let metaText: string;
  try {
    metaText = await readFile(path.join(dir, SNAPSHOT_META), 'utf8');
  } catch {
    return { status: 'absent' };
  }
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(metaText) as SnapshotMeta;
  } catch {
    return { status: 'refused', reason: `${SNAPSHOT_META} is not JSON` };
  }
  if (meta?.kind !== SNAPSHOT_KIND || meta.format !== 1 || typeof meta.files !== 'object' || !meta.files)
    return { status: 'refused', reason: `${SNAPSHOT_META} is not a format-1 ${SNAPSHOT_KIND}` };
  let index = '';
  for (const name of SNAPSHOT_FILES) {
    const expected = meta.files[name];
    if (!expected) return { status: 'refused', reason: `${SNAPSHOT_META} does not list ${name}` };
    let data: Buffer;
    try {
      data = await readFile(path.join(dir, name));
    } catch {
      return { status: 'refused', reason: `${name} is missing` };
    }
    const actual = sha256(data);
    if (actual !== expected.sha256)
      return {
        status: 'refused',
        reason: `${name}'s SHA-256 is ${actual}, not the ${expected.sha256} ${SNAPSHOT_META} records`,
      };
    if (name === 'index.json') index = data.toString('utf8');
  }
  return { status: 'ok', meta, index };
}
