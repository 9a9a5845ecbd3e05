import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { MAX_JSON_DEPTH, maxMessageBytesOf } from '../guards/limits.js';
import type { ServerDefinition } from './define.js';
import type { Runtime } from './envelope.js';
import { errorFields } from './log.js';
import { buildMcpServer } from './server.js';
import { listenForStop, type StopSignal } from './shutdown.js';
import { StdioLineTransport } from './stdio-transport.js';

export interface StdioOptions {
  /** Closes what the server holds open for the whole process (a pool, a Redis client); called once, at the end. */
  readonly close?: () => Promise<void>;
}

function stdinEnded(): Promise<'stdin'> {
  return new Promise((resolve) => {
    process.stdin.once('end', () => resolve('stdin'));
    process.stdin.once('close', () => resolve('stdin'));
  });
}

/**
 * Serves a server over stdio until the client closes stdin or the process gets SIGINT or SIGTERM, then closes
 * the connection, each definition's own resources (`dispose`), the server's (`close`) and the audit log, so
 * that nothing keeps the process alive. `makeDefinition` runs once per connection, so per-connection state
 * (such as the client's roots) never leaks between connections. Resolves with why it stopped.
 */
export async function runStdio(
  makeDefinition: () => ServerDefinition,
  runtime: Runtime,
  options: StdioOptions = {},
): Promise<'stdin' | StopSignal> {
  const stop = listenForStop();
  const made: ServerDefinition[] = [];
  let stopping = false;
  const handle = serveStdio(
    () => {
      const definition = makeDefinition();
      made.push(definition);
      return buildMcpServer(definition, runtime);
    },
    {
      transport: new StdioLineTransport({
        maxMessageBytes: maxMessageBytesOf(runtime.limits),
        maxDepth: MAX_JSON_DEPTH,
        log: runtime.log,
      }),
      // Answers still being written when the connection closes fail by design; anything before that is news.
      onerror: (error) => {
        if (!stopping) runtime.log.warn('stdio connection error', errorFields(error));
      },
    },
  );
  const reason = await Promise.race([stdinEnded(), stop.signal]);
  stopping = true;
  try {
    await handle.close();
    for (const result of await Promise.allSettled(made.map((d) => d.dispose?.()))) {
      if (result.status === 'rejected')
        runtime.log.warn('could not release what the connection held', errorFields(result.reason));
    }
    await options.close?.();
  } finally {
    await runtime.audit.close();
    stop.cancel();
  }
  return reason;
}
