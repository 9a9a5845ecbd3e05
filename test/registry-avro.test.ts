import { describe, expect, it } from 'vitest';
import { compatibilityProblems, type PriorVersion } from '../src/registry-server/compat/check.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '../src/registry-server/compat/levels.js';
import { avroCannotRead, parseAvro } from '../src/registry-server/schemas/avro.js';
import { parseSchema } from '../src/registry-server/schemas/parse.js';

const avro = (schema: unknown) => parseAvro(JSON.stringify(schema), []).model;
const record = (fields: unknown[], name = 'R', extra: Record<string, unknown> = {}) => ({
  type: 'record',
  name,
  fields,
  ...extra,
});
const enumOf = (symbols: string[], extra: Record<string, unknown> = {}) => ({
  type: 'enum',
  name: 'E',
  symbols,
  ...extra,
});

/**
 * Avro schema resolution, rule by rule (specification, "Schema Resolution"): [rule, writer, reader, can read].
 */
const RESOLUTION: [string, unknown, unknown, boolean][] = [
  ['same primitive', 'int', 'int', true],
  ['int is promoted to long, float and double', 'int', 'long', true],
  ['int → float', 'int', 'float', true],
  ['int → double', 'int', 'double', true],
  ['long → float', 'long', 'float', true],
  ['long → double', 'long', 'double', true],
  ['float → double', 'float', 'double', true],
  ['string ↔ bytes', 'string', 'bytes', true],
  ['bytes ↔ string', 'bytes', 'string', true],
  ['no demotion: long → int', 'long', 'int', false],
  ['no demotion: double → float', 'double', 'float', false],
  ['unrelated primitives', 'string', 'int', false],
  [
    'record: a field the writer lacks needs a default',
    record([{ name: 'a', type: 'int' }]),
    record([
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int' },
    ]),
    false,
  ],
  [
    'record: … and with one it reads',
    record([{ name: 'a', type: 'int' }]),
    record([
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int', default: 0 },
    ]),
    true,
  ],
  [
    'record: a writer field the reader lacks is ignored',
    record([
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int' },
    ]),
    record([{ name: 'a', type: 'int' }]),
    true,
  ],
  [
    'record: field types resolve recursively',
    record([{ name: 'a', type: 'int' }]),
    record([{ name: 'a', type: 'long' }]),
    true,
  ],
  [
    'record: … and fail recursively',
    record([{ name: 'a', type: 'long' }]),
    record([{ name: 'a', type: 'int' }]),
    false,
  ],
  ['record: names must match', record([], 'A'), record([], 'B'), false],
  [
    'record: unless the reader aliases the writer name',
    record([], 'A'),
    record([], 'B', { aliases: ['A'] }),
    true,
  ],
  [
    'record: a field alias matches a renamed field',
    record([{ name: 'old', type: 'int' }]),
    record([{ name: 'new', type: 'int', aliases: ['old'] }]),
    true,
  ],
  [
    'record: namespaces are not compared (as Java Avro)',
    record([], 'R', { namespace: 'a' }),
    record([], 'R', { namespace: 'b' }),
    true,
  ],
  ['enum: a writer symbol the reader lacks fails', enumOf(['A', 'B']), enumOf(['A']), false],
  ['enum: … unless the reader has a default', enumOf(['A', 'B']), enumOf(['A'], { default: 'A' }), true],
  ['enum: the reader may add symbols', enumOf(['A']), enumOf(['A', 'B']), true],
  [
    'fixed: sizes must match',
    { type: 'fixed', name: 'F', size: 8 },
    { type: 'fixed', name: 'F', size: 4 },
    false,
  ],
  [
    'fixed: same size and name',
    { type: 'fixed', name: 'F', size: 8 },
    { type: 'fixed', name: 'F', size: 8 },
    true,
  ],
  ['array: items resolve', { type: 'array', items: 'int' }, { type: 'array', items: 'long' }, true],
  ['array: items fail', { type: 'array', items: 'long' }, { type: 'array', items: 'int' }, false],
  ['map: values resolve', { type: 'map', values: 'float' }, { type: 'map', values: 'double' }, true],
  ['map vs array', { type: 'map', values: 'int' }, { type: 'array', items: 'int' }, false],
  ['union: the reader may add branches', ['null', 'int'], ['null', 'int', 'string'], true],
  ['union: a writer branch the reader cannot read fails', ['null', 'int', 'string'], ['null', 'int'], false],
  ['union: a writer branch is promoted into a reader branch', ['null', 'int'], ['null', 'long'], true],
  ['writer union, reader not: every branch must resolve', ['null', 'int'], 'int', false],
  ['writer not union, reader union: one branch must match', 'int', ['null', 'long'], true],
  ['writer not union, reader union: none matches', 'string', ['null', 'int'], false],
];

