import type { Context, Hono } from 'hono';
import type { Registry } from '../../registry.js';
import { subjectParam } from '../http.js';

/** What every group of routes is given: the app to add to, the registry, and the body limit. */
export interface RouteContext {
  readonly app: Hono;
  readonly registry: Registry;
  readonly maxBodyBytes: number;
}

/** The subject a data request acts on: the one named, or the subject it is an alias of. */
export function target(registry: Registry, c: Context): Promise<string> {
  return registry.resolve(subjectParam(c));
}
