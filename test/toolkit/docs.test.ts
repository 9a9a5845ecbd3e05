import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/mcp.js';
import { typecheck, VIRTUAL_ROOT } from '../helpers/typecheck.js';

/** The toolkit's documentation examples: each one typechecks, and each one not marked compile-only runs. */
const DOC = readFileSync(path.join(REPO, 'docs/toolkit.md'), 'utf8');
const BLOCKS = [...DOC.matchAll(/```ts( compile-only)?\n([\s\S]*?)```/g)].map((match, index) => ({
  name: `example-${index + 1}`,
  heading: [...DOC.slice(0, match.index).matchAll(/^## (.+)$/gm)].pop()?.[1] ?? 'intro',
  runs: !match[1],
  code: match[2] as string,
}));
const RUN_DIR = path.join(VIRTUAL_ROOT, 'docs-run');

afterAll(() => rmSync(RUN_DIR, { recursive: true, force: true }));

describe('docs/toolkit.md', () => {
  it('has an example for every group of exports', () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(9);
  });

  it('typechecks every example against the toolkit entry', () => {
    const folders = new Map(BLOCKS.map((b) => [b.name, new Map([['example.ts', b.code]])]));
    expect(typecheck(folders)).toEqual([]);
  }, 60_000);

  for (const block of BLOCKS.filter((b) => b.runs)) {
    it(`runs the example for ${block.heading}`, async () => {
      mkdirSync(RUN_DIR, { recursive: true });
      const file = path.join(RUN_DIR, `${block.name}.ts`);
      const entry = path.relative(RUN_DIR, path.join(REPO, 'src/toolkit/index.js'));
      writeFileSync(file, block.code.replaceAll("'rampart-mcp/toolkit'", `'${entry}'`));
      await import(file);
    }, 30_000);
  }
});
