import { readBody } from '../body.js';
import { flag, json, subjectParam } from '../http.js';
import type { RouteContext } from './types.js';

/** /mode: READWRITE, READONLY or IMPORT, global and per subject. */
export function modeRoutes({ app, registry, maxBodyBytes }: RouteContext): void {
  app.get('/mode', async (c) => json(c, { mode: await registry.mode(null, true) }));
  app.put('/mode', async (c) => {
    const body = await readBody(c, maxBodyBytes);
    return json(c, { mode: await registry.setMode(null, body.mode, flag(c, 'force')) });
  });
  app.get('/mode/:subject', async (c) =>
    json(c, { mode: await registry.mode(subjectParam(c), flag(c, 'defaultToGlobal')) }),
  );
  app.put('/mode/:subject', async (c) => {
    const body = await readBody(c, maxBodyBytes);
    return json(c, { mode: await registry.setMode(subjectParam(c), body.mode, flag(c, 'force')) });
  });
  app.delete('/mode/:subject', async (c) => json(c, { mode: await registry.deleteMode(subjectParam(c)) }));
}
