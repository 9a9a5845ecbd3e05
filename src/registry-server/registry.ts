import { type VersionAnswer, versionAnswer } from './answers.js';
import { compatibilityProblems, type PriorVersion } from './compat/check.js';
import type { CompatibilityLevel } from './compat/levels.js';
import {
  contextNotEmpty,
  IncompatibleSchemaError,
  idTaken,
  incompatibleSchema,
  invalidSchema,
  invalidVersion,
  operationNotPermitted,
  referenceExists,
  schemaNotFound,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  unknownSchemaType,
  versionNotFound,
  versionNotNext,
  versionNotSoftDeleted,
  versionSoftDeleted,
  versionTaken,
} from './errors.js';
import { included, type Page, page, SchemaQueries, type VersionFilter } from './queries.js';
import { liveReferenced, resolveReferences } from './references.js';
import { registrationCheck } from './registration-check.js';
import { fingerprintOf } from './schema-identity.js';
import { parseSchema } from './schemas/parse.js';
import { parseStoredSchema } from './schemas/parse-stored.js';
import {
  type ParsedSchema,
  type ResolvedReference,
  type RuleSet,
  SCHEMA_TYPES,
  type SchemaMetadata,
  type SchemaReference,
  type SchemaType,
  type StoredSchema,
} from './schemas/types.js';
import { contextKeyOf, type Mode, Settings } from './settings.js';
import type { NewSchema, RegistryStore, SubjectVersion } from './store/types.js';

export type { VersionAnswer } from './answers.js';
export { MODES, type Mode } from './settings.js';

/** What a client sends to register, look up or test a schema. */
export interface SchemaRequest {
  readonly schema: string;
  readonly schemaType?: string;
  readonly references?: readonly SchemaReference[];
  readonly id?: number;
  readonly version?: number;
  readonly metadata?: SchemaMetadata;
  readonly ruleSet?: RuleSet;
}

const MAX_VERSION = 2 ** 31 - 1;
const PARSED_CACHE_LIMIT = 10_000;

/** The context a subject is in, as Confluent's messages name it: empty for the default context. */
const qualifiedContext = (subject: string) => contextKeyOf(subject) ?? '';

/**
 * The Schema Registry's rules over a store: registration with compatibility checks and modes, lookups, soft and
 * permanent deletes, the way Confluent Schema Registry behaves. Config and mode live in `settings`, reads that
 * span subjects in `queries`.
 */
export class Registry {
  readonly settings: Settings;
  readonly queries: SchemaQueries;

  constructor(
    private readonly store: RegistryStore,
    defaults: { compatibility: CompatibilityLevel; mode: Mode },
  ) {
    this.settings = new Settings(store, defaults);
    this.queries = new SchemaQueries(store);
  }

  // ---- schemas ------------------------------------------------------------------------------------------

