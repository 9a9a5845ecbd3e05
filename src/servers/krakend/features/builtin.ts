import type { Catalog, Feature, Scope } from '../schema/catalog.js';
import { compareVersions } from '../schema/versions.js';
import { KNOWN_NAMESPACES } from './known.js';

const SITE = 'https://www.krakend.io';

/** Whether a version falls in a list of ranges like `2.1-2.6,2.13`. */
export function inRanges(version: string, ranges: string): boolean {
  return ranges.split(',').some((range) => {
    const [from, to = from] = range.split('-') as [string, string?];
    return compareVersions(version, from) >= 0 && compareVersions(version, to) <= 0;
  });
}

/** The first version of a range list: when a namespace arrived. */
export function firstVersion(ranges: string): string {
  return ranges.split(/[-,]/)[0] as string;
}

const NO_KEYS = new Set<string>();

/**
 * A catalog for one version from Rampart's own namespace list, for when the version's schema is not at hand. It has
 * names, scopes, editions and links; descriptions and settings come from the schema (`rampart krakend sync`).
 */
export function builtinCatalog(version: string): Catalog {
  const features: Feature[] = [];
  for (const [namespace, scope, edition, versions, docsPath] of KNOWN_NAMESPACES) {
    if (!inRanges(version, versions)) continue;
    features.push({
      namespace,
      scope,
      title: namespace,
      description: '',
      edition,
      properties: [],
      ...(docsPath ? { docsUrl: `${SITE}${docsPath}` } : {}),
    });
  }
  const index = new Map<string, Feature[]>();
  for (const feature of features)
    index.set(feature.namespace, [...(index.get(feature.namespace) ?? []), feature]);
  const keys = {} as Record<Scope, ReadonlySet<string>>;
  for (const scope of ['service', 'endpoint', 'backend', 'async_agent', 'workflow'] as const)
    keys[scope] = NO_KEYS;
  return { version, features, keys, byNamespace: (namespace) => index.get(namespace) ?? [] };
}

/** The versions, among Rampart's list, in which a namespace is known in a scope (for "added in v2.10" hints). */
export function versionsKnowing(namespace: string, scope: Scope): string | undefined {
  const rows = KNOWN_NAMESPACES.filter((row) => row[0] === namespace && row[1] === scope);
  return rows.length > 0 ? rows.map((row) => row[3]).join(',') : undefined;
}
