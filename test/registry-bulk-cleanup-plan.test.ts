import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CleanupFacts,
  type CleanupPlan,
  type CleanupRequest,
  planCleanup,
  subjectPattern,
} from '../src/servers/registry/bulk/cleanup-plan.js';
import type { SubjectSnapshot, VersionSnapshot } from '../src/servers/registry/snapshot.js';

const version = (n: number, references: VersionSnapshot['references'] = []): VersionSnapshot => ({
  version: n,
  id: n,
  schemaType: 'AVRO',
  schema: '"string"',
  references,
});
const ref = (subject: string, v: number) => ({ name: `${subject}.${v}`, subject, version: v });

function facts(subjects: SubjectSnapshot[], extra: Partial<CleanupFacts> = {}): CleanupFacts {
  return { subjects, softDeletedOnly: [], modes: new Map(), viewOnly: false, ...extra };
}
const everything = (pattern: string, permanent = false): CleanupRequest => ({
  matches: subjectPattern(pattern),
  target: { kind: 'subjects' },
  permanent,
});

describe('the bulk cleanup planner', () => {
  it('deletes referrers before what they reference, and names them in the impact', () => {
    const subjects = [
      { subject: 'common', versions: [version(1)] },
      { subject: 'order', versions: [version(1, [ref('common', 1)])] },
      { subject: 'invoice', versions: [version(1, [ref('order', 1)])] },
    ];
    const plan = planCleanup(facts(subjects), everything('*'));
    expect(plan.steps.map((s) => s.subject)).toEqual(['invoice', 'order', 'common']);
    expect(plan.purge).toEqual([]);
    expect(plan.blocked).toEqual([]);
    expect(plan.impact).toEqual([
      { subject: 'common', version: 1, referenced_by: [{ subject: 'order', version: 1 }] },
      { subject: 'order', version: 1, referenced_by: [{ subject: 'invoice', version: 1 }] },
    ]);
  });

  it('blocks a subject a surviving subject references, naming the referrer, and what it references in turn', () => {
    const subjects = [
      { subject: 'old-common', versions: [version(1)] },
      { subject: 'old-order', versions: [version(1, [ref('old-common', 1)])] },
      { subject: 'payment', versions: [version(1, [ref('old-order', 1)])] },
    ];
    const plan = planCleanup(facts(subjects), everything('old-*'));
    expect(plan.steps).toEqual([]);
    expect(plan.blocked.map((b) => [b.subject, b.reason])).toEqual([
      ['old-order', 'referenced by payment version 1, which stays'],
      ['old-common', 'referenced by old-order version 1, which stays'],
    ]);
  });

  it('keeps the newest versions of each matched subject and deletes the older ones, newest first', () => {
    const subjects = [{ subject: 'a', versions: [version(1), version(2), version(3), version(4)] }];
    const plan = planCleanup(facts(subjects), {
      matches: subjectPattern('a'),
      target: { kind: 'versions', keepLatest: 2 },
      permanent: false,
    });
    expect(plan.steps).toEqual([
      { subject: 'a', version: 2 },
      { subject: 'a', version: 1 },
    ]);
  });

  it('blocks subjects in READONLY or IMPORT mode, and everything on a view-only registry', () => {
    const subjects = [
      { subject: 'a', versions: [version(1)] },
      { subject: 'b', versions: [version(1)] },
      { subject: 'c', versions: [version(1)] },
    ];
    const modes = new Map([
      ['a', 'READONLY'],
      ['b', 'IMPORT'],
    ]);
    const plan = planCleanup(facts(subjects, { modes }), everything('*'));
    expect(plan.steps.map((s) => s.subject)).toEqual(['c']);
    expect(plan.blocked.map((b) => b.reason)).toEqual([
      'subject a is in READONLY mode',
      'subject b is in IMPORT mode',
    ]);
    const viewOnly = planCleanup(facts(subjects, { viewOnly: true }), everything('*'));
    expect(viewOnly.steps).toEqual([]);
    expect(viewOnly.blocked.every((b) => b.reason === 'the registry is view-only')).toBe(true);
  });

  it('removes subjects that are only soft-deleted when the cleanup is permanent', () => {
    const plan = planCleanup(facts([], { softDeletedOnly: ['gone', 'other'] }), everything('go*', true));
    expect(plan.purge).toEqual(['gone']);
    expect(planCleanup(facts([], { softDeletedOnly: ['gone'] }), everything('go*')).purge).toEqual([]);
    const locked = planCleanup(
      facts([], { softDeletedOnly: ['gone'], modes: new Map([['gone', 'READONLY']]) }),
      everything('go*', true),
    );
    expect(locked.purge).toEqual([]);
    expect(locked.blocked.map((b) => b.reason)).toEqual(['subject gone is in READONLY mode']);
  });

  it('removes the soft-deleted versions of a subject whose live versions all go, when permanent', () => {
    const subjects = [
      { subject: 'a', versions: [version(2)] },
      { subject: 'b', versions: [version(1)] },
    ];
    const alsoSoftDeleted = new Set(['a', 'b']);
    const payments = { subject: 'payments', versions: [version(1, [ref('b', 1)])] };
    const plan = planCleanup(facts([...subjects, payments], { alsoSoftDeleted }), everything('?', true));
    expect(plan.steps).toEqual([{ subject: 'a', version: 2 }]);
    expect(plan.purge).toEqual(['a']);
  });
});

