import type { DocPage } from './pages.js';

/** A searchable piece of a page: one heading's section. */
export interface DocChunk {
  readonly id: number;
  readonly pageTitle: string;
  readonly heading: string;
  readonly breadcrumb: string;
  readonly url: string;
  readonly keywords: string;
  readonly text: string;
}

const HEADING = /^(#{2,3})\s+(.+?)\s*#*\s*$/;
const MAX_CHUNK_CHARS = 4000;

/**
 * Splits a page at its `##` and `###` headings. The opening text before the first heading carries the page's
 * description; an oversized section is split at paragraph breaks so one passage never drowns the others.
 */
export function chunkPage(page: DocPage, firstId: number): DocChunk[] {
  const sections: { heading: string; lines: string[] }[] = [{ heading: '', lines: [] }];
  let inFence = false;
  for (const line of page.body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) sections.push({ heading: cleanHeading(heading[2] as string), lines: [] });
    else (sections[sections.length - 1] as { lines: string[] }).lines.push(line);
  }
  const chunks: DocChunk[] = [];
  for (const section of sections) {
    let body = section.lines.join('\n').trim();
    if (section.heading === '' && page.description) body = `${page.description}\n\n${body}`.trim();
    if (body === '' && section.heading === '') continue;
    for (const piece of splitLong(body)) {
      chunks.push({
        id: firstId + chunks.length,
        pageTitle: page.title,
        heading: section.heading,
        breadcrumb: [page.section, page.title, section.heading].filter((part) => part !== '').join(' › '),
        url: section.heading ? `${page.url}#${anchorOf(section.heading)}` : page.url,
        keywords: page.keywords.join(' '),
        text: piece,
      });
    }
  }
  return chunks;
}

function cleanHeading(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\{#[^}]*\}/, '')
    .trim();
}

/** Hugo's heading anchors: lower case, spaces to dashes, punctuation dropped. */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
}

function splitLong(text: string): string[] {
  if (text.length <= MAX_CHUNK_CHARS) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (current && current.length + paragraph.length > MAX_CHUNK_CHARS) {
      pieces.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) pieces.push(current);
  return pieces;
}