  /**
   * Confluent's registration: a schema the subject already has is answered whatever the mode; otherwise READONLY
   * refuses, an id needs IMPORT mode and IMPORT mode needs an id. Outside IMPORT, a registration without metadata
   * or rules takes the latest version's, and an empty schema stands for the latest version's schema.
   */
  async register(subject: string, request: SchemaRequest, normalize = false): Promise<VersionAnswer> {
    const mode = await this.settings.effectiveMode(subject);
    const importing = mode === 'IMPORT';
    const live = await this.store.versions(subject, false);
    const latest = live.at(-1);
    const previous = latest && !importing ? await this.requireSchema(latest.id) : undefined;
    const filled =
      request.schema === '' && previous
        ? { ...request, schema: previous.schema, schemaType: previous.type, references: previous.references }
        : request;
    const parsed = await this.parse(filled, normalize || (await this.settings.effectiveNormalize(subject)));
    const metadata = request.metadata ?? previous?.metadata;
    const ruleSet = request.ruleSet ?? previous?.ruleSet;
    const fingerprint = fingerprintOf(parsed, metadata, ruleSet);
    const existing = await this.holding(subject, [fingerprint], live, request);
    if (existing) return existing;

    const context = qualifiedContext(subject);
    if (mode === 'READONLY')
      throw operationNotPermitted(`Subject ${subject} in context ${context} is in read-only mode`);
    if (request.id !== undefined && !importing) {
      throw operationNotPermitted(`Subject ${subject} in context ${context} is not in import mode`);
    }
    if (request.id === undefined && importing) {
      throw operationNotPermitted(`Subject ${subject} in context ${context} is not in read-write mode`);
    }
    if (request.version !== undefined) await this.assertVersionFree(subject, request.version, importing);
    if (request.id !== undefined) {
      const taken = await this.store.schemaById(request.id);
      if (taken && taken.fingerprint !== fingerprint) throw idTaken(request.id, context);
    }
    const schema: NewSchema = {
      type: parsed.type,
      schema: parsed.canonical,
      references: parsed.references,
      ...(metadata ? { metadata } : {}),
      ...(ruleSet ? { ruleSet } : {}),
      fingerprint,
    };
    const overrides =
      request.id !== undefined || request.version !== undefined
        ? {
            ...(request.id !== undefined ? { id: request.id } : {}),
            ...(request.version !== undefined ? { version: request.version } : {}),
          }
        : undefined;
    const level = await this.settings.effectiveCompatibility(subject);
    const check = registrationCheck(importing ? 'NONE' : level, parsed, {
      get: (id) => this.parsedCache.get(id),
      parse: (stored, resolved) => this.parseStored(stored, resolved),
    });
    try {
      const registration = await this.store.register(subject, schema, check, overrides);
      return versionAnswer(subject, registration.version, await this.requireSchema(registration.id));
    } catch (error) {
      // The check does not know the subject; Confluent's message names it.
      if (error instanceof IncompatibleSchemaError) throw incompatibleSchema(error.reasons, subject);
      throw error;
    }
  }

  /**
   * Confluent's lookup: the content as sent, then as a registration would complete it with the latest version's
   * metadata and rules.
   */
  async lookup(
    subject: string,
    request: SchemaRequest,
    includeDeleted: boolean,
    normalize = false,
  ): Promise<VersionAnswer> {
    const versions = await this.store.versions(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    const parsed = await this.parse(request, normalize || (await this.settings.effectiveNormalize(subject)));
    const live = versions.filter((v) => !v.deleted);
    const latest = live.at(-1) ? await this.requireSchema((live.at(-1) as SubjectVersion).id) : undefined;
    const fingerprints = [
      fingerprintOf(parsed, request.metadata, request.ruleSet),
      fingerprintOf(parsed, request.metadata ?? latest?.metadata, request.ruleSet ?? latest?.ruleSet),
    ];
    const found = await this.holding(subject, fingerprints, versions, {});
    if (!found) throw schemaNotFound();
    return found;
  }

  async version(subject: string, version: string, includeDeleted: boolean): Promise<VersionAnswer> {
    const found = await this.findVersion(subject, version, includeDeleted);
    return versionAnswer(subject, found.version, await this.requireSchema(found.id));
  }

  async schemaById(id: number): Promise<StoredSchema> {
    return this.requireSchema(id);
  }

  async referencedBy(subject: string, version: string): Promise<number[]> {
    const found = await this.findVersion(subject, version, false);
    return this.store.referencedBy(subject, found.version);
  }

  /** The subject's versions; `deletedAsNegative` lists every version, soft-deleted ones as negative numbers. */
  async versions(
    subject: string,
    filter: VersionFilter & { deletedAsNegative?: boolean },
    paging: Page,
  ): Promise<number[]> {
    const all = await this.store.versions(subject, true);
    const visible = filter.deletedAsNegative ? all : all.filter((v) => included(v, filter));
    if (visible.length === 0) throw subjectNotFound(subject);
    return page(
      visible.map((v) => (filter.deletedAsNegative && v.deleted ? -v.version : v.version)),
      paging,
    );
  }

  /** Deletes a context with nothing in it, and its own config and mode (Confluent: 42211 if it is not empty). */
  async deleteContext(context: string): Promise<void> {
    const name = context.replace(/^:/, '').replace(/:$/, '');
    const key = `:${name}:`;
    if ((await this.store.subjects(true)).some((s) => s.startsWith(key))) throw contextNotEmpty(name);
    await this.store.setCompatibility(key, null);
    await this.store.setNormalize(key, null);
    await this.store.setMode(key, null);
  }

  /** Whether anything is registered where IMPORT mode would apply: anywhere (null), in a context, or a subject. */
  async hasSchemas(scope: string | null): Promise<boolean> {
    if (scope === null) return (await this.store.subjects(false)).length > 0;
    if (/^:\.[^:]*:$/.test(scope)) return (await this.store.subjects(false)).some((s) => s.startsWith(scope));
    return (await this.store.versions(scope, false)).length > 0;
  }

  // ---- deletes ------------------------------------------------------------------------------------------

  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    await this.assertWritable(subject);
    const all = await this.store.versions(subject, true);
    if (all.length === 0) throw subjectNotFound(subject);
    const live = all.filter((v) => !v.deleted);
    if (permanent) {
      if (live.length > 0) throw subjectNotSoftDeleted(subject);
      await this.store.hardDelete(
        subject,
        all.map((v) => v.version),
      );
      return all.map((v) => v.version);
    }
    if (live.length === 0) throw subjectSoftDeleted(subject);
    for (const v of live) await this.assertNotReferenced(subject, v.version);
    await this.store.softDelete(
      subject,
      live.map((v) => v.version),
    );
    return live.map((v) => v.version);
  }

