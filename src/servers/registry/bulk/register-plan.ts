import { orderByReferences } from '../ordering.js';
import { canonicalContent, type VersionSnapshot } from '../snapshot.js';

type Reference = VersionSnapshot['references'][number];

/** One schema to register: a bundle version (its number and id as exported), or a file of a folder. */
export interface SchemaToRegister {
  readonly version: number;
  readonly id?: number;
  readonly schemaType: VersionSnapshot['schemaType'];
  readonly schema: string;
  readonly references: readonly Reference[];
}

export interface SubjectToRegister {
  readonly subject: string;
  readonly versions: readonly SchemaToRegister[];
}

/** What the target registry holds for one subject the bundle writes or references. */
export interface TargetSubject {
  /** Live versions, oldest first. */
  readonly live: readonly VersionSnapshot[];
  /** Every version number it has used, soft-deleted ones too: the next registration takes the one after. */
  readonly highestVersion: number;
  /** The subject's effective mode. */
  readonly mode: string;
}

export interface RegisterFacts {
  /** Subjects the bundle names or references; a subject the registry lacks is simply absent. */
  readonly target: ReadonlyMap<string, TargetSubject>;
  readonly viewOnly: boolean;
}

export interface Verdict {
  readonly compatible: boolean;
  readonly messages: readonly string[];
  /** Why it is refused, when not for compatibility (the registry cannot parse the schema). */
  readonly reason?: string;
}

/** Asks the registry whether a schema could be registered under a subject now (its compatibility endpoint). */
export type CompatibilityCheck = (
  subject: string,
  body: { schema: string; schemaType: string; references: Reference[] },
) => Promise<Verdict>;

export interface RegisterStep {
  readonly subject: string;
  /** The version number (and id) the bundle gave it. */
  readonly version: number;
  readonly id?: number;
  readonly action: 'register' | 'skip' | 'blocked';
  /** The version it is (skip) or is expected to become (register) in the target. */
  readonly target_version?: number;
  /** `checked` when the registry's compatibility endpoint approved it in the plan; else it checks at registration. */
  readonly compatibility: 'checked' | 'unchecked' | 'incompatible' | 'not applied';
  /** The target is in IMPORT mode: the bundle's id and version are kept, as Confluent requires there. */
  readonly keep_id: boolean;
  readonly reason?: string;
  /** The registry's own words when it found the schema incompatible. */
  readonly messages?: string[];
}

/** How a bundle version is named in the map of where versions land. */
export const landingKey = (subject: string, version: number) => `${subject}\u0000${version}`;
const key = landingKey;

interface Pending {
  readonly subject: string;
  readonly schema: SchemaToRegister;
}

/**
 * Every version of the bundle in an order the registry can take them: each after the earlier versions of its
 * subject and after the bundle versions it references. Subjects keep their reference order (ordering.ts) and
 * versions their numbers where nothing else constrains them, and two subjects whose versions reference each
 * other across (a version of A on B, a later one of B on A) are interleaved rather than one blocked.
 */
function registrationOrder(subjects: readonly SubjectToRegister[]): Pending[] {
  const byKey = new Map<string, Pending>();
  const bySubject = new Map<string, Pending[]>();
  for (const entry of orderByReferences(subjects)) {
    const list = [...entry.versions]
      .sort((a, b) => a.version - b.version)
      .map((schema) => ({ subject: entry.subject, schema }));
    bySubject.set(entry.subject, list);
    for (const p of list) byKey.set(key(p.subject, p.schema.version), p);
  }
  const ordered: Pending[] = [];
  const seen = new Set<Pending>();
  const visit = (p: Pending) => {
    if (seen.has(p)) return; // placed, or a cycle (which registration order makes impossible)
    seen.add(p);
    const own = bySubject.get(p.subject) ?? [];
    const earlier = own.slice(0, own.indexOf(p));
    for (const before of earlier) visit(before);
    for (const r of p.schema.references) {
      const referenced = byKey.get(key(r.subject, r.version));
      if (referenced) visit(referenced);
    }
    ordered.push(p);
  };
  for (const list of bySubject.values()) for (const p of list) visit(p);
  return ordered;
}

interface SubjectProgress {
  next: number;
  registered: boolean;
  blocked: string | undefined;
}

