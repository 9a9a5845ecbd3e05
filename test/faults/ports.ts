import { type AddressInfo, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { listening } from '../helpers/services.js';

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until something accepts connections on the port (`up`) or nothing does (`!up`). */
export async function waitForPort(port: number, up: boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await listening(port)) !== up) {
    if (Date.now() > deadline)
      throw new Error(`${what} did not ${up ? 'start' : 'stop'} within ${timeoutMs} ms`);
    await sleep(50);
  }
}
