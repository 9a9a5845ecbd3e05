import { contextOf, type SubjectSnapshot } from '../snapshot.js';
import { referrersBySubject, type VersionOf } from './referrers.js';

export interface ContextsFacts {
  /** Every live subject of the registry with its versions: referrers in other contexts count. */
  readonly subjects: readonly SubjectSnapshot[];
  /** Subjects with only soft-deleted versions (a permanent clear removes them for good). */
  readonly softDeletedOnly: readonly string[];
  /** Effective mode of each subject in the contexts. */
  readonly modes: ReadonlyMap<string, string>;
  readonly viewOnly: boolean;
}

export interface ContextStep {
  readonly subject: string;
  readonly action: 'soft delete' | 'delete for good';
}

export interface ContextsPlan {
  /** In the order to run: referrers before what they reference; a permanent clear soft-deletes first. */
  readonly steps: ContextStep[];
  readonly blocked: { subject: string; reason: string }[];
  /** Subjects that go while other schemas reference them (those in a cleared context go too). */
  readonly impact: { subject: string; referenced_by: VersionOf[] }[];
}

/**
 * Which subjects of the contexts can go, and in what order. A subject stays (blocked) when the registry is
 * view-only, when it is READONLY, when a schema outside the contexts references it, or when something that stays
 * references it: a delete the registry would refuse is never attempted.
 */
export function planClearContexts(
  contexts: readonly string[],
  facts: ContextsFacts,
  permanent: boolean,
): ContextsPlan {
  const inScope = (subject: string) => contexts.includes(contextOf(subject));
  const live = facts.subjects.filter((s) => inScope(s.subject));
  const referrers = referrersBySubject(facts.subjects);
  const reasons = new Map<string, string>();
  for (const s of live) {
    const outside = (referrers.get(s.subject) ?? []).filter((r) => !inScope(r.subject));
    if (facts.viewOnly) reasons.set(s.subject, 'the registry is view-only');
    else if (facts.modes.get(s.subject) === 'READONLY') reasons.set(s.subject, 'in READONLY mode');
    else if (outside.length > 0)
      reasons.set(
        s.subject,
        `referenced from outside the cleared contexts by ${outside.map((r) => `${r.subject} v${r.version}`).join(', ')}`,
      );
  }
  // What a staying subject references must stay too, transitively.
  const staying = [...reasons.keys()];
  while (staying.length > 0) {
    const subject = staying.pop() as string;
    const snapshot = live.find((s) => s.subject === subject);
    for (const v of snapshot?.versions ?? [])
      for (const r of v.references)
        if (inScope(r.subject) && !reasons.has(r.subject) && r.subject !== subject) {
          reasons.set(r.subject, `referenced by ${subject}, which stays`);
          staying.push(r.subject);
        }
  }
  const going = referrersFirst(
    live.filter((s) => !reasons.has(s.subject)),
    reasons,
  );
  const steps: ContextStep[] = [];
  for (const s of going) {
    steps.push({ subject: s.subject, action: 'soft delete' });
    if (permanent) steps.push({ subject: s.subject, action: 'delete for good' });
  }
  const blocked = [...reasons].map(([subject, reason]) => ({ subject, reason }));
  if (permanent)
    for (const subject of facts.softDeletedOnly.filter(inScope)) {
      if (facts.viewOnly) blocked.push({ subject, reason: 'the registry is view-only' });
      else if (facts.modes.get(subject) === 'READONLY') blocked.push({ subject, reason: 'in READONLY mode' });
      else steps.push({ subject, action: 'delete for good' });
    }
  const impact = going
    .map((s) => ({ subject: s.subject, referenced_by: referrers.get(s.subject) ?? [] }))
    .filter((i) => i.referenced_by.length > 0);
  return { steps, blocked, impact };
}

/**
 * The subjects in an order the registry accepts whole-subject deletes in: each one once nothing left references
 * it. Subjects whose versions reference each other round (A v2 → B, B v2 → A) never get there, nor does what they
 * reference; they are blocked (added to `reasons`), since no order of whole-subject deletes gets past a cycle.
 */
function referrersFirst(
  subjects: readonly SubjectSnapshot[],
  reasons: Map<string, string>,
): SubjectSnapshot[] {
  const remaining = new Map(subjects.map((s) => [s.subject, s]));
  const ordered: SubjectSnapshot[] = [];
  for (;;) {
    const referenced = new Set<string>();
    for (const s of remaining.values())
      for (const v of s.versions)
        for (const r of v.references) if (r.subject !== s.subject) referenced.add(r.subject);
    const free = [...remaining.values()].filter((s) => !referenced.has(s.subject));
    if (free.length === 0) break;
    for (const s of free) {
      ordered.push(s);
      remaining.delete(s.subject);
    }
  }
  for (const subject of remaining.keys())
    reasons.set(
      subject,
      'in, or referenced from, a reference cycle between subjects: delete their versions one at a time',
    );
  return ordered;
}
