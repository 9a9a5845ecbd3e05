import { invalidSchema } from './errors.js';
import type { ResolvedReference, SchemaReference, StoredSchema } from './schemas/types.js';
import type { RegistryStore } from './store/types.js';

/**
 * The most schemas one schema may reference, directly or through the references of the schemas it references.
 * A reference graph is outside input: this bounds what one parse reads and holds.
 */
export const MAX_REFERENCED_SCHEMAS = 1000;

/** Reads are keyed by the subject and version a reference names (-1: the latest live version). */
export const referenceKey = (reference: Pick<SchemaReference, 'subject' | 'version'>): string =>
  `${reference.version} ${reference.subject}`;

/** Stored schemas read so far, by `referenceKey`; undefined where no live version is there. */
export type ReferenceReads = ReadonlyMap<string, StoredSchema | undefined>;

/** A walk over what has been read: every referenced schema, or the references it has yet to read. */
export type ReferenceWalk =
  | { readonly resolved: readonly ResolvedReference[]; readonly unread?: undefined }
  | { readonly unread: readonly SchemaReference[] };

interface Frame {
  readonly references: readonly SchemaReference[];
  next: number;
  /** The referenced schema whose references this frame goes through, listed once they all are. */
  readonly found?: ResolvedReference;
}

const tooMany = () =>
  invalidSchema(
    `the schema references more than ${MAX_REFERENCED_SCHEMAS} schemas, directly or through their references`,
  );

const unregistered = (reference: SchemaReference) =>
  invalidSchema(
    `reference ${reference.name} names ${reference.subject} version ${reference.version}, which is not registered`,
  );

/**
 * Confluent's resolution of references: every schema `references` names, then the schemas each of those
 * references, depth first, each name taken once (its first occurrence), a schema listed after the ones it
 * references, so a parser can read them in order. Every reference must name a live version, even one whose name
 * was already taken. It runs on what `reads` holds, without recursion: what is missing comes back as `unread`,
 * for the caller to read and walk again. A cycle ends where a name repeats; more than MAX_REFERENCED_SCHEMAS
 * names or schemas is refused (42201).
 */
export function walkReferences(references: readonly SchemaReference[], reads: ReferenceReads): ReferenceWalk {
  const names = new Set<string>();
  const keys = new Set<string>();
  const unread = new Map<string, SchemaReference>();
  const resolved: ResolvedReference[] = [];
  const stack: Frame[] = [{ references, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const reference = frame.references[frame.next++];
    if (reference === undefined) {
      stack.pop();
      if (frame.found) resolved.push(frame.found);
      continue;
    }
    const key = referenceKey(reference);
    keys.add(key);
    if (keys.size > MAX_REFERENCED_SCHEMAS) throw tooMany();
    if (!reads.has(key)) {
      unread.set(key, reference);
      continue;
    }
    const stored = reads.get(key);
    if (!stored) throw unregistered(reference);
    if (names.has(reference.name)) continue;
    names.add(reference.name);
    if (names.size > MAX_REFERENCED_SCHEMAS) throw tooMany();
    const { name, subject, version } = reference;
    stack.push({
      references: stored.references,
      next: 0,
      found: { name, subject, version, schema: stored.schema },
    });
  }
  return unread.size > 0 ? { unread: [...unread.values()] } : { resolved };
}

/** The walk to its end, reading what it asks for with `read`: each subject and version once. */
export async function resolveReferences(
  references: readonly SchemaReference[],
  read: (reference: SchemaReference) => Promise<StoredSchema | undefined>,
): Promise<ResolvedReference[]> {
  const reads = new Map<string, StoredSchema | undefined>();
  // Each pass reads at least one schema it had not, and the walk refuses more than the cap: this ends.
  for (;;) {
    const walk = walkReferences(references, reads);
    if (!walk.unread) return [...walk.resolved];
    for (const reference of walk.unread) reads.set(referenceKey(reference), await read(reference));
  }
}

/** The stored schema of the live version a reference names (version -1: the latest), if there is one. */
export async function liveReferenced(
  store: RegistryStore,
  reference: SchemaReference,
): Promise<StoredSchema | undefined> {
  const versions = await store.versions(reference.subject, false);
  const found =
    reference.version === -1 ? versions.at(-1) : versions.find((v) => v.version === reference.version);
  return found ? store.schemaById(found.id) : undefined;
}
