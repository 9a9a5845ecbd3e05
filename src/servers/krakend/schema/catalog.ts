import { isObject, type Located, type SchemaDocuments } from './documents.js';

/** Where in a config a namespace may go: the `extra_config` of the service, an endpoint, a backend, … */
export type Scope = 'service' | 'endpoint' | 'backend' | 'async_agent' | 'workflow';

export const SCOPES: readonly Scope[] = ['service', 'endpoint', 'backend', 'async_agent', 'workflow'];

export type Edition = 'ce' | 'ee';

export interface Feature {
  readonly namespace: string;
  readonly scope: Scope;
  readonly title: string;
  readonly description: string;
  readonly edition: Edition;
  readonly docsUrl?: string;
  /** The settings the namespace takes in this version. */
  readonly properties: readonly string[];
}

/** The keys an object of each scope may hold outside extra_config (`endpoint`, `backend`, `timeout`, …). */
export type ScopeKeys = Readonly<Record<Scope, ReadonlySet<string>>>;

/** Everything one schema version says about features and keys. */
export interface Catalog {
  readonly version: string;
  readonly features: readonly Feature[];
  readonly keys: ScopeKeys;
  /** The features of a namespace in each scope where the version allows it. */
  byNamespace(namespace: string): readonly Feature[];
}

const EXTRA_CONFIG_DOCUMENTS: Record<Scope, string> = {
  service: 'service_extra_config.json',
  endpoint: 'endpoint_extra_config.json',
  backend: 'backend_extra_config.json',
  async_agent: 'async_agent_extra_config.json',
  workflow: 'workflow_extra_config.json',
};

const OBJECT_DOCUMENTS: Record<Scope, string> = {
  service: 'krakend.json',
  endpoint: 'endpoint.json',
  backend: 'backend.json',
  async_agent: 'async_agent.json',
  workflow: 'workflow.json',
};

const ENTERPRISE_TEXT = /\benterprise only\b/i;
const SEE_LINK = /See:\s*(\S+)/;

/** Reads the feature catalog out of the schema documents: no hand-kept list of namespaces or editions. */
export function buildCatalog(version: string, documents: SchemaDocuments): Catalog {
  const features: Feature[] = [];
  const keys = {} as Record<Scope, ReadonlySet<string>>;
  for (const scope of SCOPES) {
    keys[scope] = new Set(Object.keys(propertiesOf(documents, OBJECT_DOCUMENTS[scope]) ?? {}));
    const extra = extraConfigOf(documents, scope);
    if (!extra) continue;
    for (const [namespace, declared] of Object.entries(extra.properties)) {
      if (!isObject(declared)) continue;
      const target = documents.deref({ node: declared, base: extra.base }).node;
      features.push(describe(namespace, scope, declared, target));
    }
  }
  const index = new Map<string, Feature[]>();
  for (const feature of features) {
    const list = index.get(feature.namespace) ?? [];
    list.push(feature);
    index.set(feature.namespace, list);
  }
  return { version, features, keys, byNamespace: (namespace) => index.get(namespace) ?? [] };
}

function propertiesOf(documents: SchemaDocuments, name: string): Record<string, unknown> | undefined {
  const located = documents.named(name);
  if (!located) return undefined;
  const properties = documents.deref(located).node.properties;
  return isObject(properties) ? properties : undefined;
}

/** The extra_config schema of a scope: its own document, or what the scope object's `extra_config` points at. */
function extraConfigOf(
  documents: SchemaDocuments,
  scope: Scope,
): { properties: Record<string, unknown>; base: string } | undefined {
  const candidates: Located[] = [];
  const own = documents.named(EXTRA_CONFIG_DOCUMENTS[scope]);
  if (own) candidates.push(own);
  const object = documents.named(OBJECT_DOCUMENTS[scope]);
  if (object) {
    const resolved = documents.deref(object);
    const extra = isObject(resolved.node.properties) ? resolved.node.properties.extra_config : undefined;
    if (isObject(extra)) candidates.push({ node: extra, base: resolved.base });
  }
  for (const candidate of candidates) {
    const resolved = documents.deref(candidate);
    if (isObject(resolved.node.properties))
      return { properties: resolved.node.properties, base: resolved.base };
  }
  return undefined;
}

function describe(
  namespace: string,
  scope: Scope,
  declared: Record<string, unknown>,
  target: Record<string, unknown>,
): Feature {
  const texts = [declared.title, declared.description, target.title, target.description].filter(
    (t): t is string => typeof t === 'string' && t.trim() !== '',
  );
  const title = (firstText(declared.title) ?? firstText(target.title) ?? namespace).trim();
  const description = (firstText(target.description) ?? firstText(declared.description) ?? '')
    .replace(/\n*See:\s*\S+\s*$/, '')
    .trim();
  const docsUrl = seeLink(target.description) ?? seeLink(declared.description);
  // A namespace is Enterprise-only when its schema text says so, or when its reference page is an Enterprise page.
  const enterprise =
    texts.some((text) => ENTERPRISE_TEXT.test(text)) ||
    (docsUrl !== undefined && /\/docs\/enterprise\//.test(docsUrl));
  return {
    namespace,
    scope,
    title,
    description,
    properties: isObject(target.properties) ? Object.keys(target.properties) : [],
    edition: enterprise ? 'ee' : 'ce',
    ...(docsUrl ? { docsUrl } : {}),
  };
}

function firstText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function seeLink(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  const link = SEE_LINK.exec(description)?.[1];
  if (!link) return undefined;
  return link.startsWith('/') ? `https://www.krakend.io${link}` : link;
}
