import { page } from '../../queries.js';
import { json, paging } from '../http.js';
import type { RouteContext } from './types.js';

/** /contexts: the contexts subjects live in. */
export function contextRoutes({ app, registry }: RouteContext): void {
  app.get('/contexts', async (c) => json(c, page(await registry.queries.contexts(), paging(c))));
  app.delete('/contexts/:context', async (c) => {
    await registry.deleteContext(c.req.param('context'));
    return c.body(null, 204);
  });
}
