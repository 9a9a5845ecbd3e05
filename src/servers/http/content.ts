import { NodeHtmlMarkdown } from 'node-html-markdown';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../guards/limits.js';

export type ContentKind = 'markdown' | 'json' | 'text' | 'binary';

export interface Rendered {
  readonly kind: ContentKind;
  readonly text: string;
}

const converter = new NodeHtmlMarkdown({ maxConsecutiveNewlines: 2 });

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function charsetOf(contentType: string | undefined): BufferEncoding {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === 'iso-8859-1' || charset === 'latin1' || charset === 'us-ascii' || charset === 'ascii')
    return 'latin1';
  return 'utf8';
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');
const isHtml = (type: string) => type === 'text/html' || type === 'application/xhtml+xml';
const isText = (type: string) =>
  type.startsWith('text/') ||
  type.endsWith('+xml') ||
  ['application/xml', 'application/javascript', 'application/x-yaml', 'application/yaml', ''].includes(type);

/** Whether the bytes look like text: no NUL in the first few kilobytes. */
function looksLikeText(body: Buffer): boolean {
  return !body.subarray(0, 4096).includes(0);
}

/**
 * A body as the model reads it: HTML as Markdown (unless `raw`), JSON pretty-printed (as text when it does not
 * parse, e.g. cut at the size cap), other text as it is. Binary bodies are described, not shown.
 */
export function render(body: Buffer, contentType: string | undefined, raw: boolean): Rendered {
  const type = mediaType(contentType);
  if (!isJson(type) && !isHtml(type) && !isText(type) && !looksLikeText(body)) {
    return { kind: 'binary', text: `(${body.length} bytes of ${type || 'unknown'} content, not shown)` };
  }
  const text = body.toString(charsetOf(contentType));
  if (isJson(type) && !raw) {
    try {
      const value: unknown = JSON.parse(text);
      // Past the depth policy the body stays text: its parsed data would be walked by recursion downstream.
      if (!exceedsJsonDepth(value, MAX_JSON_DEPTH))
        return { kind: 'json', text: JSON.stringify(value, null, 2) };
    } catch {
      // shown as text below
    }
    return { kind: 'text', text };
  }
  if (isHtml(type) && !raw) return { kind: 'markdown', text: converter.translate(text).trim() };
  return { kind: 'text', text };
}

export interface Page {
  readonly text: string;
  readonly startIndex: number;
  readonly totalLength: number;
  /** Where the next page starts; undefined on the last page. */
  readonly nextStartIndex: number | undefined;
}

/** Characters [start, start + max) of `text`, never splitting a surrogate pair. */
export function page(text: string, startIndex: number, maxLength: number): Page {
  const start = Math.min(startIndex, text.length);
  let end = Math.min(text.length, start + maxLength);
  const last = text.charCodeAt(end - 1);
  if (end < text.length && end > start && last >= 0xd800 && last <= 0xdbff) end--;
  return {
    text: text.slice(start, end),
    startIndex: start,
    totalLength: text.length,
    nextStartIndex: end < text.length ? end : undefined,
  };
}
