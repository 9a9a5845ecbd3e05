import { CONTENT_TYPE, flag, idParam, json } from '../http.js';
import type { RouteContext } from './types.js';

/** /schemas: schemas by id, and the types this registry knows. */
export function schemaRoutes({ app, registry }: RouteContext): void {
  app.get('/schemas/types', (c) => json(c, ['JSON', 'PROTOBUF', 'AVRO']));
  app.get('/schemas/ids/:id', async (c) => {
    const schema = await registry.schemaById(idParam(c));
    return json(c, {
      ...(schema.type !== 'AVRO' ? { schemaType: schema.type } : {}),
      schema: schema.schema,
      ...(schema.references.length > 0 ? { references: schema.references } : {}),
    });
  });
  app.get('/schemas/ids/:id/schema', async (c) => {
    const schema = await registry.schemaById(idParam(c));
    return c.body(schema.schema, 200, { 'content-type': CONTENT_TYPE });
  });
  app.get('/schemas/ids/:id/subjects', async (c) =>
    json(c, await registry.subjectsOfSchema(idParam(c), flag(c, 'deleted'))),
  );
  app.get('/schemas/ids/:id/versions', async (c) =>
    json(c, await registry.versionsOfSchema(idParam(c), flag(c, 'deleted'))),
  );
}