describe('Avro schema resolution', () => {
  it.each(RESOLUTION)('%s', (_rule, writer, reader, expected) => {
    const reason = avroCannotRead(avro(reader), avro(writer));
    expect(reason === undefined, reason).toBe(expected);
  });

  it.each(RESOLUTION)('agrees with avsc building a resolver: %s', (_rule, writer, reader) => {
    const ours = avroCannotRead(avro(reader), avro(writer)) === undefined;
    let theirs = true;
    try {
      avro(reader).type.createResolver(avro(writer).type, { ignoreNamespaces: true });
    } catch {
      theirs = false;
    }
    expect(ours).toBe(theirs);
  });

  it('refuses schemas Avro does not accept, naming why', () => {
    expect(() => parseAvro('{"type": "record", "name": "R"}', [])).toThrow(/Invalid schema/);
    expect(() => parseAvro('{"type": "nope"}', [])).toThrow(/Invalid schema: .*nope/);
    expect(() => parseAvro('not json', [])).toThrow(/not JSON/);
  });

  it('resolves named types from references', () => {
    const address = JSON.stringify(record([{ name: 'city', type: 'string' }], 'Address', { namespace: 'x' }));
    const person = JSON.stringify(
      record([{ name: 'home', type: 'x.Address' }], 'Person', { namespace: 'x' }),
    );
    expect(() => parseAvro(person, [])).toThrow(/Invalid schema/);
    expect(() => parseAvro(person, [address])).not.toThrow();
  });
});

/** Chains where only the latest version passes, so transitive and non-transitive levels disagree. */
const v = (fields: unknown[]) => parseSchema('AVRO', JSON.stringify(record(fields)), [], []);
const a = { name: 'a', type: 'int' };
const bRequired = { name: 'b', type: 'int' };
const bDefault = { name: 'b', type: 'int', default: 0 };
const chain = (...versions: ReturnType<typeof v>[]): PriorVersion[] =>
  versions.map((schema, i) => ({ version: i + 1, schema }));

const CHAINS: [string, PriorVersion[], ReturnType<typeof v>, Record<CompatibilityLevel, boolean>][] = [
  [
    'adds a required field after it gained a default (backward chain)',
    chain(v([a]), v([a, bDefault])),
    v([a, bRequired]),
    {
      NONE: true,
      BACKWARD: true,
      BACKWARD_TRANSITIVE: false,
      FORWARD: true,
      FORWARD_TRANSITIVE: true,
      FULL: true,
      FULL_TRANSITIVE: false,
    },
  ],
  [
    'drops a field that only the oldest version requires (forward chain)',
    chain(v([a, bRequired]), v([a, bDefault])),
    v([a]),
    {
      NONE: true,
      BACKWARD: true,
      BACKWARD_TRANSITIVE: true,
      FORWARD: true,
      FORWARD_TRANSITIVE: false,
      FULL: true,
      FULL_TRANSITIVE: false,
    },
  ],
  [
    'adds a required field (fails backward, passes forward)',
    chain(v([a])),
    v([a, bRequired]),
    {
      NONE: true,
      BACKWARD: false,
      BACKWARD_TRANSITIVE: false,
      FORWARD: true,
      FORWARD_TRANSITIVE: true,
      FULL: false,
      FULL_TRANSITIVE: false,
    },
  ],
  [
    'changes a field type to one that cannot be promoted either way',
    chain(v([a]), v([a])),
    v([{ name: 'a', type: 'string' }]),
    {
      NONE: true,
      BACKWARD: false,
      BACKWARD_TRANSITIVE: false,
      FORWARD: false,
      FORWARD_TRANSITIVE: false,
      FULL: false,
      FULL_TRANSITIVE: false,
    },
  ],
];

describe('compatibility levels over version chains', () => {
  for (const [title, prior, candidate, verdicts] of CHAINS) {
    it.each(COMPATIBILITY_LEVELS)(`${title}: %s`, (level) => {
      const problems = compatibilityProblems(level, candidate, prior);
      expect(problems.length === 0, problems.join('; ')).toBe(verdicts[level]);
    });
  }

  it('names the version and direction of each problem', () => {
    const problems = compatibilityProblems(
      'FULL_TRANSITIVE',
      v([a, bRequired]),
      chain(v([a]), v([a, bDefault])),
    );
    expect(problems).toEqual([
      'The new schema cannot read data written with version 1 (FULL_TRANSITIVE): READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: the reader\'s field "b" has no default value and the writer has no such field',
    ]);
  });
});
