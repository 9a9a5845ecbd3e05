import { builtinCatalog } from '../features/builtin.js';
import type { Catalog } from './catalog.js';
import type { LoadedSchema, SchemaRegistry } from './registry.js';
import { KNOWN_VERSIONS, type SchemaTarget } from './versions.js';

/** The longest a tool waits on schema downloads before it answers with the checks that need none. */
export const DOWNLOAD_BUDGET_MS = 10_000;

export const SYNC_HINT = 'run `rampart krakend sync` (or start with --schema-dir)';

export type SchemaAnswer =
  | { readonly version: string; readonly note?: string; readonly schema: LoadedSchema }
  | {
      readonly version: string;
      readonly note?: string;
      readonly schema?: undefined;
      /** Why the schema could not be had, for the layer report. */
      readonly unavailable: string;
      /** The version's namespaces: from a cached or local schema when one is readable, else Rampart's list. */
      readonly catalog: Catalog;
      readonly catalogSource: 'schema' | 'rampart';
    };

/**
 * The schema a config targets, waiting at most the download timeout (and at most 10 s) for the network; when it
 * cannot be had, the answer says why and carries the best catalog available without it, so no tool hangs on a
 * DNS lookup or fails outright for want of a download.
 */
export async function schemaWithin(
  registry: SchemaRegistry,
  target: SchemaTarget,
  signal: AbortSignal,
): Promise<SchemaAnswer> {
  const budgetMs = Math.min(registry.source.options.timeoutMs, DOWNLOAD_BUDGET_MS);
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(budgetMs)]);
  const why = (error: unknown) => {
    if (bounded.aborted && !signal.aborted) return `no answer within ${budgetMs} ms`;
    return error instanceof Error ? error.message : String(error);
  };
  let version: string;
  let note: string | undefined;
  try {
    ({ version, note } = await registry.resolve(target, bounded));
  } catch {
    version = KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1] as string;
    note = `assumed v${version}, the newest this release knows`;
  }
  try {
    const schema = await registry.load(version, bounded);
    return { version, ...(note ? { note } : {}), schema };
  } catch (error) {
    signal.throwIfAborted();
    const local = await registry.catalogWithoutDownload(version);
    return {
      version,
      ...(note ? { note } : {}),
      unavailable: `unavailable offline — ${SYNC_HINT} (${why(error)})`,
      catalog: local ?? builtinCatalog(version),
      catalogSource: local ? 'schema' : 'rampart',
    };
  }
}
