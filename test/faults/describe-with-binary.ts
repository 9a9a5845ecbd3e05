import { describe, it } from 'vitest';

/**
 * A describe block for fault tests that start their own server from a binary on this machine. When the binary
 * is missing they are skipped with a printed reason on a developer's machine, and fail under CI=true.
 */
export function describeWithBinary(
  binary: string,
  found: string | undefined,
  name: string,
  body: () => void,
): void {
  if (found) {
    describe(name, body);
    return;
  }
  const reason = `${binary} is not installed on this machine`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${binary}`, () => {
        throw new Error(`${reason}, and under CI=true tests that need it fail instead of skipping`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${reason} (install it to run these tests)`);
  describe.skip(name, body);
}
