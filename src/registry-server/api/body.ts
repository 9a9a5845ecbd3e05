import type { Context } from 'hono';
import { type ZodType, z } from 'zod';
import { readCappedBody } from '../../core/http-body.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../guards/limits.js';
import { invalidConfig, invalidModeRequest, invalidSchema, RegistryError } from '../errors.js';
import type { SchemaRequest } from '../registry.js';

/**
 * The request body as a JSON object, read with the cap enforced while reading: a larger body is refused with 413
 * and Confluent's "schema too large" code (42209, which Confluent answers with a 500; a body over the limit is
 * the client's error) without reading the rest of it.
 */
export async function readBody(c: Context, maxBytes: number): Promise<Record<string, unknown>> {
  const body = await readCappedBody(c.req.raw, maxBytes);
  if (body.status === 'too-large')
    throw new RegistryError(
      413,
      42209,
      `Request body is larger than ${maxBytes} bytes, the limit of this registry (maxBodyBytes)`,
    );
  if (body.status === 'unreadable') throw new RegistryError(400, 400, 'Request body could not be read');
  const text = body.bytes.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
  } catch (error) {
    throw new RegistryError(400, 400, `Request body is not a JSON object: ${(error as Error).message}`);
  }
  if (exceedsJsonDepth(parsed, MAX_JSON_DEPTH))
    throw new RegistryError(400, 400, tooDeepMessage('Request body'));
  return parsed as Record<string, unknown>;
}

const strings = z.record(z.string(), z.string());
const metadata = z.object({
  tags: z.record(z.string(), z.array(z.string())).optional(),
  properties: strings.optional(),
  sensitive: z.array(z.string()).optional(),
});
const rule = z.object({
  name: z.string(),
  doc: z.string().optional(),
  kind: z.enum(['TRANSFORM', 'CONDITION']).optional(),
  mode: z.enum(['UPGRADE', 'DOWNGRADE', 'UPDOWN', 'WRITE', 'READ', 'WRITEREAD']).optional(),
  type: z.string(),
  tags: z.array(z.string()).optional(),
  params: strings.optional(),
  expr: z.string().optional(),
  onSuccess: z.string().optional(),
  onFailure: z.string().optional(),
  disabled: z.boolean().optional(),
});
const ruleSet = z.object({
  migrationRules: z.array(rule).optional(),
  domainRules: z.array(rule).optional(),
  encodingRules: z.array(rule).optional(),
  enableAt: z.string().optional(),
});
// JSON null stands for an absent field, as it does for Confluent's Jackson-bound requests.
const absent = <T extends ZodType>(type: T) => type.nullish().transform((v) => v ?? undefined);

/** Confluent's RegisterSchemaRequest, the body of registration, lookup and compatibility tests. */
const schemaRequestBody = z.object({
  schema: absent(z.string()),
  schemaType: absent(z.string()),
  references: absent(
    z.array(
      z.object({
        name: z.string(),
        subject: z.string(),
        version: z
          .int()
          .min(-1)
          .max(2 ** 31 - 1),
      }),
    ),
  ),
  id: absent(z.int().max(2 ** 31 - 1)),
  version: absent(z.int().max(2 ** 31 - 1)),
  metadata: absent(metadata),
  ruleSet: absent(ruleSet),
});
/** Request fields of Confluent's that would change what is stored, which this registry does not do. */
const UNSUPPORTED_SCHEMA_FIELDS = ['schemaTagsToAdd', 'schemaTagsToRemove', 'propagateSchemaTags'];

const configBody = z.object({
  compatibility: absent(z.string()),
  compatibilityLevel: absent(z.string()),
  normalize: absent(z.boolean()),
  alias: absent(z.string()),
});
const modeBody = z.object({ mode: z.string() });

export interface ConfigUpdate {
  readonly compatibility?: string;
  readonly normalize?: boolean;
  readonly alias?: string;
}

/** A field's path as a client writes it: `references[0].version`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

/** Parses `body` with `type`, or throws `refuse` with one line naming the first field in error. */
function parseWith<T>(type: ZodType<T>, body: unknown, refuse: (message: string) => RegistryError): T {
  const result = type.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw refuse('the request body is not valid');
  const at = issue.path.reduce<unknown>(
    (value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key],
    body,
  );
  const why =
    issue.code === 'invalid_type'
      ? at === undefined
        ? 'is required'
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}`
      : issue.code === 'invalid_value'
        ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : issue.code === 'too_small' || issue.code === 'too_big'
          ? 'is out of range'
          : issue.message;
  throw refuse(`"${fieldName(issue.path)}" ${why}`);
}

export function schemaRequest(body: Record<string, unknown>): SchemaRequest {
  for (const field of UNSUPPORTED_SCHEMA_FIELDS) {
    if (body[field] !== undefined && body[field] !== null && body[field] !== false) {
      throw invalidSchema(`"${field}" is not supported by this registry (schema tags are not kept)`);
    }
  }
  const parsed = parseWith(schemaRequestBody, body, invalidSchema);
  return {
    schema: parsed.schema ?? '',
    ...(parsed.schemaType !== undefined ? { schemaType: parsed.schemaType } : {}),
    references: parsed.references ?? [],
    // Confluent's "no id" and "no version" are negative and 0.
    ...(parsed.id !== undefined && parsed.id >= 0 ? { id: parsed.id } : {}),
    ...(parsed.version !== undefined && parsed.version > 0 ? { version: parsed.version } : {}),
    ...(parsed.metadata !== undefined ? { metadata: parsed.metadata } : {}),
    ...(parsed.ruleSet !== undefined ? { ruleSet: parsed.ruleSet } : {}),
  };
}

/** Confluent's config fields this registry keeps; any other field is refused by name, never dropped. */
export function configUpdate(body: Record<string, unknown>): ConfigUpdate {
  const unsupported = Object.keys(body).filter((k) => !(k in configBody.shape));
  if (unsupported.length > 0) {
    throw invalidConfig(
      `Unsupported config field${unsupported.length > 1 ? 's' : ''} ${unsupported.map((k) => `"${k}"`).join(', ')}: this registry keeps compatibility, normalize and alias`,
    );
  }
  const parsed = parseWith(configBody, body, (m) => invalidConfig(`Invalid config: ${m}`));
  const compatibility = parsed.compatibility ?? parsed.compatibilityLevel;
  return {
    ...(compatibility !== undefined ? { compatibility } : {}),
    ...(parsed.normalize !== undefined ? { normalize: parsed.normalize } : {}),
    ...(parsed.alias !== undefined ? { alias: parsed.alias } : {}),
  };
}

export function modeUpdate(body: Record<string, unknown>): string {
  return parseWith(modeBody, body, (m) => invalidModeRequest(`Invalid mode: ${m}`)).mode;
}