  async deleteVersion(subject: string, version: string, permanent: boolean): Promise<number> {
    await this.assertWritable(subject);
    const found = await this.findVersion(subject, version, true);
    if (permanent) {
      if (!found.deleted) throw versionNotSoftDeleted(subject, found.version);
      await this.store.hardDelete(subject, [found.version]);
      return found.version;
    }
    if (found.deleted) throw versionSoftDeleted(subject, found.version);
    await this.assertNotReferenced(subject, found.version);
    await this.store.softDelete(subject, [found.version]);
    return found.version;
  }

  // ---- compatibility ------------------------------------------------------------------------------------

  /** Tests a schema against one version (`latest`, a number) or, with `version` undefined, as registration would. */
  async testCompatibility(
    subject: string,
    version: string | undefined,
    request: SchemaRequest,
    normalize = false,
  ): Promise<string[]> {
    const parsed = await this.parse(request, normalize || (await this.settings.effectiveNormalize(subject)));
    const level = await this.settings.effectiveCompatibility(subject);
    const live = await this.store.versions(subject, false);
    if (version === undefined) return compatibilityProblems(level, parsed, await this.prior(live));
    if (live.length === 0 && version === 'latest') return [];
    const found = await this.findVersion(subject, version, false);
    const single = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
    return compatibilityProblems(single, parsed, await this.prior([found]));
  }

