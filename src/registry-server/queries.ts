import { type SchemaAnswer, schemaAnswer, type VersionAnswer, versionAnswer } from './answers.js';
import { schemaNotFound, subjectNotFound } from './errors.js';
import { fingerprintPatternOf, guidOf } from './schema-identity.js';
import type { StoredSchema } from './schemas/types.js';
import type { RegistryStore, SubjectVersion } from './store/types.js';

/** Which versions a listing shows (Confluent's LookupFilter and its query parameters). */
export interface VersionFilter {
  readonly deleted?: boolean;
  readonly deletedOnly?: boolean;
}

export interface Page {
  readonly offset?: number;
  readonly limit?: number;
}

export function included(version: SubjectVersion, filter: VersionFilter): boolean {
  if (filter.deletedOnly) return version.deleted;
  return filter.deleted === true || !version.deleted;
}

/** One page of a listing: `offset` skipped, at most `limit` (none when not positive), as Confluent pages. */
export function page<T>(items: readonly T[], { offset = 0, limit = 0 }: Page): T[] {
  const from = items.slice(Math.max(0, offset));
  return limit > 0 ? from.slice(0, limit) : from;
}

/** Java's String order (UTF-16 code units), which Confluent's listings follow whatever the database collates. */
export const javaOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The context a subject is in, as Confluent names it in listings: `.` for the default, `.ctx` for `:.ctx:s`. */
export function contextOf(subject: string): string {
  return /^:(\.[^:]*):/.exec(subject)?.[1] ?? '.';
}

/** Whether a subject matches a listing's prefix; Confluent's `:*:` prefix matches the rest in every context. */
export function matchesPrefix(subject: string, prefix: string | undefined): boolean {
  if (!prefix) return true;
  if (!prefix.startsWith(':*:')) return subject.startsWith(prefix);
  return subject.replace(/^:\.[^:]*:/, '').startsWith(prefix.slice(3));
}

/** Reads that span subjects or find schemas by GUID or metadata, kept apart from the registration rules. */
export class SchemaQueries {
  constructor(private readonly store: RegistryStore) {}

  /** GET /subjects: subject names, those with live versions unless deleted ones are asked for. */
  async subjects(prefix: string | undefined, filter: VersionFilter, paging: Page): Promise<string[]> {
    const all = await this.store.subjects(filter.deleted === true || filter.deletedOnly === true);
    const live = filter.deletedOnly ? new Set(await this.store.subjects(false)) : undefined;
    const chosen = all.filter((s) => matchesPrefix(s, prefix) && !live?.has(s)).sort(javaOrder);
    return page(chosen, paging);
  }

  /** GET /contexts: the default context, then every context a subject (even deleted) is in. */
  async contexts(): Promise<string[]> {
    const contexts = new Set(['.']);
    for (const subject of await this.store.subjects(true)) contexts.add(contextOf(subject));
    return [...contexts].sort(javaOrder);
  }

  /** GET /schemas/ids/{id}/versions: the subject versions that use the id (40403 for an unknown id). */
  async versionsOfSchema(
    id: number,
    filter: VersionFilter,
    paging: Page,
  ): Promise<{ subject: string; version: number }[]> {
    if (!(await this.store.schemaById(id))) throw schemaNotFound(`Schema ${id} not found`);
    const versions = (await this.store.versionsOfSchema(id, true)).filter((v) => included(v, filter));
    return page(
      versions
        .sort((a, b) => javaOrder(a.subject, b.subject) || a.version - b.version)
        .map((v) => ({ subject: v.subject, version: v.version })),
      paging,
    );
  }

  /** GET /schemas/ids/{id}/subjects. */
  async subjectsOfSchema(id: number, filter: VersionFilter, paging: Page): Promise<string[]> {
    const versions = await this.versionsOfSchema(id, filter, {});
    return page([...new Set(versions.map((v) => v.subject))], paging);
  }

  /** GET /schemas: the versions of subjects starting with `prefix`, in subject then version order. */
  async schemas(
    prefix: string,
    filter: VersionFilter & { latestOnly?: boolean },
    paging: Page,
  ): Promise<VersionAnswer[]> {
    const versions = (await this.store.allVersions(true))
      .filter((v) => matchesPrefix(v.subject, prefix) && included(v, filter))
      .sort((a, b) => javaOrder(a.subject, b.subject) || a.version - b.version);
    const chosen = filter.latestOnly
      ? versions.filter((v, i) => versions[i + 1]?.subject !== v.subject)
      : versions;
    const shown = page(chosen, paging);
    const schemas = await this.schemasById(shown.map((v) => v.id));
    return shown.flatMap((v) => {
      const schema = schemas.get(v.id);
      return schema ? [versionAnswer(v.subject, v.version, schema)] : [];
    });
  }

  /** Confluent's `maxId` (fetchMaxId=true): the highest id this registry has given out or imported. */
  maxId(): Promise<number> {
    return this.store.maxSchemaId();
  }

  /** GET /schemas/guids/{guid}: the content with that GUID (the same whichever of its ids answers). */
  async schemaByGuid(guid: string): Promise<SchemaAnswer> {
    const [first] = await this.withGuid(guid);
    if (!first) throw schemaNotFound(`Schema ${guid} not found`);
    return schemaAnswer(first);
  }

  /** GET /schemas/guids/{guid}/ids: for each context whose subjects use the content, the highest id there. */
  async idsOfGuid(guid: string): Promise<{ context: string; id: number }[]> {
    const holders = await this.withGuid(guid);
    const highest = new Map<string, number>();
    for (const holder of holders) {
      for (const v of await this.store.versionsOfSchema(holder.id, true)) {
        const context = contextOf(v.subject);
        highest.set(context, Math.max(highest.get(context) ?? 0, v.id));
      }
    }
    const first = holders[0];
    // Ids outlive their versions here (a permanent delete keeps the schema): such content answers in the default.
    if (highest.size === 0 && first) highest.set('.', first.id);
    return [...highest].sort(([a], [b]) => javaOrder(a, b)).map(([context, id]) => ({ context, id }));
  }

  /** GET /subjects/{subject}/metadata: the latest version whose metadata properties hold every pair given. */
  async latestWithMetadata(
    subject: string,
    pairs: readonly (readonly [string, string])[],
    includeDeleted: boolean,
  ): Promise<VersionAnswer> {
    const versions = await this.store.versions(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    for (const v of [...versions].reverse()) {
      const schema = await this.store.schemaById(v.id);
      const properties = schema?.metadata?.properties ?? {};
      if (schema && pairs.every(([key, value]) => properties[key] === value)) {
        return versionAnswer(subject, v.version, schema);
      }
    }
    throw schemaNotFound();
  }

  private async withGuid(guid: string): Promise<StoredSchema[]> {
    const pattern = fingerprintPatternOf(guid);
    if (pattern === undefined) return [];
    const guidLower = guid.toLowerCase();
    return (await this.store.schemasByFingerprintPattern(pattern)).filter(
      (s) => guidOf(s.fingerprint) === guidLower,
    );
  }

  private async schemasById(ids: readonly number[]): Promise<Map<number, StoredSchema>> {
    const out = new Map<number, StoredSchema>();
    for (const id of new Set(ids)) {
      const schema = await this.store.schemaById(id);
      if (schema) out.set(id, schema);
    }
    return out;
  }
}
