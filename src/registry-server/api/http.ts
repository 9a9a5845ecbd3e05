import type { Context } from 'hono';
import { RegistryError } from '../errors.js';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export function json(c: Context, body: unknown, status: 200 | 201 = 200): Response {
  return c.body(JSON.stringify(body), status, { 'content-type': CONTENT_TYPE });
}

export function flag(c: Context, name: string): boolean {
  return c.req.query(name) === 'true';
}

export function idParam(c: Context): number {
  const raw = c.req.param('id') ?? '';
  if (!/^\d+$/.test(raw)) throw new RegistryError(404, 40403, `Schema ${raw} not found`);
  return Number(raw);
}

export function subjectParam(c: Context): string {
  return c.req.param('subject') ?? '';
}
