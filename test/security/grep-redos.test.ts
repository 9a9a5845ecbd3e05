import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFs, type Session, spawnRampart } from '../helpers/mcp.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';

/** `(a+)+$` against a long run of a's that ends in a mismatch backtracks for longer than anyone will wait. */
const CATASTROPHIC = '(a+)+$';

async function expectBoundedAndAlive(fs: Session, timeoutMs: number): Promise<void> {
  const started = performance.now();
  const result = await fs.call('grep', { pattern: CATASTROPHIC, path: '.' });
  const took = performance.now() - started;
  expect(result).toMatchObject({ isError: true, text: `grep timed out after ${timeoutMs} ms` });
  expect(took).toBeLessThan(timeoutMs + 2_000);
  // The server is not stuck behind the regex: the next calls answer at once.
  const next = performance.now();
  expect((await fs.call('grep', { pattern: 'needle', literal: true })).text).toContain('needle here');
  expect((await fs.call('grep', { pattern: 'nee+dle' })).text).toContain('needle here');
  expect(performance.now() - next).toBeLessThan(1_500);
}

describe('grep with a catastrophic regular expression', () => {
  let layout: Layout;

  beforeAll(() => {
    layout = makeLayout();
    writeFileSync(path.join(layout.root, 'evil.txt'), `${'a'.repeat(64)}!\n`);
    writeFileSync(path.join(layout.root, 'plain.txt'), 'needle here\n');
  });

  afterAll(() => layout?.cleanup());

  it('refuses to let a catastrophic regex hang the server (in-process)', async () => {
    const fs = await connectFs({ roots: [layout.root], timeoutMs: 1_000 });
    try {
      await expectBoundedAndAlive(fs, 1_000);
    } finally {
      await fs.close();
    }
  });

  it('refuses to let a catastrophic regex hang the server (spawned rampart over stdio)', async () => {
    const fs = await spawnRampart(['fs', layout.root, '--timeout-ms', '1000']);
    try {
      await expectBoundedAndAlive(fs, 1_000);
    } finally {
      await fs.close();
    }
  });

  it('still reports an invalid regular expression in one line, without starting a worker', async () => {
    const fs = await connectFs({ roots: [layout.root] });
    try {
      const result = await fs.call('grep', { pattern: '(unclosed' });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/^pattern is not a valid regular expression: /);
    } finally {
      await fs.close();
    }
  });

  it('keeps refusing paths outside the roots when the search runs in a worker', async () => {
    const fs = await connectFs({ roots: [layout.root] });
    try {
      const result = await fs.call('grep', { pattern: 'TOP.SECRET', path: layout.outside });
      expect(result).toMatchObject({ isError: true });
      expect(result.text).toContain('outside the allowed roots');
      expect((await fs.call('grep', { pattern: 'TOP.SECRET' })).text).toMatch(/^No matches found/);
    } finally {
      await fs.close();
    }
  });
});
