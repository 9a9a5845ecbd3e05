import { ConfigError } from '../../core/config.js';
import {
  defineServer,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type ServerDefinition,
  type ToolDefinition,
} from '../../core/define.js';
import { normalizeHost, parseRanges } from '../../guards/net.js';
import type { Resolver } from '../../guards/net-dial.js';
import { type ClientPolicy, GuardedClient } from './client.js';
import type { HttpConfig } from './config.js';
import { Credentials } from './credentials.js';
import { fetchTool } from './fetch-tool.js';
import { readOperations } from './openapi/operations.js';
import { loadSpec, serverUrl } from './openapi/spec.js';
import { operationTool } from './openapi/tools.js';
import { openapiResources } from './resources.js';

export { type HttpConfig, httpConfigSchema } from './config.js';

export const HTTP_VERSION = '0.1.0';

/** What an http server holds between connections: the client (its connection pool) and its tools. */
export interface PreparedHttp {
  readonly tools: readonly ToolDefinition[];
  /** In OpenAPI mode, openapi://operations and openapi://operations/{id}; none otherwise. */
  readonly resources?: readonly ResourceDefinition[];
  readonly resourceTemplates?: readonly ResourceTemplateDefinition[];
  readonly instructions: string;
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

function clientPolicy(config: HttpConfig, allowHosts: readonly string[]): ClientPolicy {
  return { ...config, allowHosts };
}

function permittedRanges(config: HttpConfig) {
  const parsed = parseRanges(config.allowPrivate);
  if (!parsed.ok) throw new ConfigError(`allowPrivate: ${parsed.reason}`);
  return parsed.value;
}

/**
 * Builds the client and the tools once: `fetch`, or with `openapi` one tool per allowed operation, calling only
 * the spec's server (added to the host allowlist) and any hosts the operator listed.
 */
export async function prepareHttp(config: HttpConfig, resolver?: Resolver): Promise<PreparedHttp> {
  const credentials = new Credentials(config.credentials);
  const permitted = permittedRanges(config);
  if (!config.openapi) {
    const client = new GuardedClient(
      clientPolicy(config, config.allowHosts),
      permitted,
      credentials,
      resolver,
    );
    return {
      tools: [fetchTool(client, credentials, config)],
      instructions:
        'fetch reads web pages and APIs over http(s). ' +
        (config.allowHosts.length > 0
          ? `Allowed hosts: ${config.allowHosts.join(', ')}.`
          : 'Any public host; internal addresses are refused.'),
      warnings: [],
      close: () => client.close(),
    };
  }
  const source = config.openapi;
  const specClient = /^https?:\/\//i.test(source)
    ? new GuardedClient(
        clientPolicy({ ...config, allowMethods: ['GET'] }, [normalizeHost(new URL(source).hostname)]),
        permitted,
        credentials,
        resolver,
      )
    : undefined;
  const { doc, base } = await loadSpec(source, async (url) => {
    const response = await (specClient as GuardedClient).send({ url, method: 'GET' });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    if (response.truncated) throw new Error(`larger than ${config.maxResponseBytes} bytes`);
    return response.body.toString('utf8');
  }).finally(() => specClient?.close());
  const server = serverUrl(doc, base);
  const allowHosts = [...new Set([normalizeHost(server.hostname), ...config.allowHosts])];
  const client = new GuardedClient(clientPolicy(config, allowHosts), permitted, credentials, resolver);
  try {
    const { operations, skipped } = readOperations(doc, config.allowMethods);
    if (operations.length === 0)
      throw new ConfigError(
        `openapi ${source}: no operation can be served (${skipped.join('; ') || 'none found'})`,
      );
    const tools = operations.map((op) => operationTool(op, server, client, credentials));
    const title = doc.info?.title ?? 'the API';
    return {
      tools,
      ...openapiResources(doc, operations),
      instructions:
        `Tools for ${title} at ${server.origin}, one per API operation. Arguments are checked against the API's spec before any request. ` +
        'openapi://operations and openapi://operations/{id} describe the operations without calling the API.',
      warnings:
        skipped.length > 0
          ? [`openapi: ${skipped.length} operation(s) not served: ${skipped.join('; ')}`]
          : [],
      close: () => client.close(),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}

export function httpServer(prepared: PreparedHttp): ServerDefinition {
  return defineServer({
    name: 'http',
    version: HTTP_VERSION,
    instructions: prepared.instructions,
    tools: [...prepared.tools],
    ...(prepared.resources ? { resources: [...prepared.resources] } : {}),
    ...(prepared.resourceTemplates ? { resourceTemplates: [...prepared.resourceTemplates] } : {}),
  });
}
