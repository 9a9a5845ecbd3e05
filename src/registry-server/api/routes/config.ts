import { readBody } from '../body.js';
import { flag, json, subjectParam } from '../http.js';
import type { RouteContext } from './types.js';

/** /config: compatibility level and alias, global and per subject. */
export function configRoutes({ app, registry, maxBodyBytes }: RouteContext): void {
  app.get('/config', async (c) => json(c, { compatibilityLevel: await registry.compatibility(null, true) }));
  app.put('/config', async (c) => {
    const body = await readBody(c, maxBodyBytes);
    return json(c, { compatibility: await registry.setCompatibility(null, body.compatibility) });
  });
  app.delete('/config', async (c) =>
    json(c, { compatibilityLevel: await registry.deleteCompatibility(null) }),
  );
  app.get('/config/:subject', async (c) => {
    const subject = subjectParam(c);
    const alias = await registry.alias(subject);
    if (alias === undefined)
      return json(c, {
        compatibilityLevel: await registry.compatibility(subject, flag(c, 'defaultToGlobal')),
      });
    const level = await registry.compatibility(subject, flag(c, 'defaultToGlobal')).catch(() => undefined);
    return json(c, { ...(level ? { compatibilityLevel: level } : {}), alias });
  });
  app.put('/config/:subject', async (c) => {
    const subject = subjectParam(c);
    const body = await readBody(c, maxBodyBytes);
    if (body.alias === undefined)
      return json(c, { compatibility: await registry.setCompatibility(subject, body.compatibility) });
    const alias = await registry.setAlias(subject, body.alias);
    const compatibility =
      body.compatibility === undefined
        ? undefined
        : await registry.setCompatibility(subject, body.compatibility);
    return json(c, { ...(compatibility ? { compatibility } : {}), ...(alias ? { alias } : {}) });
  });
  app.delete('/config/:subject', async (c) => {
    const subject = subjectParam(c);
    const alias = await registry.alias(subject);
    if (alias === undefined)
      return json(c, { compatibilityLevel: await registry.deleteCompatibility(subject) });
    await registry.setAlias(subject, '');
    const level = await registry.deleteCompatibility(subject).catch(() => undefined);
    return json(c, { ...(level ? { compatibilityLevel: level } : {}), alias });
  });
}
