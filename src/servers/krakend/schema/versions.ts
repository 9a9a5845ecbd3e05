/** The schema versions KrakenD has published, oldest first. A newer one is found through the unversioned root. */
export const KNOWN_VERSIONS = [
  '2.1',
  '2.2',
  '2.3',
  '2.4',
  '2.5',
  '2.6',
  '2.7',
  '2.8',
  '2.9',
  '2.10',
  '2.11',
  '2.12',
  '2.13',
] as const;

/** Where KrakenD's schemas live; `$id`s inside the documents use this base whatever mirror served them. */
export const CANONICAL_SCHEMA_BASE = 'https://www.krakend.io/schema/';

/** What a config's `$schema` asks for: one version, or a root document (`krakend.json`, `v3.json`) to follow. */
export type SchemaTarget =
  | { readonly kind: 'version'; readonly version: string }
  | { readonly kind: 'alias'; readonly document: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'foreign'; readonly url: string };

const VERSIONED = /^v(\d+\.\d+)\/krakend\.json$/;
const ROOT_DOCUMENT = /^[a-z0-9_-]+\.json$/i;

/** Reads a config's `$schema`: krakend.io with or without `www`, http or https. */
export function parseSchemaUrl(value: unknown): SchemaTarget {
  if (value === undefined) return { kind: 'none' };
  if (typeof value !== 'string') return { kind: 'foreign', url: String(value) };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { kind: 'foreign', url: value };
  }
  const host = url.hostname.toLowerCase();
  if ((host !== 'www.krakend.io' && host !== 'krakend.io') || !url.pathname.startsWith('/schema/')) {
    return { kind: 'foreign', url: value };
  }
  const rest = url.pathname.slice('/schema/'.length);
  const versioned = VERSIONED.exec(rest);
  if (versioned?.[1]) return { kind: 'version', version: versioned[1] };
  if (ROOT_DOCUMENT.test(rest)) return { kind: 'alias', document: rest };
  return { kind: 'foreign', url: value };
}

/** The version a root document points at: `{"$ref": "v2.13/krakend.json"}` gives 2.13. */
export function versionOfAlias(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const ref = (document as { $ref?: unknown }).$ref;
  if (typeof ref !== 'string') return undefined;
  return VERSIONED.exec(ref.replace(/^\.\//, ''))?.[1];
}

export function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

export function isVersion(value: string): boolean {
  return /^\d+\.\d+$/.test(value);
}

export function schemaUrlOf(version: string): string {
  return `${CANONICAL_SCHEMA_BASE}v${version}/krakend.json`;
}
