import type { Ajv, ValidateFunction } from 'ajv';
import { Refusal } from '../../../core/errors.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { SchemaDocuments } from './documents.js';
import type { SchemaOrigin, SchemaSource } from './source.js';
import {
  CANONICAL_SCHEMA_BASE,
  isVersion,
  KNOWN_VERSIONS,
  type SchemaTarget,
  versionOfAlias,
} from './versions.js';

interface AjvLibrary {
  readonly Ajv: typeof import('ajv').Ajv;
  readonly Ajv2019: typeof import('ajv/dist/2019.js').Ajv2019;
  readonly Ajv2020: typeof import('ajv/dist/2020.js').Ajv2020;
  readonly addFormats: (ajv: Ajv) => Ajv;
}

let ajvLibrary: Promise<AjvLibrary> | undefined;
/** ajv and its formats, loaded with the first schema compiled rather than when the krakend server starts. */
function loadAjv(): Promise<AjvLibrary> {
  ajvLibrary ??= Promise.all([
    import('ajv'),
    import('ajv/dist/2019.js'),
    import('ajv/dist/2020.js'),
    import('ajv-formats'),
  ]).then(([core, v2019, v2020, formats]) => ({
    Ajv: core.Ajv,
    Ajv2019: v2019.Ajv2019,
    Ajv2020: v2020.Ajv2020,
    // ajv-formats is CommonJS; under ESM its default export arrives wrapped.
    addFormats: formats.default as unknown as (ajv: Ajv) => Ajv,
  }));
  return ajvLibrary;
}

export type SchemaDraft = 'draft-07' | '2019-09' | '2020-12';

/** One schema version, compiled: the validator and every document it was built from. */
export interface LoadedSchema {
  readonly version: string;
  readonly draft: SchemaDraft;
  readonly validate: ValidateFunction;
  readonly documents: SchemaDocuments;
  /** Where the documents came from; `mixed` when part was cached and part downloaded. */
  readonly origin: SchemaOrigin | 'mixed';
  readonly compileMs: number;
  readonly catalog: Catalog;
}

export interface ResolvedTarget {
  readonly version: string;
  /** Why this version was chosen when the config did not name one. */
  readonly note?: string;
}

/** Loads and compiles KrakenD's schemas on demand, once per version per process. */
export class SchemaRegistry {
  private readonly compiled = new Map<string, Promise<LoadedSchema>>();
  private latest: Promise<string> | undefined;
  private readonly catalogs = new Map<string, Promise<Catalog | undefined>>();

  constructor(readonly source: SchemaSource) {}

  /** Picks the version a config asks for; an unversioned or missing `$schema` means the latest. */
  async resolve(target: SchemaTarget, signal?: AbortSignal): Promise<ResolvedTarget> {
    switch (target.kind) {
      case 'version':
        return { version: target.version };
      case 'alias': {
        if (target.document === 'krakend.json') {
          return {
            version: await this.latestVersion(signal),
            note: 'unversioned $schema: the latest version',
          };
        }
        const alias = await this.source.read(target.document, signal);
        const version = versionOfAlias(alias.json);
        if (!version)
          throw new Refusal(`$schema document ${target.document} does not point at a versioned schema`);
        return { version, note: `${target.document} points at v${version}` };
      }
      case 'none':
        return {
          version: await this.latestVersion(signal),
          note: 'no $schema: validated against the latest version',
        };
      case 'foreign':
        return {
          version: await this.latestVersion(signal),
          note: `$schema ${target.url} is not a krakend.io schema: validated against the latest version`,
        };
    }
  }

  /** The version krakend.io's unversioned root points at, or the newest one this release knows when offline. */
  latestVersion(signal?: AbortSignal): Promise<string> {
    this.latest ??= this.source
      .read('krakend.json', signal)
      .then((root) => versionOfAlias(root.json) ?? newestKnown())
      .catch(() => newestKnown());
    return this.latest;
  }

  load(version: string, signal?: AbortSignal): Promise<LoadedSchema> {
    if (!isVersion(version)) throw new Refusal(`schema version "${version}" is not of the form 2.13`);
    let loading = this.compiled.get(version);
    if (!loading) {
      loading = compileVersion(this.source, version, signal);
      this.compiled.set(version, loading);
      loading.catch(() => this.compiled.delete(version));
    }
    return loading;
  }

  /**
   * The catalogs of every known version that can be read without a download (a local folder or the cache), for
   * hints like "this namespace exists in v2.10 and later". Read once, without compiling.
   */
  async localCatalogs(): Promise<Catalog[]> {
    const found = await Promise.all(KNOWN_VERSIONS.map((version) => this.localCatalog(version)));
    return found.filter((c): c is Catalog => c !== undefined);
  }

  /** A version's catalog if it can be had without a download: compiled already, or in the local folder or cache. */
  async catalogWithoutDownload(version: string): Promise<Catalog | undefined> {
    const compiled = this.compiled.get(version);
    const loaded = compiled ? await compiled.catch(() => undefined) : undefined;
    return loaded?.catalog ?? this.localCatalog(version);
  }

  private localCatalog(version: string): Promise<Catalog | undefined> {
    let reading = this.catalogs.get(version);
    if (!reading) {
      const compiled = this.compiled.get(version);
      reading = compiled
        ? compiled.then((loaded) => loaded.catalog).catch(() => undefined)
        : SchemaDocuments.gather(
            this.source,
            `${CANONICAL_SCHEMA_BASE}v${version}/krakend.json`,
            undefined,
            true,
          )
            .then((documents) => buildCatalog(version, documents))
            .catch(() => undefined);
      this.catalogs.set(version, reading);
    }
    return reading;
  }
}

function newestKnown(): string {
  return KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1] as string;
}

async function compileVersion(
  source: SchemaSource,
  version: string,
  signal?: AbortSignal,
): Promise<LoadedSchema> {
  const rootUrl = `${CANONICAL_SCHEMA_BASE}v${version}/krakend.json`;
  const documents = await SchemaDocuments.gather(source, rootUrl, signal);
  const draft = draftOf(documents.root);
  const started = performance.now();
  const ajv = await makeAjv(draft);
  for (const [url, json] of documents.entries()) ajv.addSchema(json as object, url);
  const validate = ajv.getSchema(rootUrl);
  if (!validate) throw new Refusal(`schema v${version} did not compile`);
  return {
    version,
    draft,
    validate,
    documents,
    origin: documents.origin,
    compileMs: Math.round(performance.now() - started),
    catalog: buildCatalog(version, documents),
  };
}

export function draftOf(root: unknown): SchemaDraft {
  const declared = (root as { $schema?: unknown }).$schema;
  if (typeof declared === 'string' && declared.includes('2020-12')) return '2020-12';
  if (typeof declared === 'string' && declared.includes('2019-09')) return '2019-09';
  return 'draft-07';
}

/**
 * The validator KrakenD's schemas need: their patterns use escapes that are legal in ECMA-262 but not under the
 * `u` flag (`\&`), they carry annotations ajv's strict mode rejects, and every error is wanted, not the first.
 */
export async function makeAjv(draft: SchemaDraft): Promise<Ajv> {
  const { Ajv, Ajv2019, Ajv2020, addFormats } = await loadAjv();
  const options = { strict: false, allErrors: true, unicodeRegExp: false, validateSchema: false } as const;
  const ajv =
    draft === '2020-12'
      ? new Ajv2020(options)
      : draft === '2019-09'
        ? new Ajv2019(options)
        : new Ajv(options);
  addFormats(ajv);
  return ajv;
}
