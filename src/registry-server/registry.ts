import { createHash } from 'node:crypto';
import { compatibilityProblems, type PriorVersion } from './compat/check.js';
import { type CompatibilityLevel, isCompatibilityLevel } from './compat/levels.js';
import {
  badRequest,
  idTaken,
  invalidAlias,
  invalidCompatibilityLevel,
  invalidMode,
  invalidSchema,
  invalidVersion,
  operationNotPermitted,
  referenceExists,
  schemaNotFound,
  subjectLevelCompatibilityNotConfigured,
  subjectLevelModeNotConfigured,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
  versionSoftDeleted,
} from './errors.js';
import { registrationCheck } from './registration-check.js';
import { parseSchema } from './schemas/parse.js';
import {
  type ParsedSchema,
  SCHEMA_TYPES,
  type SchemaReference,
  type SchemaType,
  type StoredSchema,
} from './schemas/types.js';
import type { RegistryStore, SubjectVersion } from './store/types.js';

export const MODES = ['READWRITE', 'READONLY', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];

/** What a client sends to register, look up or test a schema. */
export interface SchemaRequest {
  readonly schema: string;
  readonly schemaType?: string;
  readonly references?: readonly SchemaReference[];
  readonly id?: number;
  readonly version?: number;
}

export interface VersionAnswer {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schemaType?: SchemaType;
  readonly schema: string;
  readonly references?: readonly SchemaReference[];
}

const MAX_VERSION = 2 ** 31 - 1;
const PARSED_CACHE_LIMIT = 10_000;

/**
 * The Schema Registry's rules over a store: registration with compatibility checks and modes, lookups, soft and
 * permanent deletes, config and mode, the way Confluent Schema Registry behaves.
 */
export class Registry {
  constructor(
    private readonly store: RegistryStore,
    private readonly defaults: { compatibility: CompatibilityLevel; mode: Mode },
  ) {}

  // ---- schemas ------------------------------------------------------------------------------------------

  async register(
    subject: string,
    request: SchemaRequest,
    normalize = false,
  ): Promise<{ id: number; version: number }> {
    const mode = await this.effectiveMode(subject);
    if (mode === 'READONLY') throw operationNotPermitted(`Subject ${subject} is in read-only mode`);
    const forced = request.id !== undefined || request.version !== undefined;
    if (forced && mode !== 'IMPORT') {
      throw operationNotPermitted(
        `Subject ${subject} is not in import mode; id and version may only be given in IMPORT mode`,
      );
    }
    const parsed = await this.parse(request, normalize);
    if (request.id !== undefined) {
      const taken = await this.store.schemaById(request.id);
      if (taken && taken.schema !== parsed.canonical) throw idTaken(request.id);
    }
    const level = await this.effectiveCompatibility(subject);
    const schema = {
      type: parsed.type,
      schema: parsed.canonical,
      references: parsed.references,
      fingerprint: fingerprintOf(parsed),
    };
    const overrides = forced
      ? {
          ...(request.id !== undefined ? { id: request.id } : {}),
          ...(request.version !== undefined ? { version: request.version } : {}),
        }
      : undefined;
    const check = registrationCheck(mode === 'IMPORT' ? 'NONE' : level, parsed, {
      get: (id) => this.parsedCache.get(id),
      parse: (stored) => this.parseStored(stored, stored.referencedTexts),
    });
    const registration = await this.store.register(subject, schema, check, overrides);
    return { id: registration.id, version: registration.version };
  }

