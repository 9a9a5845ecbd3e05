import { ConfigError } from '../../../core/config.js';
import { Refusal } from '../../../core/errors.js';
import { headerInjection } from '../../../guards/net.js';
import { toJsonSchema } from './schema.js';
import { deref, type OpenApiDocument } from './spec.js';

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'] as const;

/** Header parameters a spec may not declare: the client and the credentials own these. */
const RESERVED_HEADERS = new Set([
  'host',
  'authorization',
  'cookie',
  'proxy-authorization',
  'content-length',
  'transfer-encoding',
  'connection',
]);

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  /** The argument that carries it (the name, or `<in>_<name>` when two locations share a name). */
  readonly arg: string;
  readonly required: boolean;
  readonly schema: Record<string, unknown>;
  readonly description: string | undefined;
}

export interface Operation {
  readonly operationId: string;
  readonly tool: string;
  readonly method: string;
  readonly path: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: readonly Parameter[];
  readonly body: { readonly required: boolean; readonly schema: Record<string, unknown> } | undefined;
}

/** `listPets` and `list-pets` both become `list_pets`. */
export function toolName(operationId: string): string {
  const snake = operationId
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  const named = /^[a-z]/.test(snake) ? snake : `op_${snake}`;
  return named.slice(0, 64);
}

function readParameter(
  doc: OpenApiDocument,
  raw: unknown,
  where: string,
): Omit<Parameter, 'arg'> | undefined {
  const p = deref(doc, raw) as Record<string, unknown> | null;
  if (!isObject(p)) throw new ConfigError(`openapi ${where}: a parameter is not an object`);
  const location = p.in;
  if (location === 'cookie') return undefined;
  if (location !== 'path' && location !== 'query' && location !== 'header')
    throw new ConfigError(`openapi ${where}: parameter "${String(p.name)}" has an unknown "in"`);
  if (typeof p.name !== 'string' || p.name === '')
    throw new ConfigError(`openapi ${where}: a parameter has no name`);
  if (location === 'header' && RESERVED_HEADERS.has(p.name.toLowerCase()))
    throw new ConfigError(
      `openapi ${where}: header parameter "${p.name}" is reserved; configure credentials instead`,
    );
  return {
    name: p.name,
    in: location,
    required: location === 'path' || p.required === true,
    schema: toJsonSchema(doc, p.schema ?? { type: 'string' }),
    description: typeof p.description === 'string' ? p.description : undefined,
  };
}

function readBody(doc: OpenApiDocument, raw: unknown, where: string): Operation['body'] {
  if (raw === undefined) return undefined;
  const body = deref(doc, raw) as {
    required?: boolean;
    content?: Record<string, { schema?: unknown }>;
  } | null;
  if (!isObject(body)) throw new ConfigError(`openapi ${where}: its requestBody is not an object`);
  const json = Object.entries(isObject(body.content) ? body.content : {}).find(([type]) =>
    /^application\/(.+\+)?json/.test(type),
  );
  if (!json) return undefined;
  const media = json[1] as { schema?: unknown } | null;
  return {
    required: body.required === true,
    schema: toJsonSchema(doc, isObject(media) ? (media.schema ?? {}) : {}),
  };
}

function isObject<T>(value: T | null | undefined): value is T & object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every operation of the spec whose method is allowed, with its parameters resolved. Operations without an
 * operationId are skipped (a tool needs a stable name), as are those with a method the operator did not allow.
 */
export function readOperations(
  doc: OpenApiDocument,
  allowMethods: readonly string[],
): { operations: Operation[]; skipped: string[] } {
  const operations: Operation[] = [];
  const skipped: string[] = [];
  const names = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) throw new ConfigError(`openapi ${path}: a path item is not an object`);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== 'string') {
        skipped.push(`${where}: no operationId`);
        continue;
      }
      if (!allowMethods.includes(method.toUpperCase())) {
        skipped.push(`${where} (${op.operationId}): method ${method.toUpperCase()} is not allowed`);
        continue;
      }
      let tool = toolName(op.operationId);
      for (let n = 2; names.has(tool); n++) tool = `${toolName(op.operationId)}_${n}`;
      names.add(tool);
      const declared = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]
        .map((p) => readParameter(doc, p, where))
        .filter((p): p is Omit<Parameter, 'arg'> => p !== undefined);
      // An operation's own parameter overrides the path item's one of the same name and location.
      const byKey = new Map(declared.map((p) => [`${p.in}:${p.name}`, p]));
      const unique = [...byKey.values()];
      const parameters = unique.map((p) => ({
        ...p,
        arg:
          unique.filter((q) => q.name === p.name).length > 1 || p.name === 'body'
            ? `${p.in}_${p.name}`
            : p.name,
      }));
      for (const placeholder of path.matchAll(/\{([^}]+)\}/g)) {
        if (!parameters.some((p) => p.in === 'path' && p.name === placeholder[1]))
          throw new ConfigError(`openapi ${where}: path parameter "${placeholder[1]}" is not declared`);
      }
      const summary = typeof op.summary === 'string' ? op.summary : undefined;
      const description = typeof op.description === 'string' ? op.description : undefined;
      operations.push({
        operationId: op.operationId,
        tool,
        method: method.toUpperCase(),
        path,
        title: summary ?? op.operationId,
        description: [summary, description].filter(Boolean).join('\n\n') || `${method.toUpperCase()} ${path}`,
        parameters,
        body: readBody(doc, op.requestBody, where),
      });
    }
  }
  return { operations, skipped };
}

/** The JSON Schema of an operation's arguments: one property per parameter, and `body` for a JSON body. */
export function argumentsSchema(op: Operation): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of op.parameters) {
    properties[p.arg] = {
      ...p.schema,
      description: [p.description, `(${p.in} parameter "${p.name}")`].filter(Boolean).join(' '),
    };
    if (p.required) required.push(p.arg);
  }
  if (op.body) {
    properties.body = { ...op.body.schema, description: 'Request body (JSON)' };
    if (op.body.required) required.push('body');
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function text(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

/** The URL, headers and body for a call, from validated arguments. */
export function buildRequest(
  op: Operation,
  server: URL,
  args: Record<string, unknown>,
): { url: string; headers: Record<string, string>; body: string | undefined } {
  let path = op.path;
  const url = new URL(server.href);
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    const value = args[p.arg];
    if (value === undefined || value === null) continue;
    if (p.in === 'path') {
      // encodeURIComponent leaves no "/" or ".." that could walk the path somewhere else.
      const encoded = encodeURIComponent(text(value));
      if (encoded === '.' || encoded === '..')
        throw new Refusal(`argument "${p.arg}": "${encoded}" is not a valid path segment`);
      path = path.replaceAll(`{${p.name}}`, encoded);
    } else if (p.in === 'query') {
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(p.name, text(item));
    } else {
      const headerValue = text(value);
      if (headerInjection(headerValue))
        throw new Refusal(
          `argument "${p.arg}" contains a line break or NUL, which is not allowed in a header`,
        );
      headers[p.name.toLowerCase()] = headerValue;
    }
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  let body: string | undefined;
  if (op.body && args.body !== undefined) {
    body = JSON.stringify(args.body);
    headers['content-type'] = 'application/json';
  }
  return { url: url.href, headers, body };
}
