import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFlexibleConfiguration } from '../../src/servers/krakend/flexible.js';
import { DocumentPositions, syntaxProblems } from '../../src/servers/krakend/positions.js';
import { SchemaRegistry } from '../../src/servers/krakend/schema/registry.js';
import { SchemaSource } from '../../src/servers/krakend/schema/source.js';
import { parseConfigJson } from '../../src/servers/krakend/tools/shared.js';
import { validateText } from '../../src/servers/krakend/validate.js';
import { writeSyntheticSchemas } from '../helpers/krakend-schemas.js';
import { fuzzParameters, fuzzTimeoutMs, onlyOwnErrors, onlyOwnErrorsAsync } from './budget.js';
import { anyText, deeplyNested, mutated } from './inputs.js';

/** Config-shaped JSON: KrakenD's keys with values of the right and of the wrong kind. */
const configValue = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.dictionary(
      fc.constantFrom(
        'version',
        'endpoints',
        'endpoint',
        'backend',
        'host',
        'url_pattern',
        'extra_config',
        'name',
        'x',
      ),
      tie('node'),
      { maxKeys: 4 },
    ),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;

const configText = fc
  .tuple(
    configValue,
    fc.constantFrom(0, 2, '\t'),
    fc.option(fc.constantFrom(...['2.1', '2.2', '9.9', 'x']), { nil: undefined }),
  )
  .map(([value, indent, version]) => {
    const withSchema =
      version && typeof value === 'object' && value !== null && !Array.isArray(value)
        ? { $schema: `https://www.krakend.io/schema/v${version}/krakend.json`, ...value }
        : value;
    return JSON.stringify(withSchema, null, indent);
  });

/** JSON with what KrakenD's parser refuses: comments, trailing commas, templates. */
const jsonc = fc
  .tuple(configText, fc.constantFrom('// note\n', '/* a */', ',', '{{ .x }}', '/*', '"\\u12', '\n'), fc.nat())
  .map(([text, extra, at]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + extra + text.slice(i);
  });

const text = fc.oneof(anyText, configText, jsonc, mutated(configText), deeplyNested);

function pointersOf(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [
    prefix,
    ...entries.flatMap(([key, child]) =>
      pointersOf(child, `${prefix}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`),
    ),
  ];
}

const never = () => false;

describe('KrakenD config loading on generated and hostile text', () => {
  let base: string;
  let registry: SchemaRegistry;

  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'rampart-fuzz-krakend-'));
    registry = new SchemaRegistry(
      new SchemaSource({
        localDir: writeSyntheticSchemas(path.join(base, 'schema')),
        cacheDir: path.join(base, 'cache'),
        baseUrl: 'http://127.0.0.1:9/schema/',
        offline: true,
        timeoutMs: 2_000,
        maxBytes: 1 << 24,
      }),
    );
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it(
    'syntax problems and template detection never throw, and every problem lies inside the text',
    () => {
      fc.assert(
        fc.property(text, (input) => {
          const problems = onlyOwnErrors(() => syntaxProblems(input), never, 'syntaxProblems') ?? [];
          const lines = input.split('\n').length;
          for (const problem of problems) {
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lines);
            expect(problem.column).toBeGreaterThanOrEqual(1);
          }
          onlyOwnErrors(() => detectFlexibleConfiguration(input), never, 'detectFlexibleConfiguration');
        }),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'agrees with JSON.parse: strict JSON has no syntax problem, and what JSON.parse refuses has one',
    () => {
      fc.assert(
        fc.property(fc.oneof(configText, jsonc, mutated(configText)), (input) => {
          let parses = true;
          try {
            JSON.parse(input);
          } catch {
            parses = false;
          }
          const problems = syntaxProblems(input);
          if (parses) expect(problems).toEqual([]);
          else expect(problems.length).toBeGreaterThan(0);
        }),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'positions point at the value they name (round trip: pointer → line and column → the value’s text)',
    () => {
      fc.assert(
        fc.property(configValue, fc.constantFrom(0, 2), (value, indent) => {
          const input = JSON.stringify(value, null, indent);
          const positions = new DocumentPositions(input);
          const lineStarts = [0, ...[...input.matchAll(/\n/g)].map((m) => (m.index as number) + 1)];
          for (const pointer of pointersOf(value)) {
            const { line, column } = positions.of(pointer);
            const offset = (lineStarts[line - 1] as number) + column - 1;
            let target: unknown = value;
            for (const key of pointer.split('/').slice(1))
              target = (target as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')];
            expect(
              input.startsWith(JSON.stringify(target, null, indent).split('\n')[0] as string, offset),
            ).toBe(true);
          }
        }),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'validation answers every text with a report, never an exception',
    async () => {
      await fc.assert(
        fc.asyncProperty(text, async (input) => {
          const report = await onlyOwnErrorsAsync(() => validateText(input, registry), never, 'validateText');
          expect(report?.valid).toBeTypeOf('boolean');
          if (report && !report.valid) expect(report.errors.length).toBeGreaterThan(0);
        }),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(),
  );

  describe('regressions found by fuzzing', () => {
    it('refuses a config nested 10,000 deep in one line, instead of overflowing the stack', async () => {
      const deepArray = '['.repeat(10_000);
      const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      expect(syntaxProblems(deepArray)).toEqual([
        { line: 1, column: 1, message: expect.stringMatching(/nested more than 256 levels deep/) },
      ]);
      expect(new DocumentPositions(deepObject).of('/a/a')).toEqual({ line: 1, column: 1 });
      for (const input of [deepArray, deepObject]) {
        const report = await validateText(input, registry);
        expect(report.valid).toBe(false);
        expect(report.errors[0]?.message).toMatch(
          /^the config: objects and arrays nested more than 256 levels deep/,
        );
      }
      expect(() => parseConfigJson({ text: deepObject, label: 'config' })).toThrow(
        /^config: objects and arrays nested more than 256 levels deep/,
      );
    });

    it('places a key that looks like an index ("0", "200") in an object at the key, not at its parent', () => {
      const input = '{"version":[{"version":{"0":null}}],"codes":{"200":"ok"}}';
      const positions = new DocumentPositions(input);
      expect(positions.of('/version/0/version/0')).toEqual({ line: 1, column: input.indexOf('null') + 1 });
      expect(positions.of('/codes/200')).toEqual({ line: 1, column: input.indexOf('"ok"') + 1 });
    });
  });
});
