import { Refusal } from '../../core/errors.js';
import { editionOf, namespacesUsed } from './editions.js';
import { builtinCatalog } from './features/builtin.js';
import type { Catalog, Edition } from './schema/catalog.js';
import type { SchemaRegistry } from './schema/registry.js';
import { KNOWN_VERSIONS, parseSchemaUrl } from './schema/versions.js';

/** The longest a detection waits on downloads before it answers with what it has. */
const DOWNLOAD_BUDGET_MS = 10_000;

export interface Target {
  readonly version: string;
  readonly note?: string;
  readonly edition: Edition | 'unknown';
  /** Whether the edition came from the version's schema or, without one, from Rampart's built-in list. */
  readonly editionSource: 'schema' | 'rampart';
  /** What could not be checked, each with why and how to check it. */
  readonly unchecked: string[];
}

function reason(error: unknown): string {
  return error instanceof Refusal || error instanceof Error ? error.message : String(error);
}

/**
 * The version and edition a config targets, from the schema in the local folder or the cache when it is there;
 * otherwise from one download bounded by the download timeout (and at most 10 s), and only when downloads are on.
 * Whatever cannot be found out that way is reported in `unchecked` instead of failing the whole answer.
 */
export async function detectTarget(
  registry: SchemaRegistry,
  config: Record<string, unknown> | undefined,
  signal: AbortSignal,
): Promise<Target> {
  const { offline, timeoutMs } = registry.source.options;
  const budgetMs = Math.min(timeoutMs, DOWNLOAD_BUDGET_MS);
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(budgetMs)]);
  const why = (error: unknown) =>
    bounded.aborted && !signal.aborted ? `no answer within ${budgetMs} ms` : reason(error);
  const unchecked: string[] = [];
  let version: string;
  let note: string | undefined;
  try {
    ({ version, note } = await registry.resolve(parseSchemaUrl(config?.$schema), bounded));
  } catch (error) {
    version = KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1] as string;
    note = `assumed v${version}, the newest this release knows`;
    unchecked.push(`version: the config's $schema could not be read (${why(error)})`);
  }
  if (!config)
    return { version, ...(note ? { note } : {}), edition: 'ce', editionSource: 'schema', unchecked };
  let catalog: Catalog | undefined = await registry.catalogWithoutDownload(version);
  let missing = `it is not in ${registry.source.describe()}`;
  if (!catalog && !offline) {
    try {
      catalog = (await registry.load(version, bounded)).catalog;
    } catch (error) {
      missing = `it could not be downloaded (${why(error)})`;
    }
  }
  if (!catalog) {
    // Rampart's own list knows every published namespace's edition; only names it does not know stay unchecked.
    const uses = namespacesUsed(config, builtinCatalog(version));
    const unknown = [...new Set(uses.filter((use) => !use.feature).map((use) => use.namespace))];
    if (unknown.length > 0)
      unchecked.push(
        `edition of ${unknown.join(', ')}: not in Rampart's built-in list for v${version}, and the v${version} ` +
          `schema is needed to decide (${missing}); validate_config or check_edition_compatibility answers once ` +
          `the schema is available (rampart krakend sync, or --schema-dir)`,
      );
    const edition = editionOf(uses).required;
    return { version, ...(note ? { note } : {}), edition, editionSource: 'rampart', unchecked };
  }
  const edition = editionOf(namespacesUsed(config, catalog)).required;
  return { version, ...(note ? { note } : {}), edition, editionSource: 'schema', unchecked };
}
