import type MiniSearch from 'minisearch';
import type { Options, SearchResult } from 'minisearch';
import type { DocChunk } from './chunks.js';

/** Bumped when chunking or index options change, so an old cached index is rebuilt rather than misread. */
export const INDEX_FORMAT = 1;

const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from how i in into is it its me my of on or that the this to use using what when where which with you your'.split(
    ' ',
  ),
);

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return STOP_WORDS.has(lower) ? null : lower;
}

const OPTIONS: Options<DocChunk> = {
  idField: 'id',
  fields: ['pageTitle', 'heading', 'keywords', 'breadcrumb', 'text'],
  storeFields: [],
  processTerm,
  searchOptions: {
    boost: { pageTitle: 4, keywords: 3, heading: 2.5, breadcrumb: 1, text: 1 },
    prefix: (term) => term.length >= 4,
    fuzzy: (term) => (term.length >= 6 ? 0.15 : 0),
    combineWith: 'OR',
    processTerm,
  },
};

let library: typeof MiniSearch | undefined;
/** MiniSearch, loaded with the first index rather than when the krakend server starts. */
async function miniSearch(): Promise<typeof MiniSearch> {
  library ??= (await import('minisearch')).default;
  return library;
}

export interface DocHit {
  readonly title: string;
  readonly heading: string;
  readonly breadcrumb: string;
  readonly url: string;
  readonly score: number;
  /** The part of the section that matched best. */
  readonly passage: string;
}

/** The searchable docs: MiniSearch (BM25+, prefix and fuzzy) over heading-sized chunks, best chunk per page. */
export class DocsIndex {
  private constructor(
    private readonly search: MiniSearch<DocChunk>,
    readonly chunks: readonly DocChunk[],
  ) {}

  static async build(chunks: readonly DocChunk[]): Promise<DocsIndex> {
    const MiniSearch = await miniSearch();
    const search = new MiniSearch<DocChunk>(OPTIONS);
    search.addAll(chunks as DocChunk[]);
    return new DocsIndex(search, chunks);
  }

  static async fromJSON(serialized: string): Promise<DocsIndex> {
    const MiniSearch = await miniSearch();
    const parsed = JSON.parse(serialized) as { format: number; chunks: DocChunk[]; index: unknown };
    if (parsed.format !== INDEX_FORMAT)
      throw new Error(`index format ${parsed.format} is not ${INDEX_FORMAT}`);
    const search = MiniSearch.loadJS<DocChunk>(
      parsed.index as Parameters<typeof MiniSearch.loadJS>[0],
      OPTIONS,
    );
    return new DocsIndex(search, parsed.chunks);
  }

  toJSON(): string {
    return JSON.stringify({ format: INDEX_FORMAT, chunks: this.chunks, index: this.search.toJSON() });
  }

  get pages(): number {
    return new Set(this.chunks.map((c) => pageOf(c.url))).size;
  }

  query(text: string, limit: number): DocHit[] {
    const results = this.search.search(text);
    const seenPages = new Set<string>();
    const hits: DocHit[] = [];
    for (const result of results) {
      const chunk = this.chunks[result.id as number];
      if (!chunk) continue;
      const page = pageOf(chunk.url);
      if (seenPages.has(page)) continue;
      seenPages.add(page);
      hits.push(toHit(chunk, result));
      if (hits.length >= limit) break;
    }
    return hits;
  }
}

function pageOf(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

const PASSAGE_CHARS = 600;

function toHit(chunk: DocChunk, result: SearchResult): DocHit {
  return {
    title: chunk.pageTitle,
    heading: chunk.heading,
    breadcrumb: chunk.breadcrumb,
    url: chunk.url,
    score: Math.round(result.score * 100) / 100,
    passage: passageOf(chunk.text, result.terms),
  };
}

/** The window of the section with the most matched terms, cut at word boundaries. */
function passageOf(text: string, terms: readonly string[]): string {
  if (text.length <= PASSAGE_CHARS) return text;
  const lower = text.toLowerCase();
  let bestStart = 0;
  let bestCount = -1;
  for (let start = 0; start < lower.length; start += 150) {
    const window = lower.slice(start, start + PASSAGE_CHARS);
    const count = terms.reduce((sum, term) => sum + (window.includes(term) ? 1 : 0), 0);
    if (count > bestCount) {
      bestCount = count;
      bestStart = start;
    }
  }
  const from = bestStart === 0 ? 0 : text.indexOf(' ', bestStart) + 1;
  const to = Math.min(text.length, from + PASSAGE_CHARS);
  const cut = to < text.length ? text.lastIndexOf(' ', to) : to;
  return `${from > 0 ? '…' : ''}${text.slice(from, cut > from ? cut : to).trim()}${to < text.length ? '…' : ''}`;
}
