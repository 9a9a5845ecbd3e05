import type { Context } from 'hono';
import { readBody, schemaRequest } from '../body.js';
import { flag, json } from '../http.js';
import { type RouteContext, target } from './types.js';

/** /compatibility: test a schema against one version or all the subject's level asks for. */
export function compatibilityRoutes({ app, registry, maxBodyBytes }: RouteContext): void {
  const compatibility = async (c: Context, version: string | undefined) => {
    const body = await readBody(c, maxBodyBytes);
    const problems = await registry.testCompatibility(
      await target(registry, c),
      version,
      schemaRequest(body),
      flag(c, 'normalize'),
    );
    return json(c, {
      is_compatible: problems.length === 0,
      ...(flag(c, 'verbose') ? { messages: problems } : {}),
    });
  };
  app.post('/compatibility/subjects/:subject/versions', (c) => compatibility(c, undefined));
  app.post('/compatibility/subjects/:subject/versions/:version', (c) =>
    compatibility(c, c.req.param('version')),
  );
}
