import { compatibilityProblems, type PriorVersion } from './compat/check.js';
import { type CompatibilityLevel, directionsOf } from './compat/levels.js';
import { incompatibleSchema } from './errors.js';
import type { ParsedSchema } from './schemas/types.js';
import type { RegistrationCheck, ResolvedSchema, SubjectVersion } from './store/types.js';

/** Parsed stored schemas: those already parsed, and how to parse one the store has just read. */
export interface ParsedSchemas {
  get(id: number): ParsedSchema | undefined;
  parse(schema: ResolvedSchema): ParsedSchema;
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
 * schemas it has not parsed yet among the versions it compares against, so whatever other writers added before
 * the subject's lock was taken is read there, and a registration never has to be tried again for it.
 */
export function registrationCheck(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  parsed: ParsedSchemas,
): RegistrationCheck {
  // Held from `needs` to `run`: a cache entry dropped in between (other requests fill the cache) is not lost.
  const held = new Map<number, ParsedSchema>();
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
    run(live, schemas) {
      const prior: PriorVersion[] = comparedVersions(level, live).map((v) => {
        let schema = held.get(v.id);
        if (!schema) {
          const stored = schemas.get(v.id);
          if (!stored) throw new Error(`the store did not read schema ${v.id}, which the check asked for`);
          schema = parsed.parse(stored);
          held.set(v.id, schema);
        }
        return { version: v.version, schema };
      });
      const problems = compatibilityProblems(level, candidate, prior);
      if (problems.length > 0) throw incompatibleSchema(problems);
    },
  };
}
