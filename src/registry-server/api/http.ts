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

/** A non-negative integer query parameter (Confluent's offset and limit); anything else counts as absent. */
function count(c: Context, name: string): number | undefined {
  const raw = c.req.query(name);
  return raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

/** Confluent's `offset` and `limit`: skip, then at most that many (no limit when absent or not positive). */
export function paging(c: Context): { offset?: number; limit?: number } {
  const offset = count(c, 'offset');
  const limit = count(c, 'limit');
  return { ...(offset !== undefined ? { offset } : {}), ...(limit !== undefined ? { limit } : {}) };
}

/** Confluent's `deleted` and `deletedOnly`. */
export function deletedFilter(c: Context): { deleted: boolean; deletedOnly: boolean } {
  return { deleted: flag(c, 'deleted'), deletedOnly: flag(c, 'deletedOnly') };
}
