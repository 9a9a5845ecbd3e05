import type { Context } from 'hono';
import { modeUpdate, readBody } from '../body.js';
import { flag, json, subjectParam } from '../http.js';
import type { RouteContext } from './types.js';

/** /mode: READWRITE, READONLY or IMPORT, global and per subject (or context, `:.ctx:`). */
export function modeRoutes({ app, registry, maxBodyBytes }: RouteContext): void {
  const { settings } = registry;
  const update = async (subject: string | null, c: Context) => {
    const mode = modeUpdate(await readBody(c, maxBodyBytes));
    const hasSchemas = () => registry.hasSchemas(subject);
    return json(c, { mode: await settings.setMode(subject, mode, flag(c, 'force'), hasSchemas) });
  };
  app.get('/mode', async (c) => json(c, { mode: await settings.mode(null, true) }));
  app.put('/mode', (c) => update(null, c));
  app.delete('/mode', async (c) => json(c, { mode: await settings.deleteMode(null) }));
  app.get('/mode/:subject', async (c) =>
    json(c, { mode: await settings.mode(subjectParam(c), flag(c, 'defaultToGlobal')) }),
  );
  app.put('/mode/:subject', (c) => update(subjectParam(c), c));
  app.delete('/mode/:subject', async (c) => json(c, { mode: await settings.deleteMode(subjectParam(c)) }));
}
