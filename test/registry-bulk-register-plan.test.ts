import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompatibilityCheck,
  planRegistration,
  type RegisterFacts,
  type TargetSubject,
} from '../src/servers/registry/bulk/register-plan.js';

const record = (name: string, fields: string[]) =>
  JSON.stringify({ type: 'record', name, fields: fields.map((f) => ({ name: f, type: 'string' })) });
const schema = (
  version: number,
  text: string,
  references: { name: string; subject: string; version: number }[] = [],
) => ({
  version,
  id: 100 + version,
  schemaType: 'AVRO' as const,
  schema: text,
  references,
});
const target = (entries: [string, TargetSubject][] = [], viewOnly = false): RegisterFacts => ({
  target: new Map(entries),
  viewOnly,
});
const compatible: CompatibilityCheck = async () => ({ compatible: true, messages: [] });

describe('the bulk register planner', () => {
  it('registers referenced subjects first and points references at the versions they become', async () => {
    const steps = await planRegistration(
      [
        {
          subject: 'order',
          versions: [schema(1, record('Order', ['id']), [{ name: 'Common', subject: 'common', version: 3 }])],
        },
        { subject: 'common', versions: [schema(3, record('Common', ['a']))] },
      ],
      target([['common', { live: [], highestVersion: 7, mode: 'READWRITE' }]]),
      compatible,
    );
    expect(steps.map((s) => [s.subject, s.action, s.target_version, s.compatibility])).toEqual([
      ['common', 'register', 8, 'checked'],
      ['order', 'register', 1, 'unchecked'],
    ]);
  });

  it('skips a schema the subject already holds and checks the next one against the registry', async () => {
    const asked: string[] = [];
    const check: CompatibilityCheck = async (subject, body) => {
      asked.push(`${subject}:${body.schema}`);
      return { compatible: false, messages: ['READER_FIELD_MISSING_DEFAULT_VALUE'] };
    };
    const v1 = schema(1, record('A', ['x']));
    const steps = await planRegistration(
      [
        {
          subject: 'a',
          versions: [v1, schema(2, record('A', ['x', 'y'])), schema(3, record('A', ['x', 'y', 'z']))],
        },
      ],
      target([['a', { live: [{ ...v1, references: [] }], highestVersion: 1, mode: 'READWRITE' }]]),
      check,
    );
    expect(steps.map((s) => s.action)).toEqual(['skip', 'blocked', 'blocked']);
    expect(steps[1]?.messages).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
    expect(steps[2]?.reason).toMatch(/earlier version is blocked/);
    expect(asked).toHaveLength(1);
  });

  it('blocks READONLY subjects, missing references, what depends on a blocked one, and all on a view-only registry', async () => {
    const bundle = [
      { subject: 'locked', versions: [schema(1, record('L', ['a']))] },
      {
        subject: 'user',
        versions: [schema(1, record('U', ['a']), [{ name: 'L', subject: 'locked', version: 1 }])],
      },
      {
        subject: 'orphan',
        versions: [schema(1, record('O', ['a']), [{ name: 'X', subject: 'nowhere', version: 1 }])],
      },
    ];
    const steps = await planRegistration(
      bundle,
      target([['locked', { live: [], highestVersion: 0, mode: 'READONLY' }]]),
      compatible,
    );
    expect(Object.fromEntries(steps.map((s) => [s.subject, s.reason]))).toEqual({
      locked: 'subject locked is in READONLY mode',
      user: 'references locked version 1, which is blocked',
      orphan: 'references nowhere version 1, which neither the bundle nor the registry holds',
    });
    const viewOnly = await planRegistration(bundle, target([], true), compatible);
    expect(viewOnly.every((s) => s.action === 'blocked' && s.reason === 'the registry is view-only')).toBe(
      true,
    );
  });

  it('interleaves two subjects whose versions reference each other across, rather than blocking one', async () => {
    const steps = await planRegistration(
      [
        {
          subject: 'a',
          versions: [
            schema(1, record('A1', ['x'])),
            schema(2, record('A2', ['x']), [{ name: 'B', subject: 'b', version: 1 }]),
          ],
        },
        {
          subject: 'b',
          versions: [schema(1, record('B1', ['x']), [{ name: 'A', subject: 'a', version: 1 }])],
        },
      ],
      target(),
      compatible,
    );
    expect(steps.map((s) => `${s.subject}/${s.version}:${s.action}`)).toEqual([
      'a/1:register',
      'b/1:register',
      'a/2:register',
    ]);
  });

  it('keeps the bundle ids and versions only where the target subject is in IMPORT mode', async () => {
    const steps = await planRegistration(
      [
        { subject: 'imported', versions: [schema(4, record('I', ['a']))] },
        { subject: 'normal', versions: [schema(4, record('N', ['a']))] },
      ],
      target([['imported', { live: [], highestVersion: 0, mode: 'IMPORT' }]]),
      compatible,
    );
    expect(steps.map((s) => [s.subject, s.keep_id, s.target_version, s.compatibility])).toEqual([
      ['imported', true, 4, 'not applied'],
      ['normal', false, 1, 'checked'],
    ]);
  });
});