  /** The subject a request names, after one step of alias (aliases do not chain, as in Confluent's registry). */
  async resolve(subject: string): Promise<string> {
    return (await this.store.alias(subject)) ?? subject;
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /**
   * The latest of `versions` holding one of `fingerprints` (tried in order), under the id and at the version the
   * request names, if it names them.
   */
  private async holding(
    subject: string,
    fingerprints: readonly string[],
    versions: readonly SubjectVersion[],
    request: { id?: number; version?: number },
  ): Promise<VersionAnswer | undefined> {
    for (const fingerprint of new Set(fingerprints)) {
      const holders = await this.store.schemasByFingerprint(fingerprint);
      const match = [...versions]
        .reverse()
        .find(
          (v) =>
            holders.some((h) => h.id === v.id) &&
            (request.id === undefined || v.id === request.id) &&
            (request.version === undefined || v.version === request.version),
        );
      const stored = holders.find((h) => h.id === match?.id);
      if (match && stored) return versionAnswer(subject, match.version, stored);
    }
    return undefined;
  }

  /**
   * A requested version must be free; outside IMPORT it must also be the next one (Confluent's "Version is not one
   * more than previous version"). Confluent would overwrite a taken version in IMPORT mode; this refuses.
   */
  private async assertVersionFree(subject: string, version: number, importing: boolean): Promise<void> {
    const all = await this.store.versions(subject, true);
    if (all.some((v) => v.version === version)) throw versionTaken(subject, version);
    const next = Math.max(0, ...all.map((v) => v.version)) + 1;
    if (!importing && version !== next) throw versionNotNext();
  }

  private async assertWritable(subject: string): Promise<void> {
    if ((await this.settings.effectiveMode(subject)) === 'READONLY') {
      throw operationNotPermitted(
        `Subject ${subject} in context ${qualifiedContext(subject)} is in read-only mode`,
      );
    }
  }

  private async assertNotReferenced(subject: string, version: number): Promise<void> {
    const referencing = await this.store.referencedBy(subject, version);
    if (referencing.length > 0) {
      throw referenceExists(
        `One or more references exist to the schema {subject=${subject}, version=${version}}: schema ids ${referencing.join(', ')}`,
      );
    }
  }

  private async findVersion(
    subject: string,
    version: string,
    includeDeleted: boolean,
  ): Promise<SubjectVersion> {
    const all = await this.store.versions(subject, true);
    const visible = all.filter((v) => includeDeleted || !v.deleted);
    if (visible.length === 0) throw subjectNotFound(subject);
    if (version === 'latest' || version === '-1') return visible[visible.length - 1] as SubjectVersion;
    if (!/^\d+$/.test(version) || Number(version) < 1 || Number(version) > MAX_VERSION)
      throw invalidVersion(version);
    const found = visible.find((v) => v.version === Number(version));
    if (!found) throw versionNotFound(subject, version);
    return found;
  }

  private async requireSchema(id: number): Promise<StoredSchema> {
    const schema = await this.store.schemaById(id);
    if (!schema) throw schemaNotFound(`Schema ${id} not found`);
    return schema;
  }

  private parsedCache = new Map<number, ParsedSchema>();

  private async prior(versions: readonly SubjectVersion[]): Promise<PriorVersion[]> {
    const prior: PriorVersion[] = [];
    for (const v of versions) prior.push({ version: v.version, schema: await this.parsedById(v.id) });
    return prior;
  }

  private async parsedById(id: number): Promise<ParsedSchema> {
    const cached = this.parsedCache.get(id);
    if (cached) return cached;
    const stored = await this.requireSchema(id);
    return this.parseStored(stored, await this.referencedSchemas(stored.references));
  }

  /** Parses a stored schema with the schemas it references, directly or not, and keeps it. */
  private parseStored(stored: StoredSchema, resolved: readonly ResolvedReference[]): ParsedSchema {
    const parsed = parseStoredSchema(stored, resolved);
    this.parsedCache.set(stored.id, parsed);
    // Parsed schemas are kept for the versions compatibility checks compare against; the oldest go first.
    if (this.parsedCache.size > PARSED_CACHE_LIMIT) {
      this.parsedCache.delete(this.parsedCache.keys().next().value as number);
    }
    return parsed;
  }

  private async parse(request: SchemaRequest, normalize: boolean): Promise<ParsedSchema> {
    if (request.schema === '') throw invalidSchema('Empty schema');
    const type = (request.schemaType ?? 'AVRO').toUpperCase();
    if (!(SCHEMA_TYPES as readonly string[]).includes(type))
      throw unknownSchemaType(request.schemaType ?? '');
    const references = (request.references ?? []).map((r) => ({
      name: r.name,
      subject: r.subject,
      version: r.version,
    }));
    return parseSchema(
      type as SchemaType,
      request.schema,
      references,
      await this.referencedSchemas(references),
      normalize,
    );
  }

  /**
   * The live schemas `references` name, and those they reference in turn, each after the ones it references
   * (Confluent's resolution; see references.ts).
   */
  async referencedSchemas(references: readonly SchemaReference[]): Promise<ResolvedReference[]> {
    return resolveReferences(references, (reference) => liveReferenced(this.store, reference));
  }
}
