import type { ServerDefinition } from '../core/define.js';
import { createRuntime, type RuntimeOptions } from '../core/runtime.js';
import { runStdio } from '../core/stdio.js';

export interface ServeStdioOptions extends RuntimeOptions {
  /** Closes what the server holds for the whole process (a pool, a client); called once, at the end. */
  readonly close?: () => Promise<void>;
}

/**
 * Serves a server over stdio until stdin ends or SIGINT/SIGTERM, with Rampart's policy envelope (limits,
 * timeouts, audit) around every call. Logs go to stderr only.
 */
export async function serveStdio(
  definition: ServerDefinition | (() => ServerDefinition),
  options: ServeStdioOptions = {},
): Promise<void> {
  const { close, ...runtimeOptions } = options;
  const runtime = await createRuntime({ logLevel: 'warn', scope: 'server', ...runtimeOptions });
  const make = typeof definition === 'function' ? definition : () => definition;
  await runStdio(make, runtime, close ? { close } : {});
}
