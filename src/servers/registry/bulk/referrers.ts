import type { SubjectSnapshot } from '../snapshot.js';

export interface VersionOf {
  readonly subject: string;
  readonly version: number;
}

/** For each subject, the live versions of other subjects whose references point at it. */
export function referrersBySubject(subjects: readonly SubjectSnapshot[]): Map<string, VersionOf[]> {
  const found = new Map<string, VersionOf[]>();
  for (const s of subjects)
    for (const v of s.versions)
      for (const r of v.references) {
        if (r.subject === s.subject) continue;
        const list = found.get(r.subject) ?? [];
        if (!list.some((x) => x.subject === s.subject && x.version === v.version))
          list.push({ subject: s.subject, version: v.version });
        found.set(r.subject, list);
      }
  return found;
}
