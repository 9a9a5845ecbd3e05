import { readBody, schemaRequest } from '../body.js';
import { CONTENT_TYPE, flag, json, subjectParam } from '../http.js';
import { type RouteContext, target } from './types.js';

/** /subjects: versions, registration, lookup and deletes. */
export function subjectRoutes({ app, registry, maxBodyBytes }: RouteContext): void {
  app.get('/subjects', async (c) =>
    json(c, await registry.subjects(c.req.query('subjectPrefix'), flag(c, 'deleted'))),
  );
  app.get('/subjects/:subject/versions', async (c) =>
    json(c, await registry.versions(await target(registry, c), flag(c, 'deleted'))),
  );
  app.post('/subjects/:subject/versions', async (c) => {
    const body = await readBody(c, maxBodyBytes);
    return json(c, {
      id: (await registry.register(await target(registry, c), schemaRequest(body), flag(c, 'normalize'))).id,
    });
  });
  app.get('/subjects/:subject/versions/:version', async (c) =>
    json(c, await registry.version(await target(registry, c), c.req.param('version'), flag(c, 'deleted'))),
  );
  app.get('/subjects/:subject/versions/:version/schema', async (c) => {
    const found = await registry.version(
      await target(registry, c),
      c.req.param('version'),
      flag(c, 'deleted'),
    );
    return c.body(found.schema, 200, { 'content-type': CONTENT_TYPE });
  });
  app.get('/subjects/:subject/versions/:version/referencedby', async (c) =>
    json(c, await registry.referencedBy(await target(registry, c), c.req.param('version'))),
  );
  app.post('/subjects/:subject', async (c) => {
    const body = await readBody(c, maxBodyBytes);
    return json(
      c,
      await registry.lookup(
        await target(registry, c),
        schemaRequest(body),
        flag(c, 'deleted'),
        flag(c, 'normalize'),
      ),
    );
  });
  app.delete('/subjects/:subject', async (c) =>
    json(c, await registry.deleteSubject(subjectParam(c), flag(c, 'permanent'))),
  );
  app.delete('/subjects/:subject/versions/:version', async (c) =>
    json(c, await registry.deleteVersion(subjectParam(c), c.req.param('version'), flag(c, 'permanent'))),
  );
}
