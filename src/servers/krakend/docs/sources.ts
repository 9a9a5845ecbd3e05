import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type DocPage, pageFromHugo } from './pages.js';

const MAX_FILES = 5000;

/** Every markdown file under a folder, relative, sorted: the KrakenD documentation repository's layout. */
export async function markdownFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith('.md') && entry.name !== 'README.md') {
        found.push(path.relative(root, full));
        if (found.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} markdown files under ${root}`);
      }
    }
  };
  await walk(root);
  return found.sort();
}

/** Names, sizes and modification times: when none changed, the cached index of the folder is still right. */
export async function folderFingerprint(root: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    const info = await stat(path.join(root, file));
    hash.update(`${file}\u0000${info.size}\u0000${info.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export async function pagesFromFolder(
  root: string,
  files: readonly string[],
  siteBase: string,
  onPage?: (done: number, total: number) => void,
): Promise<DocPage[]> {
  const pages: DocPage[] = [];
  let done = 0;
  for (const file of files) {
    const page = pageFromHugo(file, await readFile(path.join(root, file), 'utf8'), siteBase);
    if (page) pages.push(page);
    onPage?.(++done, files.length);
  }
  return pages;
}
