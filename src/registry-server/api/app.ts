import { Hono } from 'hono';
import { createLogger, type Logger } from '../../core/log.js';
import { RegistryError } from '../errors.js';
import type { Registry } from '../registry.js';
import { type AuthMode, authenticate, type Credential } from './auth.js';
import { contextUrl } from './context-paths.js';
import { CONTENT_TYPE, json } from './http.js';
import { compatibilityRoutes } from './routes/compatibility.js';
import { configRoutes } from './routes/config.js';
import { contextRoutes } from './routes/contexts.js';
import { metadataRoutes } from './routes/metadata.js';
import { modeRoutes } from './routes/mode.js';
import { schemaRoutes } from './routes/schemas.js';
import { subjectRoutes } from './routes/subjects.js';
import { logStoreFailure } from './store-failure.js';

export { CONTENT_TYPE } from './http.js';

export interface ApiOptions {
  readonly auth: AuthMode;
  readonly credentials: readonly Credential[];
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Where failures answered with 50001 are logged (stderr, errors only, by default). */
  readonly logger?: Logger;
}

/** Requests that change nothing even though they are POSTs: lookups and compatibility tests. */
function isReadOnlyRequest(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  if (method !== 'POST') return false;
  return path.startsWith('/compatibility/') || /^\/subjects\/[^/]+$/.test(path);
}

/** The Confluent Schema Registry REST API over a Registry, with Confluent's `/contexts/{context}/…` forms. */
export function registryApp(registry: Registry, options: ApiOptions): Hono {
  const app = routes(registry, options);
  const outer = new Hono();
  outer.all('*', (c) => {
    let url: URL;
    try {
      url = contextUrl(new URL(c.req.url));
    } catch (error) {
      const message = error instanceof RegistryError ? error.message : 'Bad request';
      return c.body(JSON.stringify({ error_code: 400, message }), 400, { 'content-type': CONTENT_TYPE });
    }
    return app.fetch(url.href === c.req.url ? c.req.raw : new Request(url, c.req.raw), c.env);
  });
  return outer;
}

function routes(registry: Registry, options: ApiOptions): Hono {
  const app = new Hono();
  const logger = options.logger ?? createLogger({ level: 'error', scope: 'registry-server' });

  app.onError((error, c) => {
    if (error instanceof RegistryError) {
      return c.body(JSON.stringify({ error_code: error.code, message: error.message }), error.status, {
        'content-type': CONTENT_TYPE,
      });
    }
    logStoreFailure(logger, c.req.method, c.req.path, error);
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

  app.get('/', (c) => json(c, {}));
  const routes = { app, registry, maxBodyBytes: options.maxBodyBytes };
  schemaRoutes(routes);
  contextRoutes(routes);
  subjectRoutes(routes);
  compatibilityRoutes(routes);
  configRoutes(routes);
  modeRoutes(routes);
  metadataRoutes(routes);

  return app;
}
