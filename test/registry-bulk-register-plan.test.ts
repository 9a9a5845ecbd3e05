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
