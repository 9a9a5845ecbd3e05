import { z } from 'zod';
import { ConfigError } from '../core/config.js';
import { defineTool, type ToolDefinition } from '../core/define.js';
import type { Operation } from '../servers/http/openapi/operations.js';
import { operationAnnotations, operationOutput, presentOperation } from '../servers/http/openapi/tools.js';
import { type ApiClient, type ApiOperationSettings, operationSettings } from './api.js';

export interface OperationToolSpec<I extends z.ZodObject> {
  /** snake_case, as MCP clients list it. */
  readonly name: string;
  /** Method, path, parameters (which argument carries each), body, security: `src/api.json` holds them. */
  readonly operation: ApiOperationSettings;
  /** One key per parameter's argument, and `body` when the operation takes a JSON body. */
  readonly input: I;
}

/**
 * A tool for one API operation: the input is validated before any request, the request is built from the
 * operation (path segments encoded, `..` refused, header values checked for CR/LF) and made through the client;
 * the result is status, content type and body (JSON parsed), credentials scrubbed out. Annotations follow from
 * the method.
 */
export function defineOperationTool<I extends z.ZodObject>(
  client: ApiClient,
  spec: OperationToolSpec<I>,
): ToolDefinition<I, typeof operationOutput> {
  const parsed = operationSettings.safeParse(spec.operation);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `operation ${spec.name}: ${issue?.path.join('.') || 'settings'}: ${issue?.message}`,
    );
  }
  const settings = parsed.data;
  const keys = new Set(Object.keys(spec.input.shape));
  const carried = [...settings.parameters.map((p) => p.arg), ...(settings.body ? ['body'] : [])];
  const stray = [
    ...carried.filter((arg) => !keys.has(arg)),
    ...[...keys].filter((key) => !carried.includes(key)),
  ];
  if (stray.length > 0)
    throw new ConfigError(
      `operation ${spec.name}: its input and its parameters disagree on argument "${stray[0]}"`,
    );
  const operation: Operation = {
    operationId: spec.name,
    tool: spec.name,
    method: settings.method,
    path: settings.path,
    title: settings.title,
    description: settings.description,
    parameters: settings.parameters.map((p) => ({
      ...p,
      required: false,
      schema: {},
      description: undefined,
    })),
    body: settings.body ? { required: false, schema: {} } : undefined,
  };
  const where = `${settings.method} ${client.baseUrl.origin}${client.baseUrl.pathname.replace(/\/+$/, '')}${settings.path}`;
  return defineTool({
    name: spec.name,
    title: settings.title,
    description: `${settings.description}\n\n(${where})`,
    input: spec.input,
    output: operationOutput,
    annotations: operationAnnotations(settings.method),
    handler: (args, ctx) =>
      client.call(operation, settings.security, args as Record<string, unknown>, ctx.signal),
    present: presentOperation,
  });
}

/**
 * A zod schema from plain JSON Schema (as `openApiSchema` makes it): for the parts of an API's arguments that
 * are not written out as zod code (combinators, unusual keywords). A schema it cannot express is a ConfigError.
 */
export function zodFromJsonSchema(schema: unknown): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new ConfigError(`a JSON Schema cannot be used for validation (${(error as Error).message})`);
  }
}