describe('subject patterns', () => {
  it('match whole names, with * for any run and ? for one character', () => {
    expect(subjectPattern('orders-*')('orders-value')).toBe(true);
    expect(subjectPattern('orders-*')('old-orders-value')).toBe(false);
    expect(subjectPattern('a?c')('abc')).toBe(true);
    expect(subjectPattern('a?c')('abbc')).toBe(false);
    expect(subjectPattern(':.staging:*')(':.staging:x')).toBe(true);
    expect(subjectPattern('a.c')('abc')).toBe(false);
  });

  it('agree with a regular expression built from the same pattern (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '.', '*', '?', '(', ':');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(alphabet, { maxLength: 10 }), (p, s) => {
        const pattern = p.join('');
        const subject = s.join('').replace(/[*?]/g, 'a');
        const expected = new RegExp(
          `^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`.replace(/^\\([a-z])$/, '$1'))).join('')}$`,
          's',
        ).test(subject);
        expect(subjectPattern(pattern)(subject)).toBe(expected);
      }),
    );
  });

  it('answer quickly for a pattern of many stars that a backtracking matcher would choke on', () => {
    const started = performance.now();
    expect(subjectPattern(`${'*a'.repeat(30)}b`)('a'.repeat(1000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

/** A random registry: each version may reference any version registered before it (as a registry allows). */
const registryArbitrary = fc
  .array(fc.record({ subject: fc.integer({ min: 0, max: 5 }), refs: fc.array(fc.nat(), { maxLength: 3 }) }), {
    maxLength: 25,
  })
  .map((creations) => {
    const subjects = new Map<string, VersionSnapshot[]>();
    const made: { subject: string; version: number }[] = [];
    for (const creation of creations) {
      const name = `s${creation.subject}`;
      const versions = subjects.get(name) ?? [];
      const references = [
        ...new Map(
          creation.refs
            .filter(() => made.length > 0)
            .map((i) => made[i % made.length] as { subject: string; version: number })
            .map((r) => [`${r.subject}/${r.version}`, ref(r.subject, r.version)]),
        ).values(),
      ];
      const created = version(versions.length + 1, references);
      versions.push(created);
      subjects.set(name, versions);
      made.push({ subject: name, version: created.version });
    }
    return [...subjects].map(([subject, versions]) => ({ subject, versions }));
  });

const requestArbitrary = fc.record({
  picked: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 6 }),
  keep: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  readonly: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
});

/** Runs a plan against a model registry that refuses, as Confluent does, to delete a version a live one references. */
function simulate(subjects: SubjectSnapshot[], plan: CleanupPlan): string | undefined {
  const live = new Map(
    subjects.flatMap((s) => s.versions.map((v) => [`${s.subject}/${v.version}`, v] as const)),
  );
  for (const step of plan.steps) {
    for (const [name, holder] of live) {
      if (holder.references.some((r) => r.subject === step.subject && r.version === step.version))
        return `${step.subject}/${step.version} is still referenced by ${name}`;
    }
    live.delete(`${step.subject}/${step.version}`);
  }
  return undefined;
}

describe('the bulk cleanup planner (properties)', () => {
  it('never deletes a version a surviving version references, and its order never trips the registry', () => {
    fc.assert(
      fc.property(registryArbitrary, requestArbitrary, (subjects, request) => {
        const picked = new Set(request.picked.map((i) => `s${i}`));
        const modes = new Map(request.readonly.map((i) => [`s${i}`, 'READONLY']));
        const plan = planCleanup(facts(subjects, { modes }), {
          matches: (s) => picked.has(s),
          target:
            request.keep === undefined
              ? { kind: 'subjects' }
              : { kind: 'versions', keepLatest: request.keep },
          permanent: false,
        });
        const going = new Set(plan.steps.map((s) => `${s.subject}/${s.version}`));
        for (const subject of subjects) {
          for (const v of subject.versions) {
            if (going.has(`${subject.subject}/${v.version}`)) continue;
            for (const r of v.references) expect(going.has(`${r.subject}/${r.version}`)).toBe(false);
          }
        }
        expect(simulate(subjects, plan)).toBeUndefined();
        for (const step of plan.steps) {
          expect(picked.has(step.subject)).toBe(true);
          expect(modes.has(step.subject)).toBe(false);
        }
        // Every candidate is accounted for: deleted or blocked, never silently dropped.
        const candidates = subjects
          .filter((s) => picked.has(s.subject))
          .reduce(
            (n, s) =>
              n +
              (request.keep === undefined
                ? s.versions.length
                : Math.max(0, s.versions.length - request.keep)),
            0,
          );
        const accounted = plan.steps.length + plan.blocked.reduce((n, s) => n + s.versions.length, 0);
        expect(accounted).toBe(candidates);
      }),
      { numRuns: 300 },
    );
  });

  it('blocks only what must stay: each blocked step names a referrer that stays, or a mode', () => {
    fc.assert(
      fc.property(registryArbitrary, requestArbitrary, (subjects, request) => {
        const picked = new Set(request.picked.map((i) => `s${i}`));
        const modes = new Map(request.readonly.map((i) => [`s${i}`, 'READONLY']));
        const plan = planCleanup(facts(subjects, { modes }), {
          matches: (s) => picked.has(s),
          target: { kind: 'subjects' },
          permanent: false,
        });
        const going = new Set(plan.steps.map((s) => `${s.subject}/${s.version}`));
        for (const blocked of plan.blocked) {
          if (blocked.referrers.length === 0) expect(blocked.reason).toMatch(/READONLY mode/);
          for (const r of blocked.referrers) expect(going.has(`${r.subject}/${r.version}`)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
