import { compatibilityProblems, type PriorVersion } from './compat/check.js';
import { type CompatibilityLevel, directionsOf } from './compat/levels.js';
import { incompatibleSchema } from './errors.js';
import { referenceKey, walkReferences } from './references.js';
import type { ParsedSchema, ResolvedReference, StoredSchema } from './schemas/types.js';
import type { CheckReads, RegistrationCheck, SubjectVersion } from './store/types.js';

/** Parsed stored schemas: those already parsed, and how to parse one the store has just read. */
export interface ParsedSchemas {
  get(id: number): ParsedSchema | undefined;
  parse(schema: StoredSchema, resolved: readonly ResolvedReference[]): ParsedSchema;
}

/** The live versions a check at `level` compares against: none, the latest, or (transitive) all of them. */
export function comparedVersions(
  level: CompatibilityLevel,
  live: readonly SubjectVersion[],
): readonly SubjectVersion[] {
  if (level === 'NONE') return [];
  return directionsOf(level).transitive ? live : live.slice(-1);
}

/**
 * The check a registration of `candidate` runs inside the store's transaction: it asks the store for the stored
 * schemas it has not parsed yet among the versions it compares against, and for the schemas those reference,
 * directly or not, so whatever other writers added before the subject's lock was taken is read there, and a
 * registration never has to be tried again for it.
 */
export function registrationCheck(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  parsed: ParsedSchemas,
): RegistrationCheck {
  // Held from `needs` to `run`: a cache entry dropped in between (other requests fill the cache) is not lost.
  const held = new Map<number, ParsedSchema>();
  const walks = (reads: CheckReads) => {
    const referenced = new Map(
      reads.referenced.map(([reference, schema]) => [referenceKey(reference), schema]),
    );
    return [...reads.schemas].map(([id, schema]) => ({
      id,
      schema,
      walk: walkReferences(schema.references, referenced),
    }));
  };
  return {
    needs(live) {
      held.clear();
      const missing = new Set<number>();
      for (const v of comparedVersions(level, live)) {
        const schema = parsed.get(v.id);
        if (schema) held.set(v.id, schema);
        else missing.add(v.id);
      }
      return [...missing];
    },
    references(reads) {
      const unread = new Map(
        walks(reads).flatMap(({ walk }) => (walk.unread ?? []).map((r) => [referenceKey(r), r] as const)),
      );
      return [...unread.values()];
    },
    run(live, reads) {
      for (const { id, schema, walk } of walks(reads)) {
        if (walk.unread) throw new Error(`the store did not read what schema ${id} references`);
        held.set(id, parsed.parse(schema, walk.resolved));
      }
      const prior: PriorVersion[] = comparedVersions(level, live).map((v) => {
        const schema = held.get(v.id);
        if (!schema) throw new Error(`the store did not read schema ${v.id}, which the check asked for`);
        return { version: v.version, schema };
      });
      const problems = compatibilityProblems(level, candidate, prior);
      if (problems.length > 0) throw incompatibleSchema(problems);
    },
  };
}
