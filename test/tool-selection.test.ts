import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../src/core/config.js';
import { defineServer, READ_ONLY, type ToolDefinition } from '../src/core/define.js';
import { keepTools, resolveToolOffer } from '../src/core/tool-selection.js';

const WRITE = { ...READ_ONLY, readOnlyHint: false };

function tool(name: string, readOnly: boolean): ToolDefinition {
  return {
    name,
    title: name,
    description: name,
    input: z.object({}),
    output: z.object({}),
    annotations: readOnly ? READ_ONLY : WRITE,
    handler: async () => ({}),
  };
}

/** A server's tools: distinct snake_case names, each read-only or not. */
const toolsArb = fc
  .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/), fc.boolean()), {
    minLength: 1,
    maxLength: 12,
    selector: ([name]) => name,
  })
  .map((pairs) => pairs.map(([name, readOnly]) => tool(name, readOnly)));

/** A server's tools with a selection drawn from their own names (so every name is known). */
const scenarioArb = toolsArb.chain((tools) => {
  const names = tools.map((t) => t.name);
  return fc.record({
    tools: fc.constant(tools),
    include: fc.option(fc.subarray(names, { minLength: 1 }), { nil: undefined }),
    exclude: fc.option(fc.subarray(names), { nil: undefined }),
    readOnly: fc.boolean(),
  });
});

function expected(s: { tools: ToolDefinition[]; include?: string[]; exclude?: string[]; readOnly: boolean }) {
  return s.tools
    .filter((t) => s.include === undefined || s.include.includes(t.name))
    .filter((t) => !s.exclude?.includes(t.name))
    .filter((t) => !s.readOnly || t.annotations.readOnlyHint)
    .map((t) => t.name);
}

describe('tool selection (include, then exclude, then read-only)', () => {
  it('offers exactly the tools the selection keeps, in the server order, or refuses an empty result', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const want = expected(s);
        const selection = { tools: s.include, excludeTools: s.exclude, readOnly: s.readOnly };
        if (want.length === 0) {
          expect(() => resolveToolOffer('demo', s.tools, selection)).toThrow(ConfigError);
          return;
        }
        const offer = resolveToolOffer('demo', s.tools, selection);
        expect(offer.offered).toEqual(want);
        expect([...offer.offered, ...offer.excluded].sort()).toEqual(s.tools.map((t) => t.name).sort());
        expect(offer.readOnly).toBe(s.readOnly);
        const definition = keepTools(defineServer({ name: 'demo', version: '1', tools: s.tools }), offer);
        expect(definition.tools.map((t) => t.name)).toEqual(want);
      }),
    );
  });

  it('never offers a write tool under read-only, nor an excluded tool', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const selection = { tools: s.include, excludeTools: s.exclude, readOnly: s.readOnly };
        if (expected(s).length === 0) return;
        const offer = resolveToolOffer('demo', s.tools, selection);
        for (const name of offer.offered) {
          expect(s.exclude ?? []).not.toContain(name);
          if (s.readOnly) expect(s.tools.find((t) => t.name === name)?.annotations.readOnlyHint).toBe(true);
        }
      }),
    );
  });

  it('refuses a name the server does not have, listing the names it has (a typo never narrows silently)', () => {
    fc.assert(
      fc.property(
        toolsArb,
        fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/),
        fc.constantFrom('tools', 'excludeTools'),
        (tools, typo, setting) => {
          fc.pre(!tools.some((t) => t.name === typo));
          const run = () => resolveToolOffer('demo', tools, { [setting]: [typo] });
          expect(run).toThrow(ConfigError);
          expect(run).toThrow(
            new RegExp(
              `does not have \\(with its current options\\): ${typo} \\(its tools: ${tools.map((t) => t.name).join(', ')}\\)`,
            ),
          );
        },
      ),
    );
  });

  it('reads "a,b" in one item as two names, as a comma-separated env or YAML string gives them', () => {
    const tools = [tool('read_file', true), tool('write_file', false), tool('grep', true)];
    expect(resolveToolOffer('fs', tools, { tools: ['read_file, grep'] }).offered).toEqual([
      'read_file',
      'grep',
    ]);
    expect(resolveToolOffer('fs', tools, { excludeTools: ['write_file,grep'] }).offered).toEqual([
      'read_file',
    ]);
  });

  it('refuses an include list with no name in it', () => {
    const tools = [tool('read_file', true)];
    expect(() => resolveToolOffer('fs', tools, { tools: [' , '] })).toThrow(
      /names no tool \(its tools: read_file\)/,
    );
  });

  it('leaves a definition untouched when nothing is left out', () => {
    const definition = defineServer({ name: 'git', version: '1', tools: [tool('git_status', true)] });
    const offer = resolveToolOffer('git', definition.tools, { readOnly: true });
    expect(offer).toEqual({ offered: ['git_status'], excluded: [], readOnly: true });
    expect(keepTools(definition, offer)).toBe(definition);
  });
});
