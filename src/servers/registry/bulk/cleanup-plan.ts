import type { SubjectSnapshot } from '../snapshot.js';

/** What a bulk cleanup removes from each subject its pattern matches. */
export type CleanupTarget =
  | { readonly kind: 'subjects' }
  | { readonly kind: 'versions'; readonly keepLatest: number };

export interface CleanupFacts {
  /** Every subject of the registry with its live versions: referrers outside the pattern count too. */
  readonly subjects: readonly SubjectSnapshot[];
  /** Subjects the pattern matches that have only soft-deleted versions (removable by a permanent cleanup). */
  readonly softDeletedOnly: readonly string[];
  /** Matched subjects with live versions that also keep soft-deleted ones (asked only for permanent cleanups). */
  readonly alsoSoftDeleted?: ReadonlySet<string>;
  /** Each matched subject's effective mode (its own, else its context's, else the registry's). */
  readonly modes: ReadonlyMap<string, string>;
  readonly viewOnly: boolean;
}

export interface CleanupRequest {
  readonly matches: (subject: string) => boolean;
  readonly target: CleanupTarget;
  readonly permanent: boolean;
}

export interface VersionRef {
  readonly subject: string;
  readonly version: number;
}

/**
 * What a cleanup considers together: a whole subject (blocked as one when any of its versions must stay) or one
 * version.
 */
export interface CleanupUnit {
  readonly subject: string;
  readonly versions: number[];
  readonly whole: boolean;
}

/** One version to soft-delete (and, in a permanent cleanup, then remove for good). */
export type CleanupStep = VersionRef;

export interface BlockedStep extends CleanupUnit {
  readonly reason: string;
  /** The surviving versions that reference this one, when that is why it stays. */
  readonly referrers: VersionRef[];
}

/** A version that goes, and the versions (all going too) that reference it: who loses what. */
export interface ImpactEntry extends VersionRef {
  readonly referenced_by: VersionRef[];
}

export interface CleanupPlan {
  /** In the order to run: every referrer before what it references. */
  readonly steps: CleanupStep[];
  /**
   * Subjects whose soft-deleted versions are then removed for good, one call each, after every step (permanent
   * cleanups of whole subjects): those with only soft-deleted versions, and those whose live versions all go.
   */
  readonly purge: string[];
  readonly blocked: BlockedStep[];
  readonly impact: ImpactEntry[];
}

const key = (subject: string, version: number) => `${subject}\u0000${version}`;
const WRITE_BLOCKING_MODES = new Set(['READONLY', 'IMPORT']);

/** The versions of each matched subject the cleanup would remove, before anything can block them. */
function candidates(facts: CleanupFacts, request: CleanupRequest): CleanupUnit[] {
  const steps: CleanupUnit[] = [];
  for (const subject of facts.subjects) {
    if (!request.matches(subject.subject) || subject.versions.length === 0) continue;
    const numbers = subject.versions.map((v) => v.version).sort((a, b) => b - a);
    if (request.target.kind === 'subjects') {
      steps.push({ subject: subject.subject, versions: numbers, whole: true });
    } else {
      const old = numbers.slice(request.target.keepLatest);
      for (const version of old) steps.push({ subject: subject.subject, versions: [version], whole: false });
    }
  }
  return steps;
}

/**
 * Plans a bulk delete over a snapshot, touching nothing. A version another version references stays (blocked,
 * with the referrer named) unless that referrer goes too; a blocked step keeps what it references, so blocking
 * repeats until nothing changes. The steps come out referrers first, so the registry never refuses a delete
 * because something still points at it.
 */
