import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-file.js';
import { Refusal } from '../../../core/errors.js';
import { type TarEntry, tarGz } from '../../../core/tar.js';
import { readTarGz } from '../../../core/tar-read.js';
import { isSafeSchemaPath } from '../schema/source.js';

/** The parts of the data directory a bundle carries: downloaded schemas and the docs index with its source. */
const PARTS = ['schema', 'docs'] as const;
const DOCS_FILES = new Set(['index.json', 'llms-full.txt']);
const MANIFEST = 'manifest.json';
const KIND = 'rampart-krakend-cache';
const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
const MAX_ENTRIES = 20_000;

interface Manifest {
  readonly kind: typeof KIND;
  readonly format: 1;
  readonly created: string;
  readonly files: Record<string, { readonly sha256: string; readonly bytes: number }>;
}

export interface BundleReport {
  readonly files: number;
  readonly bytes: number;
  readonly created: string;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Whether a path inside a bundle is one a cache holds: a plain schema document, or one of the docs files. */
function allowedPath(relative: string): boolean {
  const [part, ...rest] = relative.split('/');
  if (part === 'schema') return isSafeSchemaPath(rest.join('/'));
  if (part === 'docs') return rest.length === 1 && DOCS_FILES.has(rest[0] as string);
  return false;
}

async function cacheFiles(dataDir: string): Promise<{ path: string; data: Buffer }[]> {
  const found: { path: string; data: Buffer }[] = [];
  const walk = async (relative: string): Promise<void> => {
    const full = path.join(dataDir, relative);
    const entries = await readdir(full, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      // Only regular files the cache itself writes: no links, no temp files of an interrupted write.
      else if (entry.isFile() && allowedPath(child))
        found.push({ path: child, data: await readFile(path.join(dataDir, child)) });
    }
  };
  for (const part of PARTS) await walk(part);
  return found;
}

/** Writes the cache as one gzipped tarball with a SHA-256 manifest, for carrying to a machine with no network. */
export async function exportCache(dataDir: string, file: string): Promise<BundleReport> {
  const files = await cacheFiles(dataDir);
  if (files.length === 0)
    throw new Refusal(`nothing cached in ${dataDir} to export; run rampart krakend sync first`);
  const created = new Date().toISOString();
  const manifest: Manifest = {
    kind: KIND,
    format: 1,
    created,
    files: Object.fromEntries(files.map((f) => [f.path, { sha256: sha256(f.data), bytes: f.data.length }])),
  };
  const entries: TarEntry[] = [
    { path: MANIFEST, type: 'file', mode: 0o600, data: Buffer.from(JSON.stringify(manifest, null, 1)) },
  ];
  const made = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!made.has(dir)) entries.push({ path: dir, type: 'directory', mode: 0o700 });
      made.add(dir);
    }
    entries.push({ path: f.path, type: 'file', mode: 0o600, data: f.data });
  }
  const archive = tarGz(entries);
  await writeFileAtomic(path.resolve(file), archive);
  return { files: files.length, bytes: archive.length, created };
}

function readManifest(data: Buffer | undefined): Manifest {
  if (!data)
    throw new Refusal(`the bundle has no ${MANIFEST}; it was not made by rampart krakend sync --export`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw new Refusal(`the bundle's ${MANIFEST} is not valid JSON`);
  }
  const manifest = parsed as Partial<Manifest>;
  if (
    manifest.kind !== KIND ||
    manifest.format !== 1 ||
    typeof manifest.files !== 'object' ||
    manifest.files === null
  )
    throw new Refusal(`the bundle's ${MANIFEST} is not a Rampart KrakenD cache manifest (format 1)`);
  return manifest as Manifest;
}

/**
 * Checks a bundle whole before anything on disk changes: every file listed in the manifest, present with its
 * size and SHA-256, nothing unlisted, every name one the cache would write, schemas and the index valid JSON.
 */
async function verifiedFiles(file: string): Promise<{ manifest: Manifest; files: Map<string, Buffer> }> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new Refusal(`bundle ${file} is not a readable file`);
  if (info.size > MAX_BUNDLE_BYTES)
    throw new Refusal(`bundle ${file} is over the ${MAX_BUNDLE_BYTES}-byte limit`);
  let entries: ReturnType<typeof readTarGz>;
  try {
    entries = readTarGz(await readFile(file), {
      maxUnpackedBytes: MAX_UNPACKED_BYTES,
      maxEntries: MAX_ENTRIES,
    });
  } catch (error) {
    throw new Refusal(`bundle ${file} is refused: ${(error as Error).message}`);
  }
  const files = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.path, e.data]));
  const manifest = readManifest(files.get(MANIFEST));
  files.delete(MANIFEST);
  for (const [name, data] of files) {
    const listed = manifest.files[name];
    if (!listed) throw new Refusal(`bundle ${file} is refused: ${name} is not in its manifest`);
    if (!allowedPath(name))
      throw new Refusal(`bundle ${file} is refused: ${name} is not a file the cache holds`);
    if (data.length !== listed.bytes || sha256(data) !== listed.sha256)
      throw new Refusal(
        `bundle ${file} is refused: ${name} does not match its SHA-256 in the manifest (tampered or damaged)`,
      );
    if (name.endsWith('.json')) {
      try {
        JSON.parse(data.toString('utf8'));
      } catch {
        throw new Refusal(`bundle ${file} is refused: ${name} is not valid JSON`);
      }
    }
  }
  for (const name of Object.keys(manifest.files)) {
    if (!files.has(name))
      throw new Refusal(`bundle ${file} is refused: ${name} is in the manifest but missing (truncated?)`);
  }
  return { manifest, files };
}

/**
 * Installs a bundle into the data directory: verified whole first, written into a fresh folder beside the cache,
 * then each part (schema, docs) renamed into place; the previous part is put back if a rename fails. A refused
 * bundle leaves the cache exactly as it was.
 */
export async function importCache(dataDir: string, file: string): Promise<BundleReport> {
  const { manifest, files } = await verifiedFiles(path.resolve(file));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const staging = path.join(dataDir, `.import-${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    let bytes = 0;
    for (const [name, data] of files) {
      const target = path.join(staging, 'new', name);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await writeFile(target, data, { mode: 0o600, flag: 'wx' });
      bytes += data.length;
    }
    await mkdir(path.join(staging, 'old'), { mode: 0o700 });
    const swapped: string[] = [];
    try {
      for (const part of PARTS) {
        const incoming = path.join(staging, 'new', part);
        if (!(await lstat(incoming).catch(() => undefined))) continue;
        const current = path.join(dataDir, part);
        if (await lstat(current).catch(() => undefined))
          await rename(current, path.join(staging, 'old', part));
        await rename(incoming, current);
        swapped.push(part);
      }
    } catch (error) {
      for (const part of swapped.reverse()) {
        await rm(path.join(dataDir, part), { recursive: true, force: true });
        await rename(path.join(staging, 'old', part), path.join(dataDir, part)).catch(() => {});
      }
      throw error;
    }
    return { files: files.size, bytes, created: manifest.created };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
