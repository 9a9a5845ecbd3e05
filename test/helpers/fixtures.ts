import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { REPO } from './mcp.js';

/** The shared third-party corpora: RAMPART_FIXTURES, else ../shared/fixtures beside the checkout. */
export const FIXTURES = process.env.RAMPART_FIXTURES ?? path.resolve(REPO, '../shared/fixtures');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/**
 * A describe block over the shared fixtures. A fresh clone has none, so it is skipped with a printed reason;
 * under CI=true, where they sit beside the checkout, it fails instead.
 */
export function describeWithFixtures(folder: string, name: string, body: () => void): void {
  if (existsSync(fixture(folder))) {
    describe(name, body);
    return;
  }
  const reason = `the ${folder} fixtures are not at ${fixture(folder)} (set RAMPART_FIXTURES)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs the ${folder} fixtures`, () => {
        throw new Error(`${reason}, and under CI=true fixture suites fail instead of skipping`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${reason}`);
  describe.skip(name, body);
}
