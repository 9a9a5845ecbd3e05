import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { DOWNLOAD_BUDGET_MS, SYNC_HINT } from '../schema/bounded.js';
import { type KrakendContext, READ_ONLY } from './shared.js';

export function searchDocumentationTool(ctx: KrakendContext) {
  return defineTool({
    name: 'search_documentation',
    title: 'Search the KrakenD documentation',
    description:
      'Full-text search (BM25 with prefix and fuzzy matching) over the KrakenD documentation, chunked by heading. ' +
      'Returns the best section per page: title, breadcrumb, URL with the section anchor, and the matching ' +
      'passage. Works offline from the cached index; the first call may build it.',
    input: z.object({
      query: z.string().min(1).max(500).describe('What to look for, e.g. "rate limit per IP"'),
      max_results: z.number().int().min(1).max(20).default(5).describe('How many pages to return'),
    }),
    output: z.object({
      query: z.string(),
      results: z.array(
        z.object({
          title: z.string(),
          heading: z.string(),
          breadcrumb: z.string(),
          url: z.string(),
          score: z.number(),
          passage: z.string(),
        }),
      ),
      source: z.string(),
      indexed_at: z.string().describe('When the index was built; empty when there is none'),
      unavailable: z
        .string()
        .optional()
        .describe('Why no docs could be searched, and the next step (rampart krakend sync, --docs-dir)'),
    }),
    annotations: { ...READ_ONLY, openWorldHint: true },
    async handler(args, { signal }) {
      const budgetMs = Math.min(ctx.docs.options.timeoutMs, DOWNLOAD_BUDGET_MS);
      const bounded = AbortSignal.any([signal, AbortSignal.timeout(budgetMs)]);
      let index: Awaited<ReturnType<typeof ctx.docs.index>>;
      try {
        index = await ctx.docs.index(bounded);
      } catch (error) {
        signal.throwIfAborted();
        const why = bounded.aborted ? `no answer within ${budgetMs} ms` : (error as Error).message;
        return {
          query: args.query,
          results: [],
          source: ctx.docs.source,
          indexed_at: '',
          unavailable:
            `the KrakenD docs are not cached here and could not be fetched (${why}); ` +
            `${SYNC_HINT.replace('--schema-dir', '--docs-dir')}, or read https://www.krakend.io/docs/`,
        };
      }
      const status = await ctx.docs.status(signal);
      return {
        query: args.query,
        results: index.query(args.query, args.max_results),
        source: status.source,
        indexed_at: status.builtAt,
      };
    },
    present: (r) =>
      r.unavailable
        ? `no documentation to search: ${r.unavailable}`
        : r.results.length === 0
          ? `no documentation matches "${r.query}"`
          : r.results
              .map(
                (hit, i) =>
                  `${i + 1}. ${hit.breadcrumb}\n   ${hit.url}\n   ${hit.passage.replace(/\n+/g, '\n   ')}`,
              )
              .join('\n\n'),
  });
}

export function refreshDocumentationTool(ctx: KrakendContext) {
  return defineTool({
    name: 'refresh_documentation_index',
    title: 'Refresh the KrakenD documentation index',
    description:
      'Re-reads the documentation and rebuilds the search index when it changed. Without `force`, a fresh index ' +
      '(under 7 days) is kept and a stale one is re-checked with its ETag; `force` downloads and rebuilds. The ' +
      'new index replaces the old in one step, so searches never see half of one.',
    input: z.object({ force: z.boolean().default(false).describe('Rebuild even when the index is fresh') }),
    output: z.object({
      updated: z.boolean(),
      message: z.string(),
      source: z.string(),
      chunks: z.number().int(),
      pages: z.number().int(),
      checked_at: z.string(),
      built_at: z.string(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    scope: 'read',
    async handler(args, { signal, progress }) {
      const report = await ctx.docs.refresh({
        force: args.force,
        signal,
        progress: (done, total, message) => void progress(done, total, message),
      });
      return {
        updated: report.updated,
        message: report.message,
        source: report.source,
        chunks: report.chunks,
        pages: report.pages,
        checked_at: report.checkedAt,
        built_at: report.builtAt,
      };
    },
    present: (r) => `${r.message}: ${r.pages} pages, ${r.chunks} sections from ${r.source}`,
  });
}
