import { type Context, Hono } from 'hono';
import { RegistryError } from '../errors.js';
import type { Registry, SchemaRequest } from '../registry.js';
import { type AuthMode, authenticate, type Credential } from './auth.js';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface ApiOptions {
  readonly auth: AuthMode;
  readonly credentials: readonly Credential[];
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
}

/** Requests that change nothing even though they are POSTs: lookups and compatibility tests. */
function isReadOnlyRequest(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  if (method !== 'POST') return false;
  return path.startsWith('/compatibility/') || /^\/subjects\/[^/]+$/.test(path);
}

function json(c: Context, body: unknown, status: 200 | 201 = 200): Response {
  return c.body(JSON.stringify(body), status, { 'content-type': CONTENT_TYPE });
}

function flag(c: Context, name: string): boolean {
  return c.req.query(name) === 'true';
}

async function readBody(c: Context, maxBytes: number): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (Buffer.byteLength(text) > maxBytes)
    throw new RegistryError(422, 42201, `Request body is over ${maxBytes} bytes`);
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new RegistryError(400, 400, `Request body is not a JSON object: ${(error as Error).message}`);
  }
}

function schemaRequest(body: Record<string, unknown>): SchemaRequest {
  const references = Array.isArray(body.references) ? body.references : [];
  return {
    schema: body.schema as string,
    ...(typeof body.schemaType === 'string' ? { schemaType: body.schemaType } : {}),
    references: references.map((r) => {
      const ref = r as Record<string, unknown>;
      if (
        typeof ref.name !== 'string' ||
        typeof ref.subject !== 'string' ||
        typeof ref.version !== 'number'
      ) {
        throw new RegistryError(
          422,
          42201,
          'Invalid schema: each reference needs a name, a subject and a version',
        );
      }
      return { name: ref.name, subject: ref.subject, version: ref.version };
    }),
    ...(typeof body.id === 'number' ? { id: body.id } : {}),
    ...(typeof body.version === 'number' ? { version: body.version } : {}),
  };
}

function idParam(c: Context): number {
  const raw = c.req.param('id') ?? '';
  if (!/^\d+$/.test(raw)) throw new RegistryError(404, 40403, `Schema ${raw} not found`);
  return Number(raw);
}

function subjectParam(c: Context): string {
  return c.req.param('subject') ?? '';
}

/** The Confluent Schema Registry REST API over a Registry. */
export function registryApp(registry: Registry, options: ApiOptions): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof RegistryError) {
      return c.body(JSON.stringify({ error_code: error.code, message: error.message }), error.status, {
        'content-type': CONTENT_TYPE,
      });
    }
    return c.body(JSON.stringify({ error_code: 50001, message: 'Error in the backend data store' }), 500, {
      'content-type': CONTENT_TYPE,
    });
  });
  app.notFound((c) =>
    c.body(JSON.stringify({ error_code: 404, message: 'HTTP 404 Not Found' }), 404, {
      'content-type': CONTENT_TYPE,
    }),
  );

  app.use('*', async (c, next) => {
    const outcome = authenticate(options.auth, options.credentials, c.req.header('authorization'));
    if (!outcome.ok) {
      const challenge = options.auth === 'basic' ? 'Basic realm="rampart-registry"' : 'Bearer';
      return c.body(JSON.stringify({ error_code: 401, message: 'Unauthorized' }), 401, {
        'content-type': CONTENT_TYPE,
        'www-authenticate': challenge,
      });
    }
    if (outcome.readOnly && !isReadOnlyRequest(c.req.method, c.req.path)) {
      return c.body(JSON.stringify({ error_code: 403, message: 'This credential is read-only' }), 403, {
        'content-type': CONTENT_TYPE,
      });
    }
    await next();
  });

  /** The subject a data request acts on: the one named, or the subject it is an alias of. */
  const target = (c: Context) => registry.resolve(subjectParam(c));

  app.get('/', (c) => json(c, {}));
  app.get('/schemas/types', (c) => json(c, ['JSON', 'PROTOBUF', 'AVRO']));
  app.get('/contexts', async (c) => json(c, await registry.contexts()));

  // Subjects and versions.
  app.get('/subjects', async (c) =>
    json(c, await registry.subjects(c.req.query('subjectPrefix'), flag(c, 'deleted'))),
  );
  app.get('/subjects/:subject/versions', async (c) =>
    json(c, await registry.versions(await target(c), flag(c, 'deleted'))),
  );
  app.post('/subjects/:subject/versions', async (c) => {
    const body = await readBody(c, options.maxBodyBytes);
    return json(c, {
      id: (await registry.register(await target(c), schemaRequest(body), flag(c, 'normalize'))).id,
    });
  });
  app.get('/subjects/:subject/versions/:version', async (c) =>
    json(c, await registry.version(await target(c), c.req.param('version'), flag(c, 'deleted'))),
  );
  app.get('/subjects/:subject/versions/:version/schema', async (c) => {
    const found = await registry.version(await target(c), c.req.param('version'), flag(c, 'deleted'));
    return c.body(found.schema, 200, { 'content-type': CONTENT_TYPE });
  });
  app.get('/subjects/:subject/versions/:version/referencedby', async (c) =>
    json(c, await registry.referencedBy(await target(c), c.req.param('version'))),
  );
  app.post('/subjects/:subject', async (c) => {
    const body = await readBody(c, options.maxBodyBytes);
    return json(
      c,
      await registry.lookup(await target(c), schemaRequest(body), flag(c, 'deleted'), flag(c, 'normalize')),
    );
  });
  app.delete('/subjects/:subject', async (c) =>
    json(c, await registry.deleteSubject(subjectParam(c), flag(c, 'permanent'))),
  );
  app.delete('/subjects/:subject/versions/:version', async (c) =>
    json(c, await registry.deleteVersion(subjectParam(c), c.req.param('version'), flag(c, 'permanent'))),
  );

  // Schemas by id.
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

  // Compatibility.
  const compatibility = async (c: Context, version: string | undefined) => {
    const body = await readBody(c, options.maxBodyBytes);
    const problems = await registry.testCompatibility(
      await target(c),
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

  // Config and mode, global and per subject.
  app.get('/config', async (c) => json(c, { compatibilityLevel: await registry.compatibility(null, true) }));
  app.put('/config', async (c) => {
    const body = await readBody(c, options.maxBodyBytes);
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
    const body = await readBody(c, options.maxBodyBytes);
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
  app.get('/mode', async (c) => json(c, { mode: await registry.mode(null, true) }));
  app.put('/mode', async (c) => {
    const body = await readBody(c, options.maxBodyBytes);
    return json(c, { mode: await registry.setMode(null, body.mode, flag(c, 'force')) });
  });
  app.get('/mode/:subject', async (c) =>
    json(c, { mode: await registry.mode(subjectParam(c), flag(c, 'defaultToGlobal')) }),
  );
  app.put('/mode/:subject', async (c) => {
    const body = await readBody(c, options.maxBodyBytes);
    return json(c, { mode: await registry.setMode(subjectParam(c), body.mode, flag(c, 'force')) });
  });
  app.delete('/mode/:subject', async (c) => json(c, { mode: await registry.deleteMode(subjectParam(c)) }));

  return app;
}
