import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { AuditSink } from '../core/audit.js';
import { ConfigError } from '../core/config.js';
import type { MetricsSink } from '../core/metrics.js';
import { createRuntime } from '../core/runtime.js';
import { buildMcpServer } from '../core/server.js';
import { type ToolOffer, ToolSelectionError } from '../core/tool-selection.js';
import { SERVER_KINDS, type ServerKind } from '../servers/catalog.js';
import type { ServerEntry } from './config.js';

export interface Mount {
  readonly name: string;
  readonly handler: McpHttpHandler;
  /** The tools this mount registers and those its selection left out. */
  readonly offer: ToolOffer;
  /** Closes the handler and what the server holds open. */
  close(): Promise<void>;
}

export interface MountContext {
  readonly audit: AuditSink;
  readonly metrics: MetricsSink;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly maxRequestBytes: number;
  readonly source: string;
}

/**
 * One configured server behind a stateless Streamable HTTP handler: every request gets a fresh server instance,
 * so any number of gateway instances can stand behind a load balancer.
 */
export async function buildMount(entry: ServerEntry, context: MountContext): Promise<Mount> {
  const where = `${context.source} servers.${entry.name}.options`;
  const serverKind: ServerKind = SERVER_KINDS[entry.kind];
  if (serverKind.needsConnections) {
    throw new ConfigError(
      `${context.source} servers.${entry.name}: ${entry.kind} cannot be served here: ${serverKind.needsConnections}`,
    );
  }
  const loaded = await serverKind.load();
  const shape = loaded.configSchema.shape as Record<string, unknown>;
  for (const key of Object.keys(entry.options)) {
    if (!Object.hasOwn(shape, key))
      throw new ConfigError(`${where}.${key} is not an option of ${entry.kind}`);
  }
  const parsed = loaded.configSchema.safeParse({ logLevel: context.logLevel, ...entry.options });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${where}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data as Record<string, unknown> & Parameters<typeof createRuntime>[0];
  const prepared = await loaded.prepare(config).catch((error: unknown) => {
    throw error instanceof ToolSelectionError ? new ConfigError(`${where}: ${error.message}`) : error;
  });
  const runtime = await createRuntime({
    ...config,
    audit: context.audit,
    metrics: context.metrics,
    scope: entry.name,
  });
  // One definition for every request: its tools (and their schemas) are built once, not per request. Named
  // after the mount, so that audit records and metrics tell two servers of one kind apart. Without
  // onClientRoots, nothing a request sends can change it: over stateless HTTP the roots are the operator's.
  const definition = { ...prepared.makeDefinition(), name: entry.name, onClientRoots: undefined };
  definition.onSharedByClients?.();
  const handler = createMcpHandler(() => buildMcpServer(definition, runtime), {
    maxRequestBodySize: context.maxRequestBytes,
    onerror: (error) => runtime.log.debug('request refused by the MCP handler', { error: error.message }),
  });
  for (const warning of prepared.warnings) runtime.log.warn(`${entry.name}: ${warning}`);
  return {
    name: entry.name,
    handler,
    offer: prepared.offer,
    async close() {
      await handler.close();
      await definition.dispose?.();
      await prepared.close();
    },
  };
}
