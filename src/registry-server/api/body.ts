import type { Context } from 'hono';
import { RegistryError } from '../errors.js';
import type { SchemaRequest } from '../registry.js';

export async function readBody(c: Context, maxBytes: number): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (Buffer.byteLength(text) > maxBytes)
    throw new RegistryError(422, 42201, `Request body is over ${maxBytes} bytes`);
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new RegistryError(400, 400, `Request body is not a JSON object: ${(error as Error).message}`);
  }
}

export function schemaRequest(body: Record<string, unknown>): SchemaRequest {
  const references = Array.isArray(body.references) ? body.references : [];
  return {
    schema: body.schema as string,
    ...(typeof body.schemaType === 'string' ? { schemaType: body.schemaType } : {}),
    references: references.map((r) => {
      const ref = r as Record<string, unknown>;
      if (
        typeof ref.name !== 'string' ||
        typeof ref.subject !== 'string' ||
        typeof ref.version !== 'number'
      ) {
        throw new RegistryError(
          422,
          42201,
          'Invalid schema: each reference needs a name, a subject and a version',
        );
      }
      return { name: ref.name, subject: ref.subject, version: ref.version };
    }),
    ...(typeof body.id === 'number' ? { id: body.id } : {}),
    ...(typeof body.version === 'number' ? { version: body.version } : {}),
  };
}
