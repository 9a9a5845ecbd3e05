import { z } from 'zod';
import { ConfigError } from '../../../core/config.js';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import type { GuardedClient } from '../client.js';
import { render } from '../content.js';
import type { Credentials } from '../credentials.js';
import { argumentsSchema, buildRequest, type Operation } from './operations.js';

const operationOutput = z.object({
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

/** One tool for one OpenAPI operation: arguments validated from the spec before any request is made. */
export function operationTool(
  op: Operation,
  server: URL,
  client: GuardedClient,
  credentials: Credentials,
): ToolDefinition {
  const reads = op.method === 'GET' || op.method === 'HEAD' || op.method === 'OPTIONS';
  return defineTool({
    name: op.tool,
    title: op.title,
    description: `${op.description}\n\n(${op.method} ${server.origin}${server.pathname.replace(/\/+$/, '')}${op.path})`,
    input: inputOf(op),
    output: operationOutput,
    annotations: {
      readOnlyHint: reads,
      destructiveHint: op.method === 'DELETE' || op.method === 'PUT',
      idempotentHint: op.method !== 'POST' && op.method !== 'PATCH',
      openWorldHint: true,
    },
    handler: async (args, ctx) => {
      const request = buildRequest(op, server, args as Record<string, unknown>);
      const response = await client.send({
        url: request.url,
        method: op.method,
        declaredHeaders: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: ctx.signal,
      });
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
    },
    present: (r) =>
      [
        `${r.status} (${r.contentType || 'no content type'})`,
        r.content,
        ...(r.truncatedAtCap
          ? ['[the response was larger than the size cap; the rest was not downloaded]']
          : []),
      ].join('\n'),
  });
}
