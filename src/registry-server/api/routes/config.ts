import { configUpdate, readBody } from '../body.js';
import { flag, json, subjectParam } from '../http.js';
import type { RouteContext } from './types.js';

/** /config: compatibility level, normalize and alias, global and per subject (or context, `:.ctx:`). */
export function configRoutes({ app, registry, maxBodyBytes }: RouteContext): void {
  const { settings } = registry;
  app.get('/config', async (c) => json(c, await settings.globalConfig()));
  app.put('/config', async (c) =>
    json(c, await settings.updateConfig(null, configUpdate(await readBody(c, maxBodyBytes)))),
  );
  app.delete('/config', async (c) => json(c, await settings.deleteConfig(null)));
  app.get('/config/:subject', async (c) =>
    json(c, await settings.subjectConfig(subjectParam(c), flag(c, 'defaultToGlobal'))),
  );
  app.put('/config/:subject', async (c) =>
    json(c, await settings.updateConfig(subjectParam(c), configUpdate(await readBody(c, maxBodyBytes)))),
  );
  app.delete('/config/:subject', async (c) => json(c, await settings.deleteConfig(subjectParam(c))));
}
