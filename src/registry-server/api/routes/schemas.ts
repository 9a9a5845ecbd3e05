import { schemaAnswer } from '../../answers.js';
import { formatted, formattedAnswer } from '../format.js';
import { CONTENT_TYPE, deletedFilter, flag, idParam, json, paging } from '../http.js';
import type { RouteContext } from './types.js';

/** /schemas: schemas by id and GUID, the listing across subjects, and the types this registry knows. */
export function schemaRoutes({ app, registry }: RouteContext): void {
  app.get('/schemas/types', (c) => json(c, ['JSON', 'PROTOBUF', 'AVRO']));
  app.get('/schemas', async (c) =>
    json(
      c,
      await registry.queries.schemas(
        c.req.query('subjectPrefix') ?? '',
        { deleted: flag(c, 'deleted'), latestOnly: flag(c, 'latestOnly') },
        paging(c),
      ),
    ),
  );
  app.get('/schemas/ids/:id', async (c) => {
    const stored = schemaAnswer(await registry.schemaById(idParam(c)));
    const schema = await formattedAnswer(registry, stored, c.req.query('format'));
    if (!flag(c, 'fetchMaxId')) return json(c, schema);
    return json(c, { ...schema, maxId: await registry.queries.maxId() });
  });
  app.get('/schemas/ids/:id/schema', async (c) => {
    const schema = await registry.schemaById(idParam(c));
    const text = await formatted(
      registry,
      schema.type,
      schema.schema,
      schema.references,
      c.req.query('format'),
    );
    return c.body(text, 200, { 'content-type': CONTENT_TYPE });
  });
  app.get('/schemas/ids/:id/subjects', async (c) =>
    json(c, await registry.queries.subjectsOfSchema(idParam(c), deletedFilter(c), paging(c))),
  );
  app.get('/schemas/ids/:id/versions', async (c) =>
    json(c, await registry.queries.versionsOfSchema(idParam(c), deletedFilter(c), paging(c))),
  );
  app.get('/schemas/guids/:guid', async (c) => {
    const schema = await registry.queries.schemaByGuid(c.req.param('guid'));
    return json(c, await formattedAnswer(registry, schema, c.req.query('format')));
  });
  app.get('/schemas/guids/:guid/ids', async (c) =>
    json(c, await registry.queries.idsOfGuid(c.req.param('guid'))),
  );
}
