import { parse as parseYaml } from 'yaml';

/** One documentation page, whatever it came from: a Hugo markdown file or a section of llms-full.txt. */
export interface DocPage {
  readonly title: string;
  readonly url: string;
  /** Where the page sits: the menu section, e.g. "Traffic Management". */
  readonly section: string;
  readonly description: string;
  /** Namespaces and other terms the page is about (from Hugo front matter). */
  readonly keywords: readonly string[];
  readonly body: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const SHORTCODE_LINE = /^\s*\{\{[<%][\s\S]*?[>%]\}\}\s*$/;
const SHORTCODE = /\{\{[<%]\s*\/?[^}]*?[>%]\}\}/g;

/**
 * A Hugo page of the KrakenD docs: front matter for the title, menu section and namespaces; shortcodes dropped.
 * The URL follows the site's layout: `throttling/botdetector.md` is /docs/throttling/botdetector/.
 */
export function pageFromHugo(relativePath: string, source: string, siteBase: string): DocPage | undefined {
  const match = FRONT_MATTER.exec(source);
  let front: Record<string, unknown> = {};
  if (match) {
    try {
      const parsed = parseYaml(match[1] as string);
      if (parsed && typeof parsed === 'object') front = parsed as Record<string, unknown>;
    } catch {
      front = {};
    }
  }
  if (front.draft === true) return undefined;
  const body = (match ? source.slice(match[0].length) : source)
    .split('\n')
    .filter((line) => !SHORTCODE_LINE.test(line))
    .join('\n')
    .replace(SHORTCODE, '');
  const title = text(front.title) ?? text(front.linktitle) ?? relativePath;
  const meta = (front.meta ?? {}) as Record<string, unknown>;
  const keywords = [...list(meta.namespace), ...list(front.namespace), ...list(front.keywords)];
  return {
    title,
    url: urlOf(relativePath, siteBase),
    section: sectionOf(front),
    description: text(front.description) ?? '',
    keywords,
    body,
  };
}

function urlOf(relativePath: string, siteBase: string): string {
  const withoutExt = relativePath.replace(/\\/g, '/').replace(/\.md$/, '').toLowerCase();
  const page = withoutExt.endsWith('_index') ? withoutExt.slice(0, -'_index'.length) : `${withoutExt}/`;
  return new URL(`docs/${page}`.replace(/\/+/g, '/'), siteBase).href;
}

/** Hugo menus name sections like "090 Traffic Management": the number only orders them. */
function sectionOf(front: Record<string, unknown>): string {
  const menu = front.menu as Record<string, { parent?: unknown }> | undefined;
  const parent = menu
    ? Object.values(menu).find((entry) => typeof entry?.parent === 'string')?.parent
    : undefined;
  return typeof parent === 'string' ? parent.replace(/^\d+\s+/, '') : '';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const H1 = /^# (.+)$/;
const LINKED_TITLE = /^\[(.+?)\]\((\S+?)\)\s*$/;
const SOURCE_LINE = /^(?:URL|Source|Link):\s*(\S+)\s*$/i;

/**
 * Pages of an llms-full.txt: each starts at a `# ` heading, titled `# [Title](url)` or followed by a
 * `Source: url` line. Text before the first heading is dropped (it is the file's own preamble).
 */
export function pagesFromLlmsText(source: string, siteBase: string): DocPage[] {
  const pages: DocPage[] = [];
  let current: { title: string; url: string; lines: string[] } | undefined;
  let inFence = false;
  const flush = () => {
    if (!current) return;
    let url = current.url;
    const lines = current.lines;
    const sourceLine = lines.findIndex((line) => line.trim() !== '');
    const found = sourceLine >= 0 ? SOURCE_LINE.exec((lines[sourceLine] as string).trim()) : null;
    if (found?.[1]) {
      url = found[1];
      lines.splice(sourceLine, 1);
    }
    pages.push({
      title: current.title,
      url: url ? new URL(url, siteBase).href : siteBase,
      section: sectionFromUrl(url),
      description: '',
      keywords: [],
      body: lines.join('\n'),
    });
  };
  for (const line of source.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : H1.exec(line);
    if (heading) {
      flush();
      const raw = (heading[1] as string).trim();
      const linked = LINKED_TITLE.exec(raw);
      current = {
        title: linked ? (linked[1] as string) : raw,
        url: linked ? (linked[2] as string) : '',
        lines: [],
      };
    } else {
      current?.lines.push(line);
    }
  }
  flush();
  return pages;
}

function sectionFromUrl(url: string): string {
  const match = /\/docs\/([^/]+)\//.exec(url);
  if (!match?.[1]) return '';
  return match[1].replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
