import type { ResourceContents, ResourceDefinition, ResourceTemplateDefinition } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import type { Operation } from './openapi/operations.js';
import { toJsonSchema } from './openapi/schema.js';
import { deref, type OpenApiDocument } from './openapi/spec.js';

const JSON_TYPE = 'application/json';
/** Longest summary and description a resource repeats from the spec; a spec is text from outside. */
export const MAX_SUMMARY_CHARS = 200;
export const MAX_DESCRIPTION_CHARS = 2000;
/** Most tags, responses and media types one operation lists. */
const MAX_ITEMS = 50;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Spec text as the resource repeats it: control characters other than line breaks and tabs removed, and cut at
 * `max` characters with a marker saying so. It stays text inside JSON; nothing renders it as markup.
 */
export function boundedText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max).join('')}… (cut at ${max} characters)`;
}

/** A schema from the spec as JSON Schema, or why it could not be read, never a failed read. */
function schemaOf(doc: OpenApiDocument, schema: unknown): Record<string, unknown> {
  try {
    return toJsonSchema(doc, schema ?? {});
  } catch (error) {
    return { unreadable: (error as Error).message };
  }
}

function resolved(doc: OpenApiDocument, value: unknown): Record<string, unknown> | undefined {
  try {
    const found = deref(doc, value);
    return isObject(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

function contentSchemas(doc: OpenApiDocument, content: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(content)) return out;
  for (const [type, media] of Object.entries(content).slice(0, MAX_ITEMS)) {
    out[type] = isObject(media) && media.schema !== undefined ? schemaOf(doc, media.schema) : {};
  }
  return out;
}

/** The raw operation object the tool was built from. */
function rawOperation(doc: OpenApiDocument, op: Operation): Record<string, unknown> {
  const item = doc.paths[op.path];
  const raw = item?.[op.method.toLowerCase()];
  return isObject(raw) ? raw : {};
}

function tagsOf(raw: Record<string, unknown>): string[] {
  return Array.isArray(raw.tags)
    ? raw.tags
        .filter((t): t is string => typeof t === 'string')
        .slice(0, MAX_ITEMS)
        .map((t) => boundedText(t, MAX_SUMMARY_CHARS) as string)
    : [];
}

/** The security an operation asks for: its own requirement, else the spec's, with each scheme's kind (no secrets). */
function securityOf(doc: OpenApiDocument, raw: Record<string, unknown>) {
  const spec = doc as unknown as { security?: unknown };
  const requirements = Array.isArray(raw.security)
    ? raw.security
    : Array.isArray(spec.security)
      ? spec.security
      : [];
  const schemes = isObject(doc.components?.securitySchemes) ? doc.components.securitySchemes : {};
  return requirements.slice(0, MAX_ITEMS).map((requirement) =>
    Object.entries(isObject(requirement) ? requirement : {}).map(([name, scopes]) => {
      const scheme = resolved(doc, (schemes as Record<string, unknown>)[name]) ?? {};
      return {
        scheme: name,
        type: typeof scheme.type === 'string' ? scheme.type : 'unknown',
        ...(typeof scheme.scheme === 'string' ? { httpScheme: scheme.scheme } : {}),
        ...(typeof scheme.in === 'string' ? { in: scheme.in } : {}),
        ...(typeof scheme.name === 'string' ? { name: scheme.name } : {}),
        scopes: Array.isArray(scopes) ? scopes.filter((s) => typeof s === 'string').slice(0, MAX_ITEMS) : [],
      };
    }),
  );
}

function summaryOf(op: Operation, raw: Record<string, unknown>) {
  return {
    id: op.operationId,
    tool: op.tool,
    method: op.method,
    path: op.path,
    summary: boundedText(raw.summary, MAX_SUMMARY_CHARS) ?? '',
    tags: tagsOf(raw),
  };
}

function detailOf(doc: OpenApiDocument, op: Operation) {
  const raw = rawOperation(doc, op);
  const body = resolved(doc, raw.requestBody);
  const responses = isObject(raw.responses) ? Object.entries(raw.responses).slice(0, MAX_ITEMS) : [];
  return {
    ...summaryOf(op, raw),
    description: boundedText(raw.description, MAX_DESCRIPTION_CHARS) ?? '',
    deprecated: raw.deprecated === true,
    parameters: op.parameters.map((p) => ({
      name: p.name,
      in: p.in,
      argument: p.arg,
      required: p.required,
      description: boundedText(p.description, MAX_DESCRIPTION_CHARS) ?? '',
      schema: p.schema,
    })),
    requestBody: body
      ? {
          required: body.required === true,
          description: boundedText(body.description, MAX_DESCRIPTION_CHARS) ?? '',
          content: contentSchemas(doc, body.content),
        }
      : null,
    responses: Object.fromEntries(
      responses.map(([status, value]) => {
        const response = resolved(doc, value) ?? {};
        return [
          status,
          {
            description: boundedText(response.description, MAX_DESCRIPTION_CHARS) ?? '',
            content: contentSchemas(doc, response.content),
          },
        ];
      }),
    ),
    security: securityOf(doc, raw),
  };
}

const json = (uri: string, value: unknown): ResourceContents[] => [
  { uri, mimeType: JSON_TYPE, text: JSON.stringify(value, null, 2) },
];

/**
 * `openapi://operations` and `openapi://operations/{id}`: the operations this server serves as tools, read from
 * the spec loaded at start. Reading one never makes a request to the API. They describe the spec, so a tool the
 * operator left out with --tools/--exclude-tools is still described; describing it calls nothing.
 */
export function openapiResources(
  doc: OpenApiDocument,
  operations: readonly Operation[],
): { resources: ResourceDefinition[]; resourceTemplates: ResourceTemplateDefinition[] } {
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  return {
    resources: [
      {
        name: 'openapi-operations',
        title: 'API operations',
        description:
          'Every operation of the spec this server serves (its method allowed, an operationId): id, tool name, method, path, summary and tags',
        uri: 'openapi://operations',
        mimeType: JSON_TYPE,
        read: async () =>
          json('openapi://operations', {
            operations: operations.map((op) => summaryOf(op, rawOperation(doc, op))),
          }),
      },
    ],
    resourceTemplates: [
      {
        name: 'openapi-operation',
        title: 'One API operation',
        description:
          'One operation by its operationId: parameters, request body schema, responses and security requirements',
        uriTemplate: 'openapi://operations/{id}',
        mimeType: JSON_TYPE,
        complete: {
          id: async (value) => operations.map((op) => op.operationId).filter((id) => id.startsWith(value)),
        },
        read: async (uri, variables) => {
          const raw = variables.id;
          const encoded = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
          let id: string;
          try {
            id = decodeURIComponent(encoded);
          } catch {
            throw new Refusal('the operation id in the URI is not valid percent-encoding');
          }
          const op = byId.get(id);
          if (!op) {
            const shown = boundedText(id, 100);
            throw new Refusal(
              `no operation "${shown}" is served (see openapi://operations; ${operations.length} operation(s))`,
            );
          }
          return json(uri.href, detailOf(doc, op));
        },
      },
    ],
  };
}
