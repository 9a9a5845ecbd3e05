import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixture } from './fixtures.js';
import { serveDirectory } from './static-site.js';
import type { LocalServer } from './web.js';

/** The fixture docs as krakend.io's llms-full.txt lays them out: `# Title`, a Source line, then the page. */
export function llmsFullText(docsRoot = fixture('krakend', 'docs')): string {
  const pages: string[] = ['KrakenD documentation, every page in one file.'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md') && entry.name !== 'README.md') {
        const text = readFileSync(full, 'utf8');
        const front = /^---\n([\s\S]*?)\n---\n?/.exec(text);
        const title = /^title:\s*"?(.+?)"?\s*$/m.exec(front?.[1] ?? '')?.[1] ?? entry.name;
        const slug = path
          .relative(docsRoot, full)
          .replace(/(?:\/?_index)?\.md$/, '')
          .toLowerCase();
        pages.push(
          `# ${title}\nSource: https://www.krakend.io/docs/${slug}/\n\n${text.slice(front?.[0].length ?? 0)}`,
        );
      }
    }
  };
  walk(docsRoot);
  return pages.join('\n\n');
}

/** krakend.io on loopback: the fixture schemas under /schema/ and the fixture docs as /llms-full.txt. */
export function serveKrakendSite(): Promise<LocalServer> {
  return serveDirectory(fixture('krakend', 'schema'), '/schema/', {
    '/llms-full.txt': {
      status: 200,
      body: llmsFullText(),
      headers: { 'content-type': 'text/plain', etag: '"docs-1"' },
    },
  });
}
