import { currentNamespaceOf } from './audit/aliases.js';
import type { Catalog, Scope } from './schema/catalog.js';
import { compareVersions } from './schema/versions.js';
import { placeOf, SCOPE_NAMES } from './scope.js';

/** Why a key is unknown, when the schemas can tell: another scope, another version, or a KrakenD 1.x name. */
export function unknownKeyHint(
  segments: readonly (string | number)[],
  key: string,
  current: Catalog,
  others: readonly Catalog[],
): string | undefined {
  const place = placeOf(segments);
  if (place.inExtraConfig) return namespaceHint(key, place.scope, current, others);
  return fieldHint(key, place.scope, current, others);
}

function namespaceHint(
  key: string,
  scope: Scope,
  current: Catalog,
  others: readonly Catalog[],
): string | undefined {
  const renamed = currentNamespaceOf(key);
  if (renamed) return `"${key}" is the KrakenD 1.x name of "${renamed}"; KrakenD 2 configs use "${renamed}"`;
  const elsewhere = current.byNamespace(key).map((f) => f.scope);
  if (elsewhere.length > 0 && !elsewhere.includes(scope)) {
    return `"${key}" goes in the extra_config of ${listScopes(elsewhere)}, not of ${SCOPE_NAMES[scope]}`;
  }
  const versions = others
    .filter((c) => c.byNamespace(key).some((f) => f.scope === scope))
    .map((c) => c.version);
  if (versions.length > 0)
    return `"${key}" exists in ${describeVersions(versions)} but not in v${current.version}`;
  const anywhere = others.filter((c) => c.byNamespace(key).length > 0).map((c) => c.version);
  if (anywhere.length > 0) return `"${key}" exists in ${describeVersions(anywhere)}, in other scopes`;
  const suggestion = closest(
    key,
    current.features.filter((f) => f.scope === scope).map((f) => f.namespace),
  );
  return suggestion
    ? `no KrakenD v${current.version} namespace is called "${key}"; did you mean "${suggestion}"?`
    : undefined;
}

function fieldHint(
  key: string,
  scope: Scope,
  current: Catalog,
  others: readonly Catalog[],
): string | undefined {
  const scopes = (Object.keys(current.keys) as Scope[]).filter(
    (s) => s !== scope && current.keys[s].has(key),
  );
  if (scopes.length > 0) return `"${key}" is a key of ${listScopes(scopes)}, not of ${SCOPE_NAMES[scope]}`;
  const versions = others.filter((c) => c.keys[scope].has(key)).map((c) => c.version);
  if (versions.length > 0)
    return `"${key}" is a key of ${SCOPE_NAMES[scope]} in ${describeVersions(versions)} but not in v${current.version}`;
  if (current.features.some((f) => f.namespace === key)) {
    return `"${key}" is a namespace: it goes inside "extra_config"`;
  }
  const suggestion = closest(key, [...current.keys[scope]]);
  return suggestion ? `did you mean "${suggestion}"?` : undefined;
}

function listScopes(scopes: readonly Scope[]): string {
  return [...new Set(scopes)].map((s) => SCOPE_NAMES[s]).join(' or ');
}

/** `v2.10–v2.13`, or a list when the versions are not contiguous in what is known. */
export function describeVersions(versions: readonly string[]): string {
  const sorted = [...new Set(versions)].sort(compareVersions);
  if (sorted.length === 1) return `v${sorted[0]}`;
  return `v${sorted[0]}–v${sorted[sorted.length - 1]}`;
}

/** The candidate within a small edit distance, for typos like `endpont`. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