  async lookup(
    subject: string,
    request: SchemaRequest,
    includeDeleted: boolean,
    normalize = false,
  ): Promise<VersionAnswer> {
    const versions = await this.store.versions(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    const parsed = await this.parse(request, normalize);
    const stored = await this.store.schemaByFingerprint(fingerprintOf(parsed));
    const match = stored ? [...versions].reverse().find((v) => v.id === stored.id) : undefined;
    if (!stored || !match) throw schemaNotFound();
    return answer(subject, match.version, stored);
  }

  async version(subject: string, version: string, includeDeleted: boolean): Promise<VersionAnswer> {
    const found = await this.findVersion(subject, version, includeDeleted);
    const schema = await this.requireSchema(found.id);
    return answer(subject, found.version, schema);
  }

  async schemaById(id: number): Promise<StoredSchema> {
    return this.requireSchema(id);
  }

  async subjectsOfSchema(id: number, includeDeleted: boolean): Promise<string[]> {
    await this.requireSchema(id);
    return [...new Set((await this.store.versionsOfSchema(id, includeDeleted)).map((v) => v.subject))];
  }

  async versionsOfSchema(
    id: number,
    includeDeleted: boolean,
  ): Promise<{ subject: string; version: number }[]> {
    await this.requireSchema(id);
    return (await this.store.versionsOfSchema(id, includeDeleted)).map((v) => ({
      subject: v.subject,
      version: v.version,
    }));
  }

  async referencedBy(subject: string, version: string): Promise<number[]> {
    const found = await this.findVersion(subject, version, false);
    return this.store.referencedBy(subject, found.version);
  }

  async subjects(prefix: string | undefined, includeDeleted: boolean): Promise<string[]> {
    const all = await this.store.subjects(includeDeleted);
    return prefix ? all.filter((s) => s.startsWith(prefix)) : all;
  }

  async versions(subject: string, includeDeleted: boolean): Promise<number[]> {
    const versions = await this.store.versions(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions.map((v) => v.version);
  }

  async contexts(): Promise<string[]> {
    const contexts = new Set(['.']);
    for (const subject of await this.store.subjects(true)) {
      const match = /^:(\.[^:]+):/.exec(subject);
      if (match?.[1]) contexts.add(match[1]);
    }
    return [...contexts].sort();
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
    const parsed = await this.parse(request, normalize);
    const level = await this.effectiveCompatibility(subject);
    const live = await this.store.versions(subject, false);
    if (version === undefined) return compatibilityProblems(level, parsed, await this.prior(live));
    if (live.length === 0 && version === 'latest') return [];
    const found = await this.findVersion(subject, version, false);
    const single = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
    return compatibilityProblems(single, parsed, await this.prior([found]));
  }

  async compatibility(subject: string | null, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    const own = await this.store.compatibility(subject);
    if (own) return own as CompatibilityLevel;
    if (subject !== null && !defaultToGlobal) throw subjectLevelCompatibilityNotConfigured(subject);
    return (
      ((await this.store.compatibility(null)) as CompatibilityLevel | undefined) ??
      this.defaults.compatibility
    );
  }

  async setCompatibility(subject: string | null, level: unknown): Promise<CompatibilityLevel> {
    const value = typeof level === 'string' ? level.toUpperCase() : '';
    if (!isCompatibilityLevel(value)) throw invalidCompatibilityLevel(String(level));
    await this.store.setCompatibility(subject, value);
    return value;
  }

  async deleteCompatibility(subject: string | null): Promise<CompatibilityLevel> {
    const previous = await this.compatibility(subject, subject === null);
    await this.store.setCompatibility(subject, null);
    return previous;
  }

  /** The subject a request names, after one step of alias (aliases do not chain, as in Confluent's registry). */
  async resolve(subject: string): Promise<string> {
    return (await this.store.alias(subject)) ?? subject;
  }

  async alias(subject: string): Promise<string | undefined> {
    return this.store.alias(subject);
  }

  /** Sets or (with an empty string) removes a subject alias. */
  async setAlias(subject: string, target: unknown): Promise<string | undefined> {
    if (typeof target !== 'string') throw invalidAlias(target);
    if (target === subject) throw invalidAlias(target);
    await this.store.setAlias(subject, target === '' ? null : target);
    return target === '' ? undefined : target;
  }

  async mode(subject: string | null, defaultToGlobal: boolean): Promise<Mode> {
    const own = await this.store.mode(subject);
    if (own) return own as Mode;
    if (subject !== null && !defaultToGlobal) throw subjectLevelModeNotConfigured(subject);
    return ((await this.store.mode(null)) as Mode | undefined) ?? this.defaults.mode;
  }

  async setMode(subject: string | null, mode: unknown, force: boolean): Promise<Mode> {
    const value = typeof mode === 'string' ? mode.toUpperCase() : '';
    if (!(MODES as readonly string[]).includes(value)) throw invalidMode(String(mode));
    if (value === 'IMPORT' && !force) {
      const subjects =
        subject === null ? await this.store.subjects(false) : await this.store.versions(subject, false);
      if (subjects.length > 0) {
        throw operationNotPermitted(
          'Cannot import since found existing subjects; use force=true to import anyway',
        );
      }
    }
    await this.store.setMode(subject, value);
    return value as Mode;
  }

  async deleteMode(subject: string): Promise<Mode> {
    const previous = await this.mode(subject, false);
    await this.store.setMode(subject, null);
    return previous;
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private async effectiveCompatibility(subject: string): Promise<CompatibilityLevel> {
    return this.compatibility(subject, true);
  }

  private async effectiveMode(subject: string): Promise<Mode> {
    return this.mode(subject, true);
  }

  private async assertWritable(subject: string): Promise<void> {
    if ((await this.effectiveMode(subject)) === 'READONLY') {
      throw operationNotPermitted(`Subject ${subject} is in read-only mode`);
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
    return this.parseStored(stored, await this.referencedTexts(stored.references));
  }

  /** Parses a stored schema with the texts its references name (undefined: none is live) and keeps it. */
  private parseStored(stored: StoredSchema, texts: readonly (string | undefined)[]): ParsedSchema {
    const referenced = stored.references.map((reference, i) => {
      const text = texts[i];
      if (text === undefined) throw unregisteredReference(reference);
      return text;
    });
    const parsed = parseSchema(stored.type, stored.schema, stored.references, referenced);
    this.parsedCache.set(stored.id, parsed);
    // Parsed schemas are kept for the versions compatibility checks compare against; the oldest go first.
    if (this.parsedCache.size > PARSED_CACHE_LIMIT) {
      this.parsedCache.delete(this.parsedCache.keys().next().value as number);
    }
    return parsed;
  }

  private async parse(request: SchemaRequest, normalize: boolean): Promise<ParsedSchema> {
    if (typeof request.schema !== 'string' || request.schema === '')
      throw invalidSchema('"schema" must be a non-empty string');
    const type = (request.schemaType ?? 'AVRO').toUpperCase();
    if (!(SCHEMA_TYPES as readonly string[]).includes(type)) {
      throw badRequest(
        `Unrecognized schema type ${request.schemaType}; use one of ${SCHEMA_TYPES.join(', ')}`,
      );
    }
    const references = (request.references ?? []).map((r) => ({
      name: r.name,
      subject: r.subject,
      version: r.version,
    }));
    return parseSchema(
      type as SchemaType,
      request.schema,
      references,
      await this.referencedTexts(references),
      normalize,
    );
  }

  private async referencedTexts(references: readonly SchemaReference[]): Promise<string[]> {
    const texts: string[] = [];
    for (const reference of references) {
      const versions = await this.store.versions(reference.subject, false);
      const found =
        reference.version === -1
          ? versions[versions.length - 1]
          : versions.find((v) => v.version === reference.version);
      if (!found) throw unregisteredReference(reference);
      texts.push((await this.requireSchema(found.id)).schema);
    }
    return texts;
  }
}

const unregisteredReference = (reference: SchemaReference) =>
  invalidSchema(
    `reference ${reference.name} names ${reference.subject} version ${reference.version}, which is not registered`,
  );

function fingerprintOf(schema: ParsedSchema): string {
  return createHash('sha256')
    .update(`${schema.type}\u0000${schema.canonical}\u0000${JSON.stringify(schema.references)}`)
    .digest('hex');
}

function answer(subject: string, version: number, schema: StoredSchema): VersionAnswer {
  return {
    subject,
    id: schema.id,
    version,
    ...(schema.type !== 'AVRO' ? { schemaType: schema.type } : {}),
    schema: schema.schema,
    ...(schema.references.length > 0 ? { references: schema.references } : {}),
  };
}