export function planCleanup(facts: CleanupFacts, request: CleanupRequest): CleanupPlan {
  const blocked: BlockedStep[] = [];
  let planned: CleanupUnit[] = [];
  for (const step of candidates(facts, request)) {
    const mode = facts.modes.get(step.subject) ?? 'READWRITE';
    if (facts.viewOnly) blocked.push({ ...step, reason: 'the registry is view-only', referrers: [] });
    else if (WRITE_BLOCKING_MODES.has(mode))
      blocked.push({ ...step, reason: `subject ${step.subject} is in ${mode} mode`, referrers: [] });
    else planned.push(step);
  }

  const referrersOf = new Map<string, VersionRef[]>();
  for (const subject of facts.subjects) {
    for (const version of subject.versions) {
      for (const reference of version.references) {
        const target = key(reference.subject, reference.version);
        const list = referrersOf.get(target) ?? [];
        list.push({ subject: subject.subject, version: version.version });
        referrersOf.set(target, list);
      }
    }
  }

  const going = (steps: readonly CleanupUnit[]) =>
    new Set(steps.flatMap((s) => s.versions.map((v) => key(s.subject, v))));
  for (let changed = true; changed; ) {
    changed = false;
    const goes = going(planned);
    const kept: CleanupUnit[] = [];
    for (const step of planned) {
      const survivors = step.versions.flatMap((v) =>
        (referrersOf.get(key(step.subject, v)) ?? []).filter((r) => !goes.has(key(r.subject, r.version))),
      );
      if (survivors.length === 0) {
        kept.push(step);
        continue;
      }
      const named = survivors.map((r) => `${r.subject} version ${r.version}`).join(', ');
      blocked.push({ ...step, reason: `referenced by ${named}, which stays`, referrers: survivors });
      changed = true;
    }
    planned = kept;
  }

  const goes = going(planned);
  const impact: ImpactEntry[] = [];
  for (const step of planned) {
    for (const version of step.versions) {
      const referencedBy = (referrersOf.get(key(step.subject, version)) ?? []).filter((r) =>
        goes.has(key(r.subject, r.version)),
      );
      if (referencedBy.length > 0)
        impact.push({ subject: step.subject, version, referenced_by: referencedBy });
    }
  }
  // A permanent cleanup of whole subjects leaves none behind: a subject whose live versions all went, or that had
  // only soft-deleted ones, then has its soft-deleted versions removed in one call.
  const purge: string[] = [];
  if (request.target.kind === 'subjects' && request.permanent) {
    for (const subject of facts.softDeletedOnly.filter(request.matches)) {
      const mode = facts.modes.get(subject) ?? 'READWRITE';
      const reason = facts.viewOnly
        ? 'the registry is view-only'
        : WRITE_BLOCKING_MODES.has(mode)
          ? `subject ${subject} is in ${mode} mode`
          : undefined;
      if (reason) blocked.push({ subject, versions: [], whole: true, reason, referrers: [] });
      else purge.push(subject);
    }
    for (const unit of planned) if (facts.alsoSoftDeleted?.has(unit.subject)) purge.push(unit.subject);
  }
  const versions = planned.flatMap((u) => u.versions.map((version) => ({ subject: u.subject, version })));
  return { steps: referrersFirst(versions, referrersOf), purge, blocked, impact };
}

/**
 * Orders versions so each comes after every version going that references it (a depth-first walk over "is
 * referenced by"); the original order is kept where nothing constrains it. A registry only lets a schema
 * reference one that exists, so references never form a cycle; the walk would still end if they did.
 */
function referrersFirst(versions: readonly VersionRef[], referrersOf: ReadonlyMap<string, VersionRef[]>) {
  const going = new Map(versions.map((v) => [key(v.subject, v.version), v]));
  const ordered: VersionRef[] = [];
  const seen = new Set<string>();
  const visit = (v: VersionRef) => {
    const id = key(v.subject, v.version);
    if (seen.has(id)) return;
    seen.add(id);
    for (const referrer of referrersOf.get(id) ?? []) {
      const before = going.get(key(referrer.subject, referrer.version));
      if (before) visit(before);
    }
    ordered.push(v);
  };
  for (const v of versions) visit(v);
  return ordered;
}

/**
 * A subject pattern: `*` stands for any run of characters (none too), `?` for one; everything else is itself,
 * and the whole subject name must match. `:.staging:*` matches every subject of the `.staging` context. Matched
 * by walking both strings (time bounded by their lengths' product), not by a regular expression that a pattern
 * of many stars could make backtrack for ever.
 */
export function subjectPattern(pattern: string): (subject: string) => boolean {
  const wanted = [...pattern];
  return (subject) => {
    const text = [...subject];
    let p = 0;
    let t = 0;
    let star = -1;
    let resume = 0;
    while (t < text.length) {
      if (p < wanted.length && (wanted[p] === '?' || (wanted[p] !== '*' && wanted[p] === text[t]))) {
        p++;
        t++;
      } else if (p < wanted.length && wanted[p] === '*') {
        star = p++;
        resume = t;
      } else if (star !== -1) {
        p = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < wanted.length && wanted[p] === '*') p++;
    return p === wanted.length;
  };
}
