import type { KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundle } from './bundle.js';
import { consoleFiles } from './console-files.js';
import { type KrakendDocsRequest, krakendDocsFiles } from './krakend-docs.js';
import { shippedFiles } from './shipped.js';
import { checksums, publicKeyOf, signChecksums } from './signing.js';
import { type TarEntry, tarGz } from './tar.js';

export interface ReleaseRequest {
  readonly repo: string;
  readonly outDir: string;
  readonly version: string;
  readonly signingKey: KeyObject;
  /** Where to fetch the KrakenD docs snapshot from; without it the release ships none. */
  readonly krakendDocs?: KrakendDocsRequest;
}

export interface Release {
  readonly tarball: string;
  readonly files: readonly string[];
  /** The base64 ed25519 public key that verifies SHA256SUMS.sig: the one the installer must pin. */
  readonly publicKey: string;
  readonly bytes: number;
}

export const tarballName = (version: string) => `rampart-${version}.tgz`;

/** Directory entries for every parent of the files, each once, before the files inside it. */
function withDirectories(files: readonly { path: string; data: Buffer; mode: number }[]): TarEntry[] {
  const entries: TarEntry[] = [];
  const made = new Set<string>();
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (made.has(dir)) continue;
      made.add(dir);
      entries.push({ path: dir, type: 'directory', mode: 0o755 });
    }
    entries.push({ path: file.path, type: 'file', mode: file.mode, data: file.data });
  }
  return entries;
}

/**
 * Builds a release: the esbuild bundle of the CLI and its workers, the packages that must ship beside it, the
 * web console freshly built by Vite into console/, a package.json marking the files as ES modules, all in `rampart-<version>.tgz`; then SHA256SUMS and its ed25519
 * signature. Nothing is written until everything is built.
 */
export async function buildRelease(request: ReleaseRequest): Promise<Release> {
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(request.version))
    throw new Error(`version "${request.version}" is not a semantic version like 1.2.3`);
  const files = [
    ...(await bundle(request.repo, request.version)),
    ...shippedFiles(request.repo),
    ...(await consoleFiles(request.repo)),
    ...(request.krakendDocs ? await krakendDocsFiles(request.krakendDocs) : []),
    {
      path: 'package.json',
      data: Buffer.from(
        `${JSON.stringify({ name: 'rampart-release', version: request.version, private: true, type: 'module' }, null, 2)}\n`,
      ),
      mode: 0o644,
    },
    { path: 'VERSION', data: Buffer.from(`${request.version}\n`), mode: 0o644 },
  ];
  const archive = tarGz(withDirectories(files));
  const tarball = tarballName(request.version);
  const sums = checksums([{ name: tarball, data: archive }]);
  const signature = signChecksums(sums, request.signingKey);
  mkdirSync(request.outDir, { recursive: true });
  writeFileSync(path.join(request.outDir, tarball), archive);
  writeFileSync(path.join(request.outDir, 'SHA256SUMS'), sums);
  writeFileSync(path.join(request.outDir, 'SHA256SUMS.sig'), signature);
  return {
    tarball,
    files: [tarball, 'SHA256SUMS', 'SHA256SUMS.sig'],
    publicKey: publicKeyOf(request.signingKey),
    bytes: archive.length,
  };
}
