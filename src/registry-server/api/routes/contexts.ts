import { json } from '../http.js';
import type { RouteContext } from './types.js';

/** /contexts: the contexts subjects live in. */
export function contextRoutes({ app, registry }: RouteContext): void {
  app.get('/contexts', async (c) => json(c, await registry.contexts()));
}