/** A random bundle: each version may reference any version made before it, in its subject or another. */
const bundleArbitrary = fc
  .array(fc.record({ subject: fc.integer({ min: 0, max: 4 }), refs: fc.array(fc.nat(), { maxLength: 2 }) }), {
    maxLength: 20,
  })
  .map((creations) => {
    const subjects = new Map<string, ReturnType<typeof schema>[]>();
    const made: { subject: string; version: number }[] = [];
    for (const [i, creation] of creations.entries()) {
      const name = `s${creation.subject}`;
      const list = subjects.get(name) ?? [];
      const references = [
        ...new Map(
          creation.refs
            .filter(() => made.length > 0)
            .map((r) => made[r % made.length] as { subject: string; version: number })
            .map((r) => [`${r.subject}/${r.version}`, { name: `${r.subject}.${r.version}`, ...r }]),
        ).values(),
      ];
      const created = schema(list.length + 1, record(`R${i}`, ['id']), references);
      list.push(created);
      subjects.set(name, list);
      made.push({ subject: name, version: created.version });
    }
    return [...subjects].map(([subject, versions]) => ({ subject, versions }));
  });

describe('the bulk register planner (properties)', () => {
  it('accounts for every version once, registers nothing before what it references, and nothing in READONLY', async () => {
    await fc.assert(
      fc.asyncProperty(
        bundleArbitrary,
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 2 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 2 }),
        async (bundle, readonly, incompatible) => {
          const locked = new Set(readonly.map((i) => `s${i}`));
          const refusing = new Set(incompatible.map((i) => `s${i}`));
          const steps = await planRegistration(
            bundle,
            target(
              [...locked].map(
                (s) => [s, { live: [], highestVersion: 0, mode: 'READONLY' }] as [string, TargetSubject],
              ),
            ),
            async (subject) => ({ compatible: !refusing.has(subject), messages: [] }),
          );
          const planned = steps.map((s) => `${s.subject}/${s.version}`);
          const all = bundle.flatMap((s) => s.versions.map((v) => `${s.subject}/${v.version}`));
          expect([...planned].sort()).toEqual([...all].sort());
          const landed = new Set<string>();
          const blockedSubjects = new Set<string>();
          for (const step of steps) {
            const key = `${step.subject}/${step.version}`;
            const version = bundle
              .find((s) => s.subject === step.subject)
              ?.versions.find((v) => v.version === step.version);
            if (step.action === 'register') {
              expect(locked.has(step.subject)).toBe(false);
              expect(blockedSubjects.has(step.subject)).toBe(false);
              for (const r of version?.references ?? [])
                expect(landed.has(`${r.subject}/${r.version}`)).toBe(true);
              landed.add(key);
            } else {
              blockedSubjects.add(step.subject);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
