import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI } from '../helpers/mcp.js';
import { waitForPort } from './ports.js';

/** A `rampart <args>` listening on a port, with what it has written to stderr so far. */
export interface SpawnedListener {
  readonly url: string;
  stderr(): string;
  /** Whether it is still running: a fault must never end it. */
  alive(): boolean;
  stop(): Promise<void>;
}

export async function spawnListener(args: string[], port: number): Promise<SpawnedListener> {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit');
  try {
    await Promise.race([
      waitForPort(port, true, 30_000, `rampart ${args[0]}`),
      exited.then(() => {
        throw new Error(`rampart ${args[0]} exited at start: ${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