/**
 * Plans registering many schemas, touching nothing, in an order the registry can take them (referenced
 * versions first, each subject's versions in order). A schema the subject already holds is skipped
 * (registering it again would only answer its version); one in a READONLY subject, one whose reference neither
 * the registry nor the bundle holds, and one after a blocked version of its subject are blocked. The first new
 * version of a subject whose references all exist already is put to the registry's compatibility check, and
 * blocked with the registry's messages when it fails; later ones depend on versions not registered yet, so
 * the registry checks them as they are registered.
 */
export async function planRegistration(
  subjects: readonly SubjectToRegister[],
  facts: RegisterFacts,
  check: CompatibilityCheck,
): Promise<RegisterStep[]> {
  /** Where each bundle version lands in the target, or null when it is blocked. */
  const landing = new Map<string, number | null>();
  const progress = new Map<string, SubjectProgress>();
  const steps: RegisterStep[] = [];
  for (const { subject, schema: version } of registrationOrder(subjects)) {
    const target = facts.target.get(subject);
    const mode = target?.mode ?? 'READWRITE';
    const keepId = mode === 'IMPORT';
    let state = progress.get(subject);
    if (!state) {
      state = { next: (target?.highestVersion ?? 0) + 1, registered: false, blocked: undefined };
      progress.set(subject, state);
    }
    const here = state;
    const base = { subject, version: version.version, id: version.id, keep_id: keepId };
    const block = (reason: string, extra: Partial<RegisterStep> = {}) => {
      landing.set(key(subject, version.version), null);
      here.blocked ??= `version ${version.version} of ${subject} is blocked`;
      steps.push({ ...base, action: 'blocked', compatibility: 'unchecked', reason, ...extra });
    };
    if (facts.viewOnly) {
      block('the registry is view-only');
      continue;
    }
    if (here.blocked) {
      block(`an earlier version is blocked (${here.blocked}), and versions go in order`);
      continue;
    }
    const translated = translateReferences(version.references, landing, facts);
    if (typeof translated === 'string') {
      block(translated);
      continue;
    }
    const content = canonicalContent({ ...version, references: translated.references });
    const held = target?.live.find((v) => canonicalContent(v) === content);
    if (held) {
      landing.set(key(subject, version.version), held.version);
      steps.push({ ...base, action: 'skip', target_version: held.version, compatibility: 'not applied' });
      continue;
    }
    if (mode === 'READONLY') {
      block(`subject ${subject} is in READONLY mode`);
      continue;
    }
    if (keepId && version.id === undefined) {
      block(`subject ${subject} is in IMPORT mode, which needs an id, and this schema has none`);
      continue;
    }
    const landsAt = keepId ? version.version : here.next;
    let compatibility: RegisterStep['compatibility'] = keepId ? 'not applied' : 'unchecked';
    if (!keepId && !here.registered && !translated.dependsOnThisRun) {
      const verdict = await check(subject, {
        schema: version.schema,
        schemaType: version.schemaType,
        references: translated.references,
      });
      if (!verdict.compatible) {
        block(verdict.reason ?? 'incompatible with the versions the subject already has', {
          compatibility: 'incompatible',
          messages: [...verdict.messages],
        });
        continue;
      }
      compatibility = 'checked';
    }
    landing.set(key(subject, version.version), landsAt);
    here.registered = true;
    here.next = Math.max(here.next, landsAt) + 1;
    steps.push({ ...base, action: 'register', target_version: landsAt, compatibility });
  }
  return steps;
}

/**
 * A schema's references pointed at where they land in the target: a version of the bundle at the version it
 * becomes there, anything else at the registry's own version of that number. A string says why it cannot be.
 */
export function translateReferences(
  references: readonly Reference[],
  landing: ReadonlyMap<string, number | null>,
  facts: RegisterFacts,
): { references: Reference[]; dependsOnThisRun: boolean } | string {
  const translated: Reference[] = [];
  let dependsOnThisRun = false;
  for (const reference of references) {
    const landed = landing.get(key(reference.subject, reference.version));
    if (landed === null)
      return `references ${reference.subject} version ${reference.version}, which is blocked`;
    if (landed !== undefined) {
      const existing = facts.target.get(reference.subject)?.live.some((v) => v.version === landed);
      if (!existing) dependsOnThisRun = true;
      translated.push({ ...reference, version: landed });
      continue;
    }
    if (!facts.target.get(reference.subject)?.live.some((v) => v.version === reference.version))
      return `references ${reference.subject} version ${reference.version}, which neither the bundle nor the registry holds`;
    translated.push({ ...reference });
  }
  return { references: translated, dependsOnThisRun };
}
