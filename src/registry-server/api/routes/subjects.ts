import { registerAnswer } from '../../answers.js';
import { readBody, schemaRequest } from '../body.js';
import { formattedAnswer } from '../format.js';
import { CONTENT_TYPE, deletedFilter, flag, json, paging, subjectParam } from '../http.js';
import { type RouteContext, target } from './types.js';

/** /subjects: versions, registration, lookup, metadata and deletes. */
export function subjectRoutes({ app, registry, maxBodyBytes }: RouteContext): void {
  app.get('/subjects', async (c) =>
    json(c, await registry.queries.subjects(c.req.query('subjectPrefix'), deletedFilter(c), paging(c))),
  );
  app.get('/subjects/:subject/versions', async (c) =>
    json(
      c,
      await registry.versions(
        await target(registry, c),
        { ...deletedFilter(c), deletedAsNegative: flag(c, 'deletedAsNegative') },
        paging(c),
      ),
    ),
  );
  app.post('/subjects/:subject/versions', async (c) => {
    const body = await readBody(c, maxBodyBytes);
    const registered = await registry.register(
      await target(registry, c),
      schemaRequest(body),
      flag(c, 'normalize'),
    );
    return json(c, registerAnswer(registered));
  });
  app.get('/subjects/:subject/versions/:version', async (c) => {
    const found = await registry.version(
      await target(registry, c),
      c.req.param('version'),
      flag(c, 'deleted'),
    );
    return json(c, await formattedAnswer(registry, found, c.req.query('format')));
  });
  app.get('/subjects/:subject/versions/:version/schema', async (c) => {
    const found = await registry.version(
      await target(registry, c),
      c.req.param('version'),
      flag(c, 'deleted'),
    );
    const { schema } = await formattedAnswer(registry, found, c.req.query('format'));
    return c.body(schema, 200, { 'content-type': CONTENT_TYPE });
  });
  app.get('/subjects/:subject/versions/:version/referencedby', async (c) =>
    json(c, await registry.referencedBy(await target(registry, c), c.req.param('version'))),
  );
  app.get('/subjects/:subject/metadata', async (c) => {
    // Confluent pairs the n-th `key` with the n-th `value`.
    const keys = c.req.queries('key') ?? [];
    const values = c.req.queries('value') ?? [];
    const pairs = keys.slice(0, values.length).map((key, i) => [key, values[i] ?? ''] as const);
    const found = await registry.queries.latestWithMetadata(
      await target(registry, c),
      pairs,
      flag(c, 'deleted'),
    );
    return json(c, await formattedAnswer(registry, found, c.req.query('format')));
  });
  app.post('/subjects/:subject', async (c) => {
    const body = await readBody(c, maxBodyBytes);
    const found = await registry.lookup(
      await target(registry, c),
      schemaRequest(body),
      flag(c, 'deleted'),
      flag(c, 'normalize'),
    );
    return json(c, await formattedAnswer(registry, found, c.req.query('format')));
  });
  app.delete('/subjects/:subject', async (c) =>
    json(c, await registry.deleteSubject(subjectParam(c), flag(c, 'permanent'))),
  );
  app.delete('/subjects/:subject/versions/:version', async (c) =>
    json(c, await registry.deleteVersion(subjectParam(c), c.req.param('version'), flag(c, 'permanent'))),
  );
}
