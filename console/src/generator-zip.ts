import { strToU8, type Zippable, zipSync } from 'fflate';
import type { GeneratedFile } from './generator-api';

/** The folder a project unpacks into, as `rampart new` names it: the package name without its scope. */
export function projectFolder(name: string): string {
  return name.replace(/^@[^/]+\//, '');
}

/** The project's files under one top folder, zipped in the browser: the gateway never writes a file. */
export function zipProject(folder: string, files: readonly GeneratedFile[]): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) entries[`${folder}/${file.path}`] = strToU8(file.content);
  return zipSync(entries, { level: 6 });
}

/** Offers `bytes` as a download named `fileName`, through an object URL that is revoked once it has been used. */
export function offerDownload(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The download has started from the URL by the time the click returns; a moment later it is let go.
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }
}
