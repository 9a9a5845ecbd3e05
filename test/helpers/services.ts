import { createConnection } from 'node:net';
import { describe, it } from 'vitest';

/** True when something accepts TCP connections on 127.0.0.1:port within a second. */
export function listening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A describe block for tests that need a local service. When the service is down they are skipped with a
 * printed reason on a developer's machine, and fail under CI=true, where every service must be up.
 */
export async function describeWithService(
  service: string,
  port: number,
  name: string,
  body: () => void,
): Promise<void> {
  if (await listening(port)) {
    describe(name, body);
    return;
  }
  const reason = `${service} is not listening on 127.0.0.1:${port}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${service}`, () => {
        throw new Error(`${reason}, and under CI=true tests that need it fail instead of skipping`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${reason} (start it to run these tests)`);
  describe.skip(name, body);
}
