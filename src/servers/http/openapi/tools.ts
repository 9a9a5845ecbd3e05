import { z } from 'zod';
import { ConfigError } from '../../../core/config.js';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import type { GuardedClient, InboundResponse } from '../client.js';
import { render } from '../content.js';
import type { Credentials } from '../credentials.js';
import { argumentsSchema, buildRequest, type Operation } from './operations.js';

export const operationOutput = z.object({
  status: z.number().int(),
  contentType: z.string(),
  format: z.enum(['markdown', 'json', 'text', 'binary']),
  content: z.string().describe('The response body as text'),
  data: z.unknown().optional().describe('The response body parsed, when it is JSON'),
  truncatedAtCap: z.boolean().describe('True when the response was larger than the byte cap and cut there'),
});

function inputOf(op: Operation): z.ZodObject {
  let schema: unknown;
  try {
    schema = z.fromJSONSchema(argumentsSchema(op) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new ConfigError(
      `openapi ${op.operationId}: its parameters cannot be validated (${(error as Error).message})`,
    );
  }
  if (!(schema instanceof z.ZodObject))
    throw new ConfigError(`openapi ${op.operationId}: its parameters do not form an object schema`);
  return schema;
}

/** Annotations that are true of an HTTP method: reads are safe, DELETE and PUT replace or remove. */
export function operationAnnotations(method: string) {
  return {
    readOnlyHint: method === 'GET' || method === 'HEAD' || method === 'OPTIONS',
    destructiveHint: method === 'DELETE' || method === 'PUT',
    idempotentHint: method !== 'POST' && method !== 'PATCH',
    openWorldHint: true,
  };
}

/** A response as the model sees it: rendered, every credential scrubbed out, JSON parsed when it is JSON. */
export function operationResult(
  response: InboundResponse,
  credentials: Credentials,
): z.output<typeof operationOutput> {
  const contentType = response.contentType;
  const rendered = render(response.body, contentType, false);
  const content = credentials.scrub(rendered.text);
  let data: unknown;
  try {
    if (rendered.kind === 'json') data = JSON.parse(content);
  } catch {
    // Scrubbing can only have replaced text inside strings; if it did not parse, the text still shows it.
  }
  return {
    status: response.status,
    contentType,
    format: rendered.kind,
    content,
    ...(data !== undefined ? { data } : {}),
    truncatedAtCap: response.truncated,
  };
}

/** The text block of an operation's result: status line, body, and a marker when the body was cut. */
export function presentOperation(r: z.output<typeof operationOutput>): string {
  return [
    `${r.status} (${r.contentType || 'no content type'})`,
    r.content,
    ...(r.truncatedAtCap ? ['[the response was larger than the size cap; the rest was not downloaded]'] : []),
  ].join('\n');
}

/** One tool for one OpenAPI operation: arguments validated from the spec before any request is made. */
export function operationTool(
  op: Operation,
  server: URL,
  client: GuardedClient,
  credentials: Credentials,
): ToolDefinition {
  return defineTool({
    name: op.tool,
    title: op.title,
    description: `${op.description}\n\n(${op.method} ${server.origin}${server.pathname.replace(/\/+$/, '')}${op.path})`,
    input: inputOf(op),
    output: operationOutput,
    annotations: operationAnnotations(op.method),
    handler: async (args, ctx) => {
      const request = buildRequest(op, server, args as Record<string, unknown>);
      const response = await client.send({
        url: request.url,
        method: op.method,
        declaredHeaders: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: ctx.signal,
      });
      return operationResult(response, credentials);
    },
    present: presentOperation,
  });
}
